import { sql } from 'drizzle-orm';
import { selectRows, type Db } from '../client';

/** What an anonymisation changed, for the audit log and the retention report. */
export interface ScrubCounts {
  messages: number;
  drafts: number;
  intentCorrections: number;
  /** Operator uploads under MEDIA_DIR the caller must delete once committed. */
  mediaKeys: string[];
}

const ids = (values: readonly string[]) =>
  sql`(${sql.join(
    values.map((v) => sql`${v}::uuid`),
    sql`, `,
  )})`;

/**
 * Irreversible anonymisation of texts and media kept for people (GDPR erasure and
 * retention). Rows stay, so counts, intents, delivery states and revenue are unchanged.
 */
export const privacyRepo = {
  /**
   * Blanks the texts, platform payloads, buttons and files of every message and draft of
   * the conversations, and drops their intent corrections (training copies of the texts).
   */
  async scrubConversations(db: Db, conversationIds: readonly string[]): Promise<ScrubCounts> {
    if (conversationIds.length === 0) return { messages: 0, drafts: 0, intentCorrections: 0, mediaKeys: [] };
    const media = await selectRows<{ key: string }>(
      db,
      sql`
      select a->>'mediaKey' as key
        from messages m, jsonb_array_elements(m.attachments) a
       where m.conversation_id in ${ids(conversationIds)} and a->>'mediaKey' is not null`,
    );
    const corrections = await selectRows<{ id: unknown }>(
      db,
      sql`
      delete from intent_corrections
       where message_id in (select id from messages where conversation_id in ${ids(conversationIds)})
      returning id`,
    );
    const scrubbed = await selectRows<{ id: unknown }>(
      db,
      sql`
      update messages
         set text = '',
             -- A fan message keeps what it was (a text, a tip and its amount) for the figures.
             raw = case when direction = 'in' and raw is not null
                        then jsonb_strip_nulls(jsonb_build_object('kind', raw->'kind', 'tip', raw->'tip'))
                        else raw end,
             keyboard = null,
             attachments = '[]'::jsonb,
             error = null,
             status = case when status = 'queued' then 'failed' else status end
       where conversation_id in ${ids(conversationIds)}
         and (text <> '' or attachments <> '[]'::jsonb or keyboard is not null
              or error is not null
              or (direction = 'in' and raw - 'kind' - 'tip' <> '{}'::jsonb))
      returning id`,
    );
    const drafted = await selectRows<{ id: unknown }>(
      db,
      sql`
      update drafts set text = '', edited_text = null, reject_reason = null, timings = timings - 'text'
       where conversation_id in ${ids(conversationIds)}
         and (text <> '' or edited_text is not null or reject_reason is not null or timings ? 'text')
      returning id`,
    );
    return {
      messages: scrubbed.length,
      drafts: drafted.length,
      intentCorrections: corrections.length,
      mediaKeys: media.map((r) => r.key),
    };
  },

  /** Conversations of fans who have written nothing since `before`, with texts left to scrub. */
  async inactiveConversations(db: Db, before: Date, limit = 1000): Promise<string[]> {
    const result = await selectRows<{ id: string }>(
      db,
      sql`
      select c.id
        from conversations c
        join fans f on f.id = c.fan_id
       where coalesce(f.last_seen_at, f.created_at) < ${before.toISOString()}::timestamptz
         and coalesce(c.last_message_at, c.created_at) < ${before.toISOString()}::timestamptz
         and exists (select 1 from messages m
                      where m.conversation_id = c.id
                        and (m.text <> '' or m.attachments <> '[]'::jsonb))
       limit ${limit}`,
    );
    return result.map((r) => r.id);
  },
};
