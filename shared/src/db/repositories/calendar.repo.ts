import { and, eq, gte, inArray, lt, ne } from 'drizzle-orm';
import type { Platform } from '../../domain';
import type { Db } from '../client';
import { platformAccounts, posts, postTargets } from '../schema';

/** What the publishing calendar reads: targets placed in a span of time, and who owes reels. */
export const calendarRepo = {
  /** Targets of these creators' posts whose time falls in [from, to), with their post and account. */
  async targetsBetween(db: Db, creatorIds: readonly string[], from: Date, to: Date, platform?: Platform) {
    if (creatorIds.length === 0) return [];
    return db
      .select({
        post: {
          id: posts.id,
          creatorId: posts.creatorId,
          kind: posts.kind,
          text: posts.text,
          version: posts.version,
        },
        target: postTargets,
        accountLabel: platformAccounts.label,
      })
      .from(postTargets)
      .innerJoin(posts, eq(posts.id, postTargets.postId))
      .innerJoin(platformAccounts, eq(platformAccounts.id, postTargets.accountId))
      .where(
        and(
          inArray(posts.creatorId, [...creatorIds]),
          gte(postTargets.scheduledAt, from),
          lt(postTargets.scheduledAt, to),
          ne(postTargets.state, 'cancelled'),
          platform ? eq(postTargets.platform, platform) : undefined,
        ),
      )
      .orderBy(postTargets.scheduledAt, postTargets.id);
  },

  /** The connected accounts of these creators on the given platforms. */
  async accountsOn(db: Db, creatorIds: readonly string[], platforms: readonly Platform[]) {
    if (creatorIds.length === 0 || platforms.length === 0) return [];
    return db
      .select({ creatorId: platformAccounts.creatorId, platform: platformAccounts.platform })
      .from(platformAccounts)
      .where(
        and(
          inArray(platformAccounts.creatorId, [...creatorIds]),
          inArray(platformAccounts.platform, [...platforms]),
          ne(platformAccounts.status, 'disconnected'),
        ),
      );
  },
};
