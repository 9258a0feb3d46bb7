import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { privacyRepo, schema, selectRows, type Db, type ScrubCounts } from '@velvet/shared';

const { auditLog, conversations, drafts, fans, followUps, messages, offers, outbox, purchases } = schema;

/** Marks a rewritten platform id: no platform issues ids of this shape. */
export const ERASED_PREFIX = 'erased:';

/** What the erasure touched, for what must follow the commit (files, queue, Redis, sockets). */
export interface ErasedFan extends ScrubCounts {
  fanId: string;
  accountId: string;
  conversationIds: string[];
  /** Chat ids as they were, for the Redis keys named after them. */
  platformChatIds: string[];
  /** Ids the fan's queued jobs and logged socket events are known by. */
  messageIds: string[];
  draftIds: string[];
  followUpIds: string[];
}

/**
 * Inside one transaction: anonymises the fan's profile, their conversations' texts and
 * files, and what else quotes them (raw payment payloads, reject reasons in the audit
 * log), cancels what would still write to them, and detaches the platform ids so a new
 * message from the same person starts a fresh fan. Counts and money are left as they are.
 */
export async function eraseFanRows(tx: Db, fanId: string, now: Date): Promise<ErasedFan | undefined> {
  const [fan] = await selectRows<{ id: string; account_id: string }>(
    tx,
    sql`select id, account_id from fans where id = ${fanId} and erased_at is null for update`,
  );
  if (!fan) return undefined;
  const convs = await tx
    .select({ id: conversations.id, chatId: conversations.platformChatId })
    .from(conversations)
    .where(eq(conversations.fanId, fanId));
  const conversationIds = convs.map((c) => c.id);
  const none = conversationIds.length === 0;
  const messageIds = none
    ? []
    : (
        await tx
          .select({ id: messages.id })
          .from(messages)
          .where(inArray(messages.conversationId, conversationIds))
      ).map((m) => m.id);
  const draftIds = none
    ? []
    : (
        await tx.select({ id: drafts.id }).from(drafts).where(inArray(drafts.conversationId, conversationIds))
      ).map((d) => d.id);
  const followUpIds = (
    await tx.select({ id: followUps.id }).from(followUps).where(eq(followUps.fanId, fanId))
  ).map((f) => f.id);

  const scrubbed = await privacyRepo.scrubConversations(tx, conversationIds);

  await tx
    .update(fans)
    .set({
      platformUserId: `${ERASED_PREFIX}${fanId}`,
      displayName: '',
      username: null,
      language: null,
      profile: {},
      notes: '',
      tags: [],
      subscriptionLevel: null,
      // Nothing automated may reach the conversation any more.
      optedOutAt: sql`coalesce(${fans.optedOutAt}, ${now.toISOString()}::timestamptz)`,
      erasedAt: now,
    })
    .where(eq(fans.id, fanId));
  if (!none) {
    await tx
      .update(conversations)
      .set({
        platformChatId: sql`${ERASED_PREFIX} || ${conversations.id}`,
        status: 'closed',
        resolvedAt: sql`coalesce(${conversations.resolvedAt}, ${now.toISOString()}::timestamptz)`,
        snoozedUntil: null,
        assignedTo: null,
        unreadCount: 0,
      })
      .where(inArray(conversations.id, conversationIds));
  }
  await tx.update(purchases).set({ raw: null }).where(eq(purchases.fanId, fanId));
  if (!none) {
    // Some platforms build message ids from the chat's (Telegram: `<chat id>:<n>`).
    await tx
      .update(messages)
      .set({ platformMessageId: sql`${ERASED_PREFIX} || ${messages.id}` })
      .where(and(inArray(messages.conversationId, conversationIds), isNotNull(messages.platformMessageId)));
  }
  if (!none) {
    // A draft waiting for a person can no longer be approved: there is no one to send it to.
    await tx
      .update(drafts)
      .set({ status: 'superseded', updatedAt: now })
      .where(
        and(
          inArray(drafts.conversationId, conversationIds),
          inArray(drafts.status, ['drafting', 'pending_approval', 'blocked']),
        ),
      );
  }
  await tx
    .update(followUps)
    .set({ status: 'cancelled', cancelReason: 'erased', updatedAt: now })
    .where(and(eq(followUps.fanId, fanId), eq(followUps.status, 'pending')));
  await tx
    .update(offers)
    .set({ status: 'cancelled', closedAt: now })
    .where(and(eq(offers.fanId, fanId), eq(offers.status, 'open')));
  if (draftIds.length > 0) {
    await tx
      .update(auditLog)
      .set({ data: sql`${auditLog.data} - 'reason'` })
      .where(and(eq(auditLog.targetType, 'draft'), inArray(auditLog.targetId, draftIds)));
  }
  // The relay must not hand the fan's pending work to the queue again.
  const jobRefs = [...messageIds, ...draftIds, ...followUpIds];
  if (jobRefs.length > 0) {
    await tx
      .update(outbox)
      .set({ processedAt: now })
      .where(
        and(
          isNull(outbox.processedAt),
          sql`coalesce(${outbox.payload}->>'messageId', ${outbox.payload}->>'followUpId', ${outbox.payload}->>'draftId') in (${sql.join(
            jobRefs.map((id) => sql`${id}`),
            sql`, `,
          )})`,
        ),
      );
  }
  return {
    ...scrubbed,
    fanId,
    accountId: fan.account_id,
    conversationIds,
    platformChatIds: convs.map((c) => c.chatId),
    messageIds,
    draftIds,
    followUpIds,
  };
}
