import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { prepareOnce } from '../prepared';
import { followUps, outbox } from '../schema';

export type FollowUpRecord = typeof followUps.$inferSelect;
export type NewFollowUp = typeof followUps.$inferInsert;

export type FollowUpScope =
  { conversationId: string } | { fanId: string } | { offerId: string } | { id: string };

function scopeWhere(scope: FollowUpScope) {
  if ('conversationId' in scope) return eq(followUps.conversationId, scope.conversationId);
  if ('fanId' in scope) return eq(followUps.fanId, scope.fanId);
  if ('offerId' in scope) return eq(followUps.offerId, scope.offerId);
  return eq(followUps.id, scope.id);
}

export const followUpsRepo = {
  /** Undefined when the offer already has a pending follow-up. */
  async insert(db: Db, input: NewFollowUp): Promise<FollowUpRecord | undefined> {
    const [row] = await db.insert(followUps).values(input).onConflictDoNothing().returning();
    return row;
  },

  async findById(db: Db, id: string): Promise<FollowUpRecord | undefined> {
    const [row] = await db.select().from(followUps).where(eq(followUps.id, id)).limit(1);
    return row;
  },

  /**
   * Cancels pending follow-ups in scope (optionally only some kinds) and closes their
   * outbox rows so the relay stops re-enqueueing them; returns the cancelled rows.
   */
  async cancelPending(
    db: Db,
    scope: FollowUpScope,
    reason: string,
    at: Date,
    kinds?: FollowUpRecord['kind'][],
  ): Promise<FollowUpRecord[]> {
    // Every fan message cancels its conversation's planned nudges: a prepared statement.
    const rows =
      'conversationId' in scope && kinds
        ? await prepareOnce(db, 'follow_ups_cancel_for_conversation', (on) =>
            on
              .update(followUps)
              .set({
                status: 'cancelled',
                cancelReason: sql`${sql.placeholder('reason')}`,
                updatedAt: sql`${sql.placeholder('at')}::timestamptz`,
              })
              .where(
                and(
                  eq(followUps.conversationId, sql.placeholder('conversationId')),
                  eq(followUps.status, 'pending'),
                  sql`${followUps.kind} = any(${sql.placeholder('kinds')})`,
                ),
              )
              .returning()
              .prepare('follow_ups_cancel_for_conversation'),
          ).execute({ conversationId: scope.conversationId, reason, at: at.toISOString(), kinds })
        : await db
            .update(followUps)
            .set({ status: 'cancelled', cancelReason: reason, updatedAt: at })
            .where(
              and(
                scopeWhere(scope),
                eq(followUps.status, 'pending'),
                kinds ? inArray(followUps.kind, kinds) : undefined,
              ),
            )
            .returning();
    await followUpsRepo.closeOutbox(
      db,
      rows.map((r) => r.id),
      at,
    );
    return rows;
  },

  async closeOutbox(db: Db, ids: string[], at: Date): Promise<void> {
    if (ids.length === 0) return;
    await db
      .update(outbox)
      .set({ processedAt: at })
      .where(
        and(
          eq(outbox.topic, 'followup.send'),
          sql`${outbox.processedAt} is null`,
          inArray(sql`${outbox.payload}->>'followUpId'`, ids),
        ),
      );
  },

  async markSent(db: Db, id: string, messageId: string, at: Date): Promise<boolean> {
    const rows = await db
      .update(followUps)
      .set({ status: 'sent', messageId, updatedAt: at })
      .where(and(eq(followUps.id, id), eq(followUps.status, 'pending')))
      .returning({ id: followUps.id });
    return rows.length === 1;
  },

  async postpone(db: Db, id: string, dueAt: Date): Promise<void> {
    await db
      .update(followUps)
      .set({ dueAt, updatedAt: new Date() })
      .where(and(eq(followUps.id, id), eq(followUps.status, 'pending')));
  },

  /** Nudges and suggestions that count against the fan's weekly budget: sent since `since`, or pending. */
  async budgetUsed(db: Db, fanId: string, since: Date): Promise<number> {
    const [row] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(followUps)
      .where(
        and(
          eq(followUps.fanId, fanId),
          inArray(followUps.kind, ['offer', 'suggestion']),
          sql`(${followUps.status} = 'pending' or (${followUps.status} = 'sent' and ${followUps.updatedAt} >= ${since.toISOString()}))`,
        ),
      );
    return row?.n ?? 0;
  },

  async listByConversation(db: Db, conversationId: string): Promise<FollowUpRecord[]> {
    return db
      .select()
      .from(followUps)
      .where(eq(followUps.conversationId, conversationId))
      .orderBy(asc(followUps.dueAt))
      .limit(100);
  },
};
