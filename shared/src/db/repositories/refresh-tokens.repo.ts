import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../client';
import { refreshTokens } from '../schema';

export type RefreshTokenRecord = typeof refreshTokens.$inferSelect;

export const refreshTokensRepo = {
  async insert(db: Db, input: typeof refreshTokens.$inferInsert): Promise<RefreshTokenRecord> {
    const [row] = await db.insert(refreshTokens).values(input).returning();
    return row!;
  },

  async findByHash(db: Db, tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const [row] = await db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .limit(1);
    return row;
  },

  /** Marks a live token rotated; false when another request rotated or revoked it first. */
  async markRotated(db: Db, id: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(refreshTokens)
      .set({ rotatedAt: at })
      .where(and(eq(refreshTokens.id, id), isNull(refreshTokens.rotatedAt), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id });
    return rows.length === 1;
  },

  async revokeFamily(db: Db, familyId: string, at: Date): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: at })
      .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  },
};
