import { sql } from 'drizzle-orm';
import { selectRows, type Db } from '../db/client';
import { privacyRepo } from '../db/repositories/privacy.repo';
import type { VelvetConfig } from '../config/velvet-config';

export type RetentionPolicy = VelvetConfig['retention'];

/** What one run anonymised (or, for a preview, would). */
export interface RetentionReport {
  conversations: number;
  messages: number;
  drafts: number;
  unsentDrafts: number;
  rawPayloads: number;
  /** Read notifications deleted. */
  notifications: number;
  /** Operator uploads to delete from MEDIA_DIR (a run only). */
  mediaKeys: string[];
}

const before = (now: Date, ms: number) => new Date(now.getTime() - ms).toISOString();

/** Drafts whose text never reached the fan. */
const UNSENT = sql`status in ('rejected', 'superseded', 'blocked')`;

/**
 * Applies the policy once: inactive fans' conversations are scrubbed in batches (each its
 * own transaction), then old unsent drafts and raw webhook payloads. Idempotent: a second
 * run finds nothing left.
 */
export async function applyRetention(db: Db, policy: RetentionPolicy, now: Date): Promise<RetentionReport> {
  const report: RetentionReport = {
    conversations: 0,
    messages: 0,
    drafts: 0,
    unsentDrafts: 0,
    rawPayloads: 0,
    notifications: 0,
    mediaKeys: [],
  };
  if (policy.inactive_fan_messages !== null) {
    const cutoff = new Date(now.getTime() - policy.inactive_fan_messages);
    for (;;) {
      const ids = await privacyRepo.inactiveConversations(db, cutoff, 200);
      if (ids.length === 0) break;
      const scrubbed = await db.transaction((tx) => privacyRepo.scrubConversations(tx, ids));
      report.conversations += ids.length;
      report.messages += scrubbed.messages;
      report.drafts += scrubbed.drafts;
      report.mediaKeys.push(...scrubbed.mediaKeys);
    }
  }
  if (policy.unsent_drafts !== null) {
    const rows = await selectRows<{ id: string }>(
      db,
      sql`update drafts set text = '', edited_text = null, reject_reason = null, timings = timings - 'text'
           where ${UNSENT} and created_at < ${before(now, policy.unsent_drafts)}::timestamptz
             and (text <> '' or edited_text is not null or reject_reason is not null)
       returning id`,
    );
    report.unsentDrafts = rows.length;
  }
  if (policy.raw_payloads !== null) {
    const rows = await selectRows<{ id: string }>(
      db,
      sql`update messages set raw = raw - 'update'
           where direction = 'in' and created_at < ${before(now, policy.raw_payloads)}::timestamptz
             and raw ? 'update'
       returning id`,
    );
    report.rawPayloads = rows.length;
  }
  if (policy.read_notifications !== null) {
    const rows = await selectRows<{ id: number }>(
      db,
      sql`delete from notifications
           where read_at is not null and created_at < ${before(now, policy.read_notifications)}::timestamptz
       returning id`,
    );
    report.notifications = rows.length;
  }
  return report;
}

/** What the next run would anonymise, counted without changing anything. */
export async function previewRetention(
  db: Db,
  policy: RetentionPolicy,
  now: Date,
): Promise<Omit<RetentionReport, 'mediaKeys' | 'drafts'>> {
  const never = '1970-01-01T00:00:00.000Z';
  const inactive = policy.inactive_fan_messages === null ? never : before(now, policy.inactive_fan_messages);
  const drafts = policy.unsent_drafts === null ? never : before(now, policy.unsent_drafts);
  const raw = policy.raw_payloads === null ? never : before(now, policy.raw_payloads);
  const read = policy.read_notifications === null ? never : before(now, policy.read_notifications);
  const [row] = await selectRows<{
    conversations: number;
    messages: number;
    unsent_drafts: number;
    raw_payloads: number;
    notifications: number;
  }>(
    db,
    sql`with stale as (
          select c.id from conversations c join fans f on f.id = c.fan_id
           where coalesce(f.last_seen_at, f.created_at) < ${inactive}::timestamptz
             and coalesce(c.last_message_at, c.created_at) < ${inactive}::timestamptz)
        select
          (select count(distinct m.conversation_id)::int from messages m
            where m.conversation_id in (select id from stale)
              and (m.text <> '' or m.attachments <> '[]'::jsonb)) as conversations,
          (select count(*)::int from messages m
            where m.conversation_id in (select id from stale)
              and (m.text <> '' or m.attachments <> '[]'::jsonb)) as messages,
          (select count(*)::int from drafts
            where ${UNSENT} and created_at < ${drafts}::timestamptz
              and (text <> '' or edited_text is not null or reject_reason is not null)) as unsent_drafts,
          (select count(*)::int from messages
            where direction = 'in' and created_at < ${raw}::timestamptz and raw ? 'update'
              and conversation_id not in (select id from stale)) as raw_payloads,
          (select count(*)::int from notifications
            where read_at is not null and created_at < ${read}::timestamptz) as notifications`,
  );
  return {
    conversations: row?.conversations ?? 0,
    messages: row?.messages ?? 0,
    unsentDrafts: row?.unsent_drafts ?? 0,
    rawPayloads: row?.raw_payloads ?? 0,
    notifications: row?.notifications ?? 0,
  };
}
