import { eq, sql } from 'drizzle-orm';
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

  /** Creates the fan on first contact; later messages refresh name, language and last seen. */
  async upsert(
    db: Db,
    input: {
      accountId: string;
      platformUserId: string;
      displayName: string;
      username?: string;
      language?: string;
      seenAt: Date;
    },
  ): Promise<FanRecord> {
    const [row] = await db
      .insert(fans)
      .values({
        accountId: input.accountId,
        platformUserId: input.platformUserId,
        displayName: input.displayName,
        username: input.username ?? null,
        language: input.language ?? null,
        lastSeenAt: input.seenAt,
      })
      .onConflictDoUpdate({
        target: [fans.accountId, fans.platformUserId],
        set: {
          displayName: sql`excluded.display_name`,
          username: sql`coalesce(excluded.username, ${fans.username})`,
          language: sql`coalesce(excluded.language, ${fans.language})`,
          lastSeenAt: sql`greatest(excluded.last_seen_at, ${fans.lastSeenAt})`,
        },
      })
      .returning();
    return row!;
  },
};
