import {
  collectEffects,
  draftAbortChannel,
  flushEffects,
  inboundRepo,
  messagesRepo,
  outboxRepo,
  presentMessage,
  storableText,
  type AccountRecord,
  type InboundMessage,
  type InboxPublisher,
  type OutboxRelay,
} from '@velvet/shared';
import type { HubContext } from '../context';

/** Redeliveries this soon after the first may have found the first hub dead before its push. */
const REANNOUNCE_WITHIN_MS = 120_000;

export interface IngestResult {
  stored: boolean;
  messageId?: string;
  conversationId?: string;
}

/**
 * Stores one fan message durably: fan, conversation, message and its outbox row, written
 * before the webhook is answered. A repeated platform message id stores nothing. Jobs and
 * socket pushes go out after the write.
 */
export function createIngestService(
  ctx: HubContext,
  deps: { relay: OutboxRelay; publisher: InboxPublisher },
) {
  return {
    async ingest(account: AccountRecord, received: InboundMessage): Promise<IngestResult> {
      const inbound = storableText(received);
      if (inbound.kind === 'edit' && inbound.editOf) {
        const edited = await applyEdit(account, inbound, inbound.editOf);
        // An edit of a message stored before: that message changes. Else it is stored as new.
        if (edited) return edited;
      }
      const stored = await inboundRepo.store(ctx.db, {
        creatorId: account.creatorId,
        accountId: account.id,
        fan: { ...inbound.fan, seenAt: inbound.sentAt },
        platformChatId: inbound.chatId,
        platformMessageId: inbound.platformMessageId,
        text: inbound.text,
        attachments: inbound.attachments,
        raw: {
          kind: inbound.kind,
          command: inbound.command,
          callbackId: inbound.callbackId,
          ...(inbound.group ? { group: inbound.group } : {}),
          ...(inbound.tip ? { tip: inbound.tip } : {}),
          update: inbound.raw,
        },
        ...(inbound.tip ? { tipCents: inbound.tip.amountCents } : {}),
        // Inbox order follows arrival here: platforms date messages to the second only.
        receivedAt: ctx.now(),
      });
      const { conversationId, creatorId, message } = stored;
      if (!message || stored.outboxId === undefined) {
        await reannounce(account, inbound.platformMessageId, conversationId, creatorId);
        return { stored: false };
      }

      const target = { creatorId, conversationId };
      const effects = collectEffects(creatorId, conversationId);
      effects.jobs.push({
        id: stored.outboxId,
        job: { name: 'inbound.process', data: { messageId: message.id } },
      });
      await flushEffects({ ...deps, db: ctx.db }, effects);
      if (stored.supersededDraftIds.length > 0) {
        // The fan wrote again: earlier drafts give way to one that reads both messages.
        await ctx.redis.publish(draftAbortChannel(ctx.redisPrefix), conversationId);
        for (const draftId of stored.supersededDraftIds) {
          await deps.publisher.emit(target, 'draft:superseded', {
            draftId,
            conversationId,
            reason: 'fan_wrote',
          });
        }
      }
      await deps.publisher
        .emit(target, 'message:new', { conversationId, creatorId, message })
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'message:new push failed'));
      if (stored.reopened) {
        await deps.publisher
          .emit(target, 'conversation:update', { conversationId, status: stored.reopened })
          .catch((error: unknown) => ctx.logger.warn({ err: error }, 'conversation:update push failed'));
      }
      return { stored: true, messageId: message.id, conversationId };
    },
  };

  /**
   * A platform redelivers what it got no 2xx for. If the hub that stored it died before
   * telling the inbox, this is the only chance: a recent message is pushed again (clients
   * drop what they already have).
   */
  async function reannounce(
    account: AccountRecord,
    platformMessageId: string,
    conversationId: string,
    creatorId: string,
  ): Promise<void> {
    const existing = await messagesRepo.findInbound(ctx.db, account.id, platformMessageId);
    if (!existing || ctx.now().getTime() - existing.createdAt.getTime() > REANNOUNCE_WITHIN_MS) return;
    await deps.publisher
      .emit({ creatorId, conversationId }, 'message:new', {
        conversationId,
        creatorId,
        message: presentMessage(existing),
      })
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'message:new push failed'));
  }

  /** The new text replaces the old (marked edited), and goes through the safety gates again. */
  async function applyEdit(
    account: AccountRecord,
    inbound: InboundMessage,
    editOf: string,
  ): Promise<IngestResult | undefined> {
    const committed = await ctx.db.transaction(async (tx) => {
      const result = await messagesRepo.applyEdit(tx, {
        accountId: account.id,
        platformMessageId: editOf,
        text: inbound.text,
        ...(inbound.attachments ? { attachments: inbound.attachments } : {}),
        editedAt: inbound.sentAt,
      });
      if (typeof result === 'string') return result;
      const job = {
        name: 'inbound.process' as const,
        data: { messageId: result.applied.id, edit: inbound.sentAt.getTime() },
      };
      return { message: result.applied, outbox: await outboxRepo.insert(tx, job) };
    });
    if (committed === 'missing') return undefined;
    if (committed === 'stale') return { stored: false };
    const { message, outbox } = committed;
    const effects = collectEffects(account.creatorId, message.conversationId);
    effects.jobs.push(outbox);
    await flushEffects({ ...deps, db: ctx.db }, effects);
    await deps.publisher
      .emit({ creatorId: account.creatorId, conversationId: message.conversationId }, 'message:edited', {
        conversationId: message.conversationId,
        messageId: message.id,
        text: message.text,
        editedAt: message.editedAt!.toISOString(),
      })
      .catch((error: unknown) => ctx.logger.warn({ err: error }, 'message:edited push failed'));
    return { stored: true, messageId: message.id, conversationId: message.conversationId };
  }
}

export type IngestService = ReturnType<typeof createIngestService>;
