import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Job } from '../../jobs';
import type { Db } from '../client';
import { prepareOnce } from '../prepared';
import { outbox } from '../schema';

export interface OutboxRow {
  id: number;
  job: Job;
}

const toRow = (r: typeof outbox.$inferSelect): OutboxRow => ({
  id: r.id,
  job: { name: r.topic, data: r.payload } as Job,
});

export const outboxRepo = {
  /**
   * `holdUntil`: the relay's sweep leaves the row alone until then. For a job delayed until
   * a due time, the sweep then re-enqueues it only if it has not run by that time.
   */
  async insert(db: Db, job: Job, options: { holdUntil?: Date } = {}): Promise<OutboxRow> {
    if (!options.holdUntil) {
      // Every fan message writes one: a prepared statement.
      const [row] = await prepareOnce(db, 'outbox_insert', (on) =>
        on
          .insert(outbox)
          .values({ topic: sql.placeholder('topic'), payload: sql.placeholder('payload') })
          .returning()
          .prepare('outbox_insert'),
      ).execute({ topic: job.name, payload: job.data });
      return toRow(row!);
    }
    const [row] = await db
      .insert(outbox)
      .values({
        topic: job.name,
        payload: job.data as Record<string, unknown>,
        enqueuedAt: options.holdUntil,
      })
      .returning();
    return toRow(row!);
  },

  /**
   * Work not yet done, committed or last handed to the queue before `staleBefore`, the most
   * overdue first. The condition is `outbox_stale_idx`'s expression, so a sweep reads only
   * the stale rows and none of those held until later.
   */
  pendingQuery(db: Db, staleBefore: Date, limit: number) {
    const since = sql`coalesce(${outbox.enqueuedAt}, ${outbox.createdAt})`;
    return db
      .select()
      .from(outbox)
      .where(and(isNull(outbox.processedAt), sql`${since} < ${staleBefore.toISOString()}::timestamptz`))
      .orderBy(since, asc(outbox.id))
      .limit(limit);
  },

  async pending(db: Db, staleBefore: Date, limit: number): Promise<OutboxRow[]> {
    return (await outboxRepo.pendingQuery(db, staleBefore, limit)).map(toRow);
  },

  async markEnqueued(db: Db, ids: number[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await db
      .update(outbox)
      .set({ enqueuedAt: at, attempts: sql`${outbox.attempts} + 1` })
      .where(inArray(outbox.id, ids));
  },

  async markProcessed(db: Db, id: number, at: Date): Promise<void> {
    await prepareOnce(db, 'outbox_mark_processed', (on) =>
      on
        .update(outbox)
        .set({ processedAt: sql`${sql.placeholder('at')}::timestamptz` })
        .where(and(eq(outbox.id, sql.placeholder('id')), isNull(outbox.processedAt)))
        .prepare('outbox_mark_processed'),
    ).execute({ id, at: at.toISOString() });
  },

  async countPending(db: Db): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(outbox)
      .where(isNull(outbox.processedAt));
    return row?.n ?? 0;
  },
};
