import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { preparedRows, type Db } from '../client';
import { prepareOnce } from '../prepared';
import { conversations, drafts } from '../schema';

export type DraftRecord = typeof drafts.$inferSelect;

export const draftsRepo = {
  async create(db: Db, input: typeof drafts.$inferInsert): Promise<DraftRecord> {
    const [row] = await db.insert(drafts).values(input).returning();
    return row!;
  },

  /** The draft job's row, written as it starts streaming: a prepared statement. */
  async start(
    db: Db,
    input: Pick<
      typeof drafts.$inferInsert,
      | 'conversationId'
      | 'messageId'
      | 'model'
      | 'intent'
      | 'template'
      | 'intentConfidence'
      | 'offerId'
      | 'experimentId'
      | 'variant'
    >,
  ): Promise<DraftRecord> {
    const [row] = await prepareOnce(db, 'draft_start', (on) =>
      on
        .insert(drafts)
        .values({
          conversationId: sql.placeholder('conversationId'),
          messageId: sql.placeholder('messageId'),
          model: sql.placeholder('model'),
          intent: sql.placeholder('intent'),
          template: sql.placeholder('template'),
          intentConfidence: sql.placeholder('intentConfidence'),
          offerId: sql.placeholder('offerId'),
          experimentId: sql.placeholder('experimentId'),
          variant: sql.placeholder('variant'),
        })
        .returning()
        .prepare('draft_start'),
    ).execute({
      conversationId: input.conversationId,
      messageId: input.messageId,
      model: input.model ?? null,
      intent: input.intent ?? null,
      template: input.template ?? null,
      intentConfidence: input.intentConfidence ?? null,
      offerId: input.offerId ?? null,
      experimentId: input.experimentId ?? null,
      variant: input.variant ?? null,
    });
    return row!;
  },

  /** The draft an operator still has to act on: being written, waiting, or held by the validator. */
  async current(db: Db, conversationId: string): Promise<DraftRecord | undefined> {
    const [row] = await db
      .select()
      .from(drafts)
      .where(
        and(
          eq(drafts.conversationId, conversationId),
          inArray(drafts.status, ['drafting', 'pending_approval', 'blocked']),
        ),
      )
      .orderBy(desc(drafts.createdAt))
      .limit(1);
    return row;
  },

  /**
   * How the conversation's last finished drafts before `except` were written (`llm` or
   * `fallback`), newest first: aborted and unfinished drafts never reached the fan.
   */
  async recentSources(db: Db, conversationId: string, except: string, limit: number): Promise<string[]> {
    const rows = await db
      .select({ generatedBy: drafts.generatedBy })
      .from(drafts)
      .where(
        and(
          eq(drafts.conversationId, conversationId),
          ne(drafts.id, except),
          inArray(drafts.status, ['pending_approval', 'auto_sent', 'approved', 'rejected', 'blocked']),
        ),
      )
      .orderBy(desc(drafts.createdAt), desc(drafts.id))
      .limit(limit);
    return rows.map((r) => r.generatedBy);
  },

  async findById(db: Db, id: string): Promise<DraftRecord | undefined> {
    const [row] = await db.select().from(drafts).where(eq(drafts.id, id)).limit(1);
    return row;
  },

  /** Finishes a draft still being written; false when it was superseded meanwhile. */
  async finish(
    db: Db,
    id: string,
    update: Pick<DraftRecord, 'text' | 'status' | 'reasons' | 'generatedBy' | 'timings'>,
  ): Promise<boolean> {
    const rows = await db
      .update(drafts)
      .set({ ...update, updatedAt: new Date() })
      .where(and(eq(drafts.id, id), eq(drafts.status, 'drafting')))
      .returning({ id: drafts.id });
    return rows.length === 1;
  },

  /**
   * `finish` for a draft whose outcome is the job's whole write (it waits, or is blocked):
   * the job's outbox row (null: none) is marked processed in the same statement, one
   * prepared write and one commit.
   */
  async finishSettling(
    db: Db,
    id: string,
    update: Pick<DraftRecord, 'text' | 'status' | 'reasons' | 'generatedBy' | 'timings'>,
    outbox: { id: number | null; at: Date },
  ): Promise<boolean> {
    const rows = await preparedRows<{ id: string }>(
      db,
      'draft_finish_settling',
      sql`with o as (
            update outbox set processed_at = ${outbox.at.toISOString()}::timestamptz
            where id = ${outbox.id}::bigint and processed_at is null
          )
          update drafts set text = ${update.text}, status = ${update.status},
            reasons = ${JSON.stringify(update.reasons)}::jsonb, generated_by = ${update.generatedBy},
            timings = ${JSON.stringify(update.timings)}::jsonb, updated_at = now()
          where id = ${id} and status = 'drafting'
          returning id`,
    );
    return rows.length === 1;
  },

  /** A human's decision; false when the draft is no longer waiting for one. */
  async decide(
    db: Db,
    id: string,
    decision: {
      status: 'approved' | 'rejected';
      decidedBy: string;
      editedText?: string | null;
      rejectReason?: string | null;
    },
  ): Promise<boolean> {
    const rows = await db
      .update(drafts)
      .set({ ...decision, decidedAt: new Date(), updatedAt: new Date() })
      .where(and(eq(drafts.id, id), inArray(drafts.status, ['pending_approval', 'blocked'])))
      .returning({ id: drafts.id });
    return rows.length === 1;
  },

  /** The conversations of a creator holding a draft being written or waiting for a person. */
  async conversationsWaiting(db: Db, creatorId: string): Promise<string[]> {
    const rows = await db
      .selectDistinct({ id: drafts.conversationId })
      .from(drafts)
      .innerJoin(conversations, eq(conversations.id, drafts.conversationId))
      .where(
        and(
          eq(conversations.creatorId, creatorId),
          inArray(drafts.status, ['drafting', 'pending_approval', 'blocked']),
        ),
      );
    return rows.map((r) => r.id);
  },

  /**
   * Retires every draft of a conversation still being written or waiting for a person: it
   * can no longer be approved or sent. Returns what was retired.
   */
  async retire(db: Db, conversationId: string): Promise<Pick<DraftRecord, 'id' | 'offerId'>[]> {
    return db
      .update(drafts)
      .set({ status: 'superseded', updatedAt: new Date() })
      .where(
        and(
          eq(drafts.conversationId, conversationId),
          inArray(drafts.status, ['drafting', 'pending_approval', 'blocked']),
        ),
      )
      .returning({ id: drafts.id, offerId: drafts.offerId });
  },
};
