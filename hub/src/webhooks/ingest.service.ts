import { draftAbortChannel } from '@velvet/workers';
import {
  conversationsRepo,
  draftsRepo,
  fansRepo,
  messagesRepo,
  outboxRepo,
  presentMessage,
  type AccountRecord,
  type InboundMessage,
  type InboxPublisher,
  type OutboxRelay,
} from '@velvet/shared';
import type { HubContext } from '../context';

export interface IngestResult {
  stored: boolean;
  messageId?: string;
  conversationId?: string;
}

/**
 * Stores one fan message durably: fan, conversation, message and its outbox row in one
 * transaction. A repeated platform message id stores nothing. Jobs and socket pushes go
 * out after commit.
 */
export function createIngestService(
  ctx: HubContext,
  deps: { relay: OutboxRelay; publisher: InboxPublisher },
) {
  return {
    async ingest(account: AccountRecord, inbound: InboundMessage): Promise<IngestResult> {
      // Inbox order follows arrival here: platforms date messages to the second only.
      const receivedAt = ctx.now();
      const committed = await ctx.db.transaction(async (tx) => {
        const fan = await fansRepo.upsert(tx, {
          accountId: account.id,
          platformUserId: inbound.fan.platformUserId,
          displayName: inbound.fan.displayName,
          username: inbound.fan.username,
          language: inbound.fan.language,
          seenAt: inbound.sentAt,
        });
        const conversation = await conversationsRepo.upsertForInbound(tx, {
          creatorId: account.creatorId,
          accountId: account.id,
          fanId: fan.id,
          platformChatId: inbound.chatId,
          at: receivedAt,
        });
        const message = await messagesRepo.insertInbound(tx, {
          conversationId: conversation.id,
          accountId: account.id,
          platformMessageId: inbound.platformMessageId,
          direction: 'in',
          sender: 'fan',
          text: inbound.text,
          status: 'received',
          raw: {
            kind: inbound.kind,
            command: inbound.command,
            callbackId: inbound.callbackId,
            update: inbound.raw,
          },
        });
        if (!message) return undefined;
        await conversationsRepo.touchInbound(tx, conversation.id, receivedAt);
        const outbox = await outboxRepo.insert(tx, {
          name: 'inbound.process',
          data: { messageId: message.id },
        });
        // The fan wrote again: earlier drafts are replaced by one that reads both messages.
        const superseded = await draftsRepo.supersede(tx, conversation.id);
        return { conversation, message, outbox, superseded };
      });
      if (!committed) return { stored: false };

      const { conversation, message, outbox, superseded } = committed;
      const target = { creatorId: conversation.creatorId, conversationId: conversation.id };
      await deps.relay.dispatchSoon([outbox]);
      if (superseded.length > 0) {
        await ctx.redis.publish(draftAbortChannel(ctx.redisPrefix), conversation.id);
        for (const draftId of superseded) {
          await deps.publisher.emit(target, 'draft:superseded', { draftId, conversationId: conversation.id });
        }
      }
      await deps.publisher
        .emit({ creatorId: conversation.creatorId, conversationId: conversation.id }, 'message:new', {
          conversationId: conversation.id,
          creatorId: conversation.creatorId,
          message: presentMessage(message),
        })
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'message:new push failed'));
      return { stored: true, messageId: message.id, conversationId: conversation.id };
    },
  };
}

export type IngestService = ReturnType<typeof createIngestService>;
