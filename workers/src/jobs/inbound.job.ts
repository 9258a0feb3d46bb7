import type { Job as BullJob } from 'bullmq';
import {
  conversationsRepo,
  creatorsRepo,
  messagesRepo,
  fansRepo,
  outboxRepo,
  presentMessage,
  type JobData,
} from '@velvet/shared';
import type { WorkerContext } from '../context';
import { loadDelivery } from './delivery';

interface StoredInbound {
  kind?: string;
  command?: { name: string; args: string };
  callbackId?: string;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

/**
 * First step for every fan message. Bot commands get their configured reply; other
 * messages wait for a human here (drafting plugs in at this point).
 */
export function createInboundProcess(ctx: WorkerContext) {
  return async function inboundProcess(job: BullJob<JobData<'inbound.process'>>): Promise<void> {
    const { messageId, outboxId } = job.data;
    const message = await messagesRepo.findById(ctx.db, messageId);
    if (!message) {
      if (outboxId !== undefined) await outboxRepo.markProcessed(ctx.db, outboxId, ctx.now());
      return;
    }
    const stored = (message.raw ?? {}) as StoredInbound;
    // Plain text waits for a human (or a draft): no platform call, so no credentials to load.
    const needsPlatform = stored.kind === 'callback' || stored.kind === 'command';
    const delivery = needsPlatform ? await loadDelivery(ctx, message) : undefined;

    if (stored.kind === 'callback' && stored.callbackId && delivery?.platform === 'telegram') {
      await ctx.connectors.telegram
        .answerCallback(delivery.credentials as { botToken: string }, stored.callbackId)
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'answerCallbackQuery failed'));
    }

    const template =
      stored.kind === 'command' && stored.command ? ctx.config.commands[stored.command.name] : undefined;
    if (!template || !delivery) {
      if (outboxId !== undefined) await outboxRepo.markProcessed(ctx.db, outboxId, ctx.now());
      return;
    }

    const fan = await fansRepo.findById(ctx.db, delivery.conversation.fanId);
    const creator = await creatorsRepo.findById(ctx.db, delivery.conversation.creatorId);
    const text = fill(fan?.language?.startsWith('fr') ? template.fr : template.en, {
      fan: fan?.displayName.split(' ')[0] ?? '',
      creator: creator?.pseudonym ?? '',
    });
    const reply = await ctx.db.transaction(async (tx) => {
      const inserted = await messagesRepo.insertOutbound(tx, {
        conversationId: message.conversationId,
        accountId: message.accountId,
        direction: 'out',
        sender: 'bot',
        text,
        idempotencyKey: `command:${message.id}`,
      });
      if (outboxId !== undefined) await outboxRepo.markProcessed(tx, outboxId, ctx.now());
      if (!inserted.created) return undefined;
      await conversationsRepo.touchOutbound(tx, message.conversationId, ctx.now());
      const outbox = await outboxRepo.insert(tx, {
        name: 'outbound.send',
        data: { messageId: inserted.message.id },
      });
      return { message: inserted.message, outbox };
    });
    if (!reply) return;
    await ctx.relay.dispatchSoon([reply.outbox]);
    await ctx.publisher.emit(
      { creatorId: delivery.conversation.creatorId, conversationId: message.conversationId },
      'message:new',
      {
        conversationId: message.conversationId,
        creatorId: delivery.conversation.creatorId,
        message: presentMessage(reply.message),
      },
    );
  };
}
