import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { fans } from '../schema';

export type FanRecord = typeof fans.$inferSelect;

export type FanSafetyUpdate = Partial<
  Pick<
    FanRecord,
    | 'ageVerifiedAt'
    | 'ageVerifiedMethod'
    | 'optedOutAt'
    | 'minorSignalAt'
    | 'disclosedAt'
    | 'spamCooldownUntil'
    | 'spamStrikes'
    | 'mutedAt'
  >
>;

export const fansRepo = {
  async updateSafety(db: Db, id: string, update: FanSafetyUpdate): Promise<void> {
    if (Object.keys(update).length === 0) return;
    await db.update(fans).set(update).where(eq(fans.id, id));
  },

  async findById(db: Db, id: string): Promise<FanRecord | undefined> {
    const [row] = await db.select().from(fans).where(eq(fans.id, id)).limit(1);
    return row;
  },
};
