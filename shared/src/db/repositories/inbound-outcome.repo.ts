import { sql } from 'drizzle-orm';
import type { Intent } from '../../domain';
import type { JobData } from '../../jobs';
import { preparedRows, type Db } from '../client';
import type { OutboxRow } from './outbox.repo';

export interface PlainOutcome {
  messageId: string;
  conversationId: string;
  intent: Intent;
  confidence: number;
  lang: string;
  /** The inbound job's own outbox row, marked processed with the rest (null: none). */
  outboxId: number | null;
  /** The draft job to stage, when the message is to be drafted. */
  draft?: JobData<'draft.generate'>;
  at: Date;
}

/**
 * The inbound job's outcome for the common fan message, which changes nothing about the
 * fan or the conversation and sends nothing: its intent, its job's outbox row marked
 * processed, and the draft job's outbox row, in one statement (atomic on its own) instead
 * of a transaction of six round trips. `busy`: the conversation has planned nudges the
 * message must cancel (with their audit rows and outbox rows); nothing was written and the
 * caller runs its full transaction instead.
 */
export const inboundOutcomeRepo = {
  async settlePlain(db: Db, input: PlainOutcome): Promise<{ busy: true } | { busy: false; job?: OutboxRow }> {
    const [row] = await preparedRows<{ busy: boolean; job_id: string | number | null }>(
      db,
      'inbound_plain_outcome',
      sql`with busy as (
            select 1 from follow_ups
            where conversation_id = ${input.conversationId} and status = 'pending'
              and kind in ('offer', 'suggestion')
            limit 1
          ), intent as (
            update messages set intent = ${input.intent}, intent_confidence = ${input.confidence},
                                lang = ${input.lang}
            where id = ${input.messageId} and not exists (select 1 from busy)
          ), settled as (
            update outbox set processed_at = ${input.at.toISOString()}::timestamptz
            where id = ${input.outboxId}::bigint and processed_at is null and not exists (select 1 from busy)
          ), job as (
            insert into outbox (topic, payload)
            select 'draft.generate', ${JSON.stringify(input.draft ?? null)}::jsonb
            where ${input.draft !== undefined}::boolean and not exists (select 1 from busy)
            returning id
          )
          select exists (select 1 from busy) as busy, (select id from job) as job_id`,
    );
    if (row!.busy) return { busy: true };
    if (row!.job_id === null || !input.draft) return { busy: false };
    return {
      busy: false,
      job: { id: Number(row!.job_id), job: { name: 'draft.generate', data: input.draft } },
    };
  },
};
