import { sql } from 'drizzle-orm';
import type { ConversationStatus } from '../../domain';
import type { MessageView } from '../../events';
import type { InboundAttachment, InboundRaw } from '../../platform';
import { fanEventOf, presentAttachments } from '../../presenters/message.presenter';
import { preparedRows, type Db } from '../client';

export interface StoreInbound {
  creatorId: string;
  accountId: string;
  fan: { platformUserId: string; displayName: string; username?: string; language?: string; seenAt: Date };
  platformChatId: string;
  platformMessageId: string;
  text: string;
  attachments?: InboundAttachment[];
  raw: InboundRaw;
  /** A tip: added to the fan's lifetime spend with the message, once. */
  tipCents?: number;
  receivedAt: Date;
}

export interface StoredInbound {
  conversationId: string;
  creatorId: string;
  /** Undefined for a repeated delivery: nothing was written. */
  message?: MessageView;
  outboxId?: number;
  supersededDraftIds: string[];
  /** The message reopened a resolved conversation or woke a snoozed one: its new status. */
  reopened?: ConversationStatus;
}

/**
 * The webhook hot path in two prepared statements: fan and conversation upserted together,
 * then the message with everything that follows it (unread count, outbox row, superseded
 * drafts) in one statement that writes nothing when the message was already stored. Each
 * statement is its own transaction: a crash between them leaves a fan and conversation
 * without the message, which the platform's redelivery completes.
 */
export const inboundRepo = {
  async store(db: Db, input: StoreInbound): Promise<StoredInbound> {
    const at = input.receivedAt.toISOString();
    const [conversation] = await preparedRows<{ id: string; creator_id: string }>(
      db,
      'inbound_fan_conversation',
      sql`with f as (
            insert into fans (account_id, platform_user_id, display_name, username, language, last_seen_at)
            values (${input.accountId}, ${input.fan.platformUserId}, ${input.fan.displayName},
                    ${input.fan.username ?? null}, ${input.fan.language ?? null}, ${input.fan.seenAt.toISOString()}::timestamptz)
            on conflict (account_id, platform_user_id) do update set
              display_name = excluded.display_name,
              username = coalesce(excluded.username, fans.username),
              language = coalesce(excluded.language, fans.language),
              last_seen_at = greatest(excluded.last_seen_at, fans.last_seen_at)
            returning id
          )
          insert into conversations (creator_id, account_id, fan_id, platform_chat_id, last_message_at)
          select ${input.creatorId}, ${input.accountId}, f.id, ${input.platformChatId}, ${at}::timestamptz from f
          on conflict (account_id, fan_id) do update set platform_chat_id = excluded.platform_chat_id
          returning id, creator_id`,
    );
    const conversationId = conversation!.id;
    const [row] = await preparedRows<{
      id: string;
      created_at: string | Date;
      outbox_id: number | string | null;
      superseded: string[] | null;
      status: ConversationStatus | null;
      reopens: boolean | null;
    }>(
      db,
      'inbound_message',
      sql`with m as (
            insert into messages (conversation_id, account_id, platform_message_id, direction, sender, text, status,
                                  attachments, raw)
            values (${conversationId}, ${input.accountId}, ${input.platformMessageId}, 'in', 'fan', ${input.text},
                    'received', ${JSON.stringify(input.attachments ?? [])}::jsonb, ${JSON.stringify(input.raw)}::jsonb)
            on conflict (account_id, platform_message_id) where direction = 'in' do nothing
            returning id, created_at
          ),
          t as (
            update conversations set unread_count = unread_count + 1,
              last_message_at = greatest(last_message_at, ${at}::timestamptz),
              -- The fan wrote: a resolved conversation reopens, a snoozed one wakes.
              status = case when status = 'closed'
                         then case when assigned_to is null then 'bot' else 'human' end
                         else status end,
              resolved_at = null, snoozed_until = null
            where id = ${conversationId} and exists (select 1 from m)
            returning status
          ),
          w as (
            select status = 'closed' or snoozed_until > now() as reopens from conversations
            where id = ${conversationId}
          ),
          o as (
            insert into outbox (topic, payload)
            select 'inbound.process', jsonb_build_object('messageId', m.id) from m
            returning id
          ),
          p as (
            update fans set lifetime_spend_cents = lifetime_spend_cents + ${input.tipCents ?? 0}
            where id = (select fan_id from conversations where id = ${conversationId})
              and ${input.tipCents ?? 0} > 0 and exists (select 1 from m)
          ),
          s as (
            update drafts set status = 'superseded', updated_at = now()
            where conversation_id = ${conversationId} and status in ('drafting', 'pending_approval', 'blocked')
              and exists (select 1 from m)
            returning id
          )
          select m.id, m.created_at, (select id from o) as outbox_id,
                 (select array_agg(id) from s) as superseded,
                 (select status from t) as status, (select reopens from w) as reopens
          from m`,
    );
    if (!row) return { conversationId, creatorId: conversation!.creator_id, supersededDraftIds: [] };
    return {
      conversationId,
      creatorId: conversation!.creator_id,
      message: {
        id: row.id,
        direction: 'in',
        sender: 'fan',
        text: input.text,
        intent: null,
        status: 'received',
        attachments: presentAttachments(row.id, input.attachments),
        ...fanEventOf(input.raw, input.text),
        createdAt: new Date(row.created_at).toISOString(),
      },
      outboxId: Number(row.outbox_id),
      supersededDraftIds: row.superseded ?? [],
      ...(row.reopens && row.status ? { reopened: row.status } : {}),
    };
  },
};
