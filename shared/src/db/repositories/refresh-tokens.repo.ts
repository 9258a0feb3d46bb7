import { and, eq, isNull, ne } from 'drizzle-orm';
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

  /** Whether a sign-in (a token family) of this user is still live: not signed out, not revoked. */
  async familyActive(db: Db, familyId: string, userId: string): Promise<boolean> {
    const rows = await db
      .select({ id: refreshTokens.id })
      .from(refreshTokens)
      .where(
        and(
          eq(refreshTokens.familyId, familyId),
          eq(refreshTokens.userId, userId),
          isNull(refreshTokens.revokedAt),
        ),
      )
      .limit(1);
    return rows.length === 1;
  },

  /** Ends every sign-in of a user (disabled, or signed out everywhere). */
  async revokeUser(db: Db, userId: string, at: Date): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: at })
      .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt)));
  },

  /** Ends every sign-in of the user but `keepFamilyId` (the one changing its password). */
  async revokeUserExcept(db: Db, userId: string, keepFamilyId: string, at: Date): Promise<void> {
    await db
      .update(refreshTokens)
      .set({ revokedAt: at })
      .where(
        and(
          eq(refreshTokens.userId, userId),
          ne(refreshTokens.familyId, keepFamilyId),
          isNull(refreshTokens.revokedAt),
        ),
      );
  },
};
