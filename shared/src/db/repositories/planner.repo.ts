import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import type { MarketProfile, PlatformPlan } from '../../publishing/planner';
import { mediaAssets, plannerRules, posts, postTargets } from '../schema';

export type PlannerRulesRecord = typeof plannerRules.$inferSelect;

/** Target states that hold a place on the calendar. */
const ON_CALENDAR = ['scheduled', 'publishing', 'published', 'unconfirmed'];

export const plannerRepo = {
  async find(db: Db, creatorId: string): Promise<PlannerRulesRecord | undefined> {
    const [row] = await db.select().from(plannerRules).where(eq(plannerRules.creatorId, creatorId)).limit(1);
    return row;
  },

  async save(
    db: Db,
    creatorId: string,
    rules: { markets: MarketProfile[]; platforms: PlatformPlan[] },
    userId: string | null,
  ): Promise<PlannerRulesRecord> {
    const values = { ...rules, updatedBy: userId, updatedAt: new Date() };
    const [row] = await db
      .insert(plannerRules)
      .values({ creatorId, ...values })
      .onConflictDoUpdate({ target: plannerRules.creatorId, set: values })
      .returning();
    return row!;
  },

  /** Every creator with saved rules: those the reel check looks at. */
  async all(db: Db): Promise<PlannerRulesRecord[]> {
    return db.select().from(plannerRules);
  },

  /** The creator's targets on the calendar between two instants, with their post's kind. */
  async calendar(db: Db, creatorId: string, from: Date, to: Date) {
    return db
      .select({
        postId: posts.id,
        kind: posts.kind,
        platform: postTargets.platform,
        accountId: postTargets.accountId,
        at: postTargets.scheduledAt,
      })
      .from(postTargets)
      .innerJoin(posts, eq(posts.id, postTargets.postId))
      .where(
        and(
          eq(posts.creatorId, creatorId),
          inArray(postTargets.state, ON_CALENDAR),
          gte(postTargets.scheduledAt, from),
          lt(postTargets.scheduledAt, to),
        ),
      );
  },

  /** Posts with at least one target still in draft: content written and waiting for a time. */
  async draftPosts(db: Db, creatorId: string) {
    return db
      .select()
      .from(posts)
      .where(
        and(
          eq(posts.creatorId, creatorId),
          sql`exists (select 1 from post_targets t where t.post_id = ${posts.id} and t.state = 'draft')`,
        ),
      )
      .orderBy(posts.createdAt, posts.id)
      .limit(500);
  },

  /** Library media no post uses yet, oldest first (uploaded first, planned first). */
  async unusedMedia(db: Db, creatorId: string) {
    return db
      .select()
      .from(mediaAssets)
      .where(
        and(
          eq(mediaAssets.creatorId, creatorId),
          sql`not exists (select 1 from posts p where p.creator_id = ${creatorId} and p.media_ids @> jsonb_build_array(${mediaAssets.id}::text))`,
        ),
      )
      .orderBy(mediaAssets.createdAt, mediaAssets.id)
      .limit(500);
  },
};
