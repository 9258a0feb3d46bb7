import { and, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { mediaAssets, platformAccounts, posts, postTargets } from '../schema';
import { outboxRepo, type OutboxRow } from './outbox.repo';

export type PostRecord = typeof posts.$inferSelect;
export type PostTargetRecord = typeof postTargets.$inferSelect;
export type NewPost = typeof posts.$inferInsert;
/** A target as the engine moves it, with its post's creator (whose room hears of it). */
export type MovedTarget = PostTargetRecord & { creatorId: string };

/** RETURNING the whole target and its post's creator, in the same statement. */
const movedTarget = () => ({
  ...getTableColumns(postTargets),
  creatorId: sql<string>`(select p.creator_id from posts p where p.id = ${postTargets.postId})`,
});

export const postsRepo = {
  async create(
    db: Db,
    input: NewPost,
    targets: { accountId: string; platform: PostTargetRecord['platform'] }[],
  ): Promise<PostRecord> {
    return db.transaction(async (tx) => {
      const [post] = await tx.insert(posts).values(input).returning();
      if (targets.length)
        await tx.insert(postTargets).values(targets.map((t) => ({ ...t, postId: post!.id })));
      return post!;
    });
  },

  async findById(db: Db, id: string): Promise<PostRecord | undefined> {
    const [row] = await db.select().from(posts).where(eq(posts.id, id)).limit(1);
    return row;
  },

  /**
   * Newest first. With `state` and/or a window (`from` included, `to` excluded), only posts with
   * a target in that state whose scheduled time falls in the window (the same target for both).
   */
  async listByCreator(
    db: Db,
    creatorId: string,
    options: { state?: string; from?: Date; to?: Date; limit: number },
  ) {
    const { state, from, to } = options;
    const filtered = state !== undefined || from !== undefined || to !== undefined;
    return db
      .select()
      .from(posts)
      .where(
        and(
          eq(posts.creatorId, creatorId),
          filtered
            ? sql`exists (select 1 from post_targets t where t.post_id = ${posts.id}${
                state !== undefined ? sql` and t.state = ${state}` : sql``
              }${from ? sql` and t.scheduled_at >= ${from.toISOString()}::timestamptz` : sql``}${
                to ? sql` and t.scheduled_at < ${to.toISOString()}::timestamptz` : sql``
              })`
            : undefined,
        ),
      )
      .orderBy(desc(posts.createdAt), desc(posts.id))
      .limit(options.limit);
  },

  /** Each post's targets with their account's label, oldest first. */
  async targets(db: Db, postIds: string[]) {
    if (postIds.length === 0) return [];
    return db
      .select({ target: postTargets, accountLabel: platformAccounts.label })
      .from(postTargets)
      .innerJoin(platformAccounts, eq(platformAccounts.id, postTargets.accountId))
      .where(inArray(postTargets.postId, postIds))
      .orderBy(postTargets.createdAt, postTargets.id);
  },

  async media(db: Db, creatorId: string, ids: string[]) {
    if (ids.length === 0) return [];
    return db
      .select()
      .from(mediaAssets)
      .where(and(eq(mediaAssets.creatorId, creatorId), inArray(mediaAssets.id, ids)));
  },

  /**
   * Applies a change made on `version`, in one transaction that locks the post: refused when
   * another change came first, or when a target is being published (never edited underneath).
   * Targets no longer listed go, unless they already left the draft state.
   */
  async update(
    db: Db,
    id: string,
    version: number,
    change: Partial<NewPost>,
    targets?: { accountId: string; platform: PostTargetRecord['platform'] }[],
  ): Promise<'updated' | 'stale' | 'publishing' | 'missing' | { locked: string[] }> {
    return db.transaction(async (tx) => {
      const [current] = await tx.select().from(posts).where(eq(posts.id, id)).for('update');
      if (!current) return 'missing';
      if (current.version !== version) return 'stale';
      const existing = await tx.select().from(postTargets).where(eq(postTargets.postId, id));
      if (existing.some((t) => t.state === 'publishing')) return 'publishing';
      if (targets) {
        const wanted = new Set(targets.map((t) => t.accountId));
        const removed = existing.filter((t) => !wanted.has(t.accountId));
        const locked = removed.filter((t) => !['draft', 'cancelled', 'failed'].includes(t.state));
        if (locked.length) return { locked: locked.map((t) => t.platform) };
        if (removed.length)
          await tx.delete(postTargets).where(
            inArray(
              postTargets.id,
              removed.map((t) => t.id),
            ),
          );
        const added = targets.filter((t) => !existing.some((e) => e.accountId === t.accountId));
        if (added.length) await tx.insert(postTargets).values(added.map((t) => ({ ...t, postId: id })));
      }
      await tx
        .update(posts)
        .set({ ...change, version: version + 1, updatedAt: new Date() })
        .where(eq(posts.id, id));
      return 'updated';
    });
  },

  /** Deletes a post none of whose targets is published or being published. */
  async delete(db: Db, id: string): Promise<'deleted' | 'missing' | { live: string[] }> {
    return db.transaction(async (tx) => {
      const [current] = await tx.select().from(posts).where(eq(posts.id, id)).for('update');
      if (!current) return 'missing';
      const targets = await tx.select().from(postTargets).where(eq(postTargets.postId, id));
      const live = targets.filter((t) => ['publishing', 'published', 'unconfirmed'].includes(t.state));
      if (live.length) return { live: live.map((t) => t.platform) };
      await tx.delete(posts).where(eq(posts.id, id));
      return 'deleted';
    });
  },
};

/** What the publishing engine does with a target, each step its own short transaction. */
export const postTargetsRepo = {
  async findById(db: Db, id: string): Promise<PostTargetRecord | undefined> {
    const [row] = await db.select().from(postTargets).where(eq(postTargets.id, id)).limit(1);
    return row;
  },

  /**
   * Takes a due target for publishing: only a target still scheduled for `dueAt` moves to
   * `publishing`, so two workers (or a retried job) never both get it.
   */
  async claim(db: Db, id: string, dueAt: Date): Promise<MovedTarget | undefined> {
    const [row] = await db
      .update(postTargets)
      .set({ state: 'publishing', updatedAt: new Date() })
      .where(
        and(eq(postTargets.id, id), eq(postTargets.state, 'scheduled'), eq(postTargets.scheduledAt, dueAt)),
      )
      .returning(movedTarget());
    return row;
  },

  /**
   * Records what the platform answered for a target this worker holds (`from` state): the
   * target as it now is, or undefined when it was no longer in `from`.
   */
  async settle(
    db: Db,
    id: string,
    from: 'publishing' | 'unconfirmed',
    outcome: {
      state: 'published' | 'failed' | 'unconfirmed' | 'publishing' | 'scheduled';
      remoteId?: string | null;
      remoteUrl?: string | null;
      lastError?: string | null;
      scheduledAt?: Date;
    },
  ): Promise<MovedTarget | undefined> {
    const [row] = await db
      .update(postTargets)
      .set({ ...outcome, updatedAt: new Date() })
      .where(and(eq(postTargets.id, id), eq(postTargets.state, from)))
      .returning(movedTarget());
    return row;
  },
};

/** Moving targets on and off the calendar, with the outbox rows that make them fire. */
export const postScheduleRepo = {
  /**
   * Schedules (or moves) the given targets of a post to `at`, in one transaction with their
   * outbox rows (held until `at`, so the relay's sweep fires whatever the queue lost).
   */
  async schedule(
    db: Db,
    postId: string,
    targetIds: string[],
    at: Date,
    timeZone: string,
  ): Promise<{ targets: PostTargetRecord[]; outbox: OutboxRow[] }> {
    return db.transaction(async (tx) => {
      await tx.select({ id: posts.id }).from(posts).where(eq(posts.id, postId)).for('update');
      const targets = await tx
        .update(postTargets)
        .set({ state: 'scheduled', scheduledAt: at, timeZone, lastError: null, updatedAt: new Date() })
        .where(
          and(
            eq(postTargets.postId, postId),
            inArray(postTargets.id, targetIds),
            inArray(postTargets.state, ['draft', 'failed', 'scheduled']),
          ),
        )
        .returning();
      const rows: OutboxRow[] = [];
      for (const target of targets)
        rows.push(
          await outboxRepo.insert(
            tx,
            { name: 'post.publish', data: { targetId: target.id, dueAt: at.getTime() } },
            { holdUntil: at },
          ),
        );
      await tx
        .update(posts)
        .set({ version: sql`${posts.version} + 1`, updatedAt: new Date() })
        .where(eq(posts.id, postId));
      return { targets, outbox: rows };
    });
  },

  /**
   * Cancels the chosen targets that have not gone out (draft, scheduled, failed): their jobs
   * then find nothing to do. Refused as a whole while one of them is being published.
   */
  async cancel(
    db: Db,
    postId: string,
    targetIds: string[],
  ): Promise<{ cancelled: PostTargetRecord[] } | 'publishing'> {
    return db.transaction(async (tx) => {
      await tx.select({ id: posts.id }).from(posts).where(eq(posts.id, postId)).for('update');
      const chosen = await tx
        .select()
        .from(postTargets)
        .where(and(eq(postTargets.postId, postId), inArray(postTargets.id, targetIds)));
      if (chosen.some((t) => t.state === 'publishing')) return 'publishing';
      const cancelled = await tx
        .update(postTargets)
        .set({ state: 'cancelled', updatedAt: new Date() })
        .where(
          and(
            eq(postTargets.postId, postId),
            inArray(postTargets.id, targetIds),
            inArray(postTargets.state, ['draft', 'scheduled', 'failed']),
          ),
        )
        .returning();
      await tx
        .update(posts)
        .set({ version: sql`${posts.version} + 1`, updatedAt: new Date() })
        .where(eq(posts.id, postId));
      return { cancelled };
    });
  },

  /** Takes scheduled targets back to draft; their jobs then find nothing to do. */
  async unschedule(db: Db, postId: string, targetIds: string[]): Promise<PostTargetRecord[]> {
    return db.transaction(async (tx) => {
      await tx.select({ id: posts.id }).from(posts).where(eq(posts.id, postId)).for('update');
      const targets = await tx
        .update(postTargets)
        .set({ state: 'draft', scheduledAt: null, timeZone: null, updatedAt: new Date() })
        .where(
          and(
            eq(postTargets.postId, postId),
            inArray(postTargets.id, targetIds),
            eq(postTargets.state, 'scheduled'),
          ),
        )
        .returning();
      await tx
        .update(posts)
        .set({ version: sql`${posts.version} + 1`, updatedAt: new Date() })
        .where(eq(posts.id, postId));
      return targets;
    });
  },
};
