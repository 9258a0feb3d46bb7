import { and, count, desc, eq, gte, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { autoLikes, creators, postTargets, posts } from '../schema';

export type AutoLikeDecision = (typeof autoLikes.$inferSelect)['decision'];

export const autoLikesRepo = {
  /** Working (not archived) creators who turned auto-like on. */
  async optedIn(db: Db) {
    return db
      .select({ id: creators.id, automation: creators.automation })
      .from(creators)
      .where(
        and(isNull(creators.archivedAt), sql`(${creators.automation} -> 'autoLike' ->> 'enabled') = 'true'`),
      );
  },

  /** The replies among these that were already decided about for the account. */
  async seen(db: Db, accountId: string, replyIds: readonly string[]): Promise<Set<string>> {
    if (replyIds.length === 0) return new Set();
    const rows = await db
      .select({ replyId: autoLikes.replyId })
      .from(autoLikes)
      .where(and(eq(autoLikes.accountId, accountId), inArray(autoLikes.replyId, [...replyIds])));
    return new Set(rows.map((r) => r.replyId));
  },

  /** Likes spent by the creator since then (claimed ones count: they may have landed). */
  async spentSince(db: Db, creatorId: string, since: Date): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(autoLikes)
      .where(
        and(
          eq(autoLikes.creatorId, creatorId),
          inArray(autoLikes.decision, ['liking', 'liked']),
          gte(autoLikes.createdAt, since),
        ),
      );
    return Number(row?.n ?? 0);
  },

  /**
   * Writes the decision for a reply once; false when another run decided first (the unique
   * key on account and reply is what makes a second like impossible).
   */
  async claim(
    db: Db,
    row: {
      creatorId: string;
      accountId: string;
      platform: (typeof autoLikes.$inferInsert)['platform'];
      postRemoteId: string;
      replyId: string;
      decision: AutoLikeDecision;
      reason?: string;
    },
  ): Promise<boolean> {
    const inserted = await db
      .insert(autoLikes)
      .values(row)
      .onConflictDoNothing({ target: [autoLikes.accountId, autoLikes.replyId] })
      .returning({ id: autoLikes.id });
    return inserted.length > 0;
  },

  async settle(db: Db, accountId: string, replyId: string, decision: AutoLikeDecision, reason?: string) {
    await db
      .update(autoLikes)
      .set({ decision, reason: reason ?? null, updatedAt: sql`now()` })
      .where(and(eq(autoLikes.accountId, accountId), eq(autoLikes.replyId, replyId)));
  },

  /** Gives a claimed reply back (the platform said "later"): the next run may like it. */
  async release(db: Db, accountId: string, replyId: string) {
    await db
      .delete(autoLikes)
      .where(
        and(
          eq(autoLikes.accountId, accountId),
          eq(autoLikes.replyId, replyId),
          eq(autoLikes.decision, 'liking'),
        ),
      );
  },

  async list(db: Db, creatorId: string, limit = 50) {
    return db
      .select()
      .from(autoLikes)
      .where(eq(autoLikes.creatorId, creatorId))
      .orderBy(desc(autoLikes.id))
      .limit(limit);
  },

  /** The creator's posts published since then on each account: where replies are looked for. */
  async publishedSince(db: Db, creatorId: string, since: Date) {
    return db
      .select({
        accountId: postTargets.accountId,
        platform: postTargets.platform,
        remoteId: postTargets.remoteId,
      })
      .from(postTargets)
      .innerJoin(posts, eq(posts.id, postTargets.postId))
      .where(
        and(
          eq(posts.creatorId, creatorId),
          eq(postTargets.state, 'published'),
          isNotNull(postTargets.remoteId),
          gte(postTargets.updatedAt, since),
        ),
      )
      .orderBy(desc(postTargets.updatedAt))
      .limit(200);
  },
};
