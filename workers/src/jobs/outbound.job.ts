import path from 'node:path';
import { DelayedError, UnrecoverableError, type Job as BullJob } from 'bullmq';
import {
  creatorsRepo,
  disclosureText,
  fansRepo,
  invoiceAmount,
  messagesRepo,
  offersRepo,
  packMediaItems,
  packsRepo,
  PlatformError,
  purchasesRepo,
  type JobData,
  type MessageRecord,
  type OutboundFile,
  type SendResult,
  withDisclosure,
} from '@velvet/shared';
import type { PlatformConnector, StoredCredentials } from '@velvet/platforms';
import type { WorkerContext } from '../context';
import type { SendLimiter } from '../send-limiter';
import { creatorQuietUntil } from '../safety/quiet-hours';
import { failDelivery, loadDelivery } from './delivery';

async function dueDisclosure(
  ctx: WorkerContext,
  creatorId: string,
  fanId: string,
): Promise<string | undefined> {
  const [creator, fan] = await Promise.all([
    creatorsRepo.findById(ctx.db, creatorId),
    fansRepo.findById(ctx.db, fanId),
  ]);
  return creator && fan ? disclosureText(creator, fan, ctx.config.safety) : undefined;
}

async function quietUntil(ctx: WorkerContext, creatorId: string): Promise<Date | undefined> {
  const creator = await creatorsRepo.findById(ctx.db, creatorId);
  return creator ? creatorQuietUntil(creator, ctx.config.safety.quiet_hours, ctx.now()) : undefined;
}

type Data = JobData<'outbound.send'> & { slotAt?: number };

const UNCONFIRMED =
  'Delivery unconfirmed: the sender stopped during the platform call. Check the chat before sending again.';

/**
 * Sends one outbound message, at most once. The row is claimed ('sending') before the
 * platform call; a retry that finds it still claimed cannot know whether the platform
 * delivered it, so it reports "unconfirmed" instead of risking a second copy.
 */
export function createOutboundSend(ctx: WorkerContext, limiter: SendLimiter) {
  return async function outboundSend(job: BullJob<Data>, token?: string): Promise<void> {
    const { messageId } = job.data;
    const message = await messagesRepo.findById(ctx.db, messageId);
    if (!message || message.direction !== 'out') return;
    if (message.status !== 'queued' && message.status !== 'sending') return;

    const delivery = await loadDelivery(ctx, message);
    if (!delivery) return;
    const { conversation, account, platform, freshCredentials } = delivery;

    if (message.status === 'sending') {
      await failDelivery(ctx, message, conversation, 'unconfirmed', UNCONFIRMED);
      return;
    }

    // Quiet hours hold automated messages until morning; not humans', safety replies, or a paid pack.
    const origin = message.raw && 'origin' in message.raw ? message.raw.origin : undefined;
    if (message.sender === 'bot' && origin !== 'safety' && origin !== 'purchase' && token) {
      const until = await quietUntil(ctx, conversation.creatorId);
      if (until) {
        await job.moveToDelayed(until.getTime(), token);
        throw new DelayedError();
      }
    }

    const connector = ctx.connectors.get(platform);
    if (!connector || account.status !== 'active') {
      const why = !connector
        ? `Sending on ${platform} is not supported yet`
        : account.status === 'needs_attention'
          ? 'The account needs attention (the platform session expired): reconnect it, then resend'
          : 'The account is disconnected';
      await failDelivery(ctx, message, conversation, 'failed', why);
      throw new UnrecoverableError(why);
    }

    // Earlier replies to this chat first (and a payment request after its reply).
    if (token && (await waitsForEarlier(ctx, message))) {
      await job.moveToDelayed(Date.now() + FOLLOW_POLL_MS, token);
      throw new DelayedError();
    }

    // Platform limits: wait for this message's slot without spending an attempt.
    if (!(job.data.slotAt && Date.now() >= job.data.slotAt)) {
      const limits = connector.limits(ctx.config.platforms);
      const wait = await limiter.reserve(limits, account.id, conversation.platformChatId);
      if (wait > 0 && token) {
        const slotAt = Date.now() + wait;
        await job.updateData({ ...job.data, slotAt });
        await job.moveToDelayed(slotAt, token);
        throw new DelayedError();
      }
    }

    if (!(await messagesRepo.claimForSending(ctx.db, message.id, ctx.now()))) return;

    // The first AI-drafted message a fan receives carries the creator's AI disclosure; so does
    // the satisfaction question, automation speaking in the creator's voice.
    const disclosure =
      origin === 'draft' || origin === 'satisfaction'
        ? await dueDisclosure(ctx, conversation.creatorId, conversation.fanId)
        : undefined;
    const text = withDisclosure(message.text, disclosure);

    let platformMessageId: string;
    try {
      ({ platformMessageId } = await deliver(ctx, connector, await freshCredentials(), message, {
        chatId: conversation.platformChatId,
        text,
      }));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (error instanceof PlatformError && error.code === 'invalid_token' && connector.tokens) {
        await ctx.credentials.markStale(account.id);
      }
      if (error instanceof PlatformError && error.code === 'api_version_retired') {
        await warnVersionRetired(ctx, account, reason);
      }
      if (error instanceof PlatformError && error.kind === 'unknown') {
        // The platform may have delivered it: a human checks the chat and retries if needed.
        await failDelivery(ctx, message, conversation, 'unconfirmed', reason);
        await warnWhenRepeated(ctx, account, reason);
        throw new UnrecoverableError(reason);
      }
      const permanent = error instanceof PlatformError && error.kind === 'permanent';
      const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (permanent || lastAttempt) {
        await failDelivery(ctx, message, conversation, 'failed', reason);
        throw new UnrecoverableError(reason);
      }
      // The platform answered with an error, so nothing was delivered: back in line.
      await messagesRepo.releaseClaim(ctx.db, message.id, reason);
      throw error;
    }

    await ctx.db.transaction(async (tx) => {
      await messagesRepo.markSent(tx, message.id, platformMessageId, ctx.now(), text);
      const purchaseId = message.raw && 'purchaseId' in message.raw ? message.raw.purchaseId : undefined;
      if (message.kind === 'media' && purchaseId)
        await purchasesRepo.markDelivered(tx, purchaseId, ctx.now());
      if (disclosure) await fansRepo.updateSafety(tx, conversation.fanId, { disclosedAt: ctx.now() });
    });
    if (message.kind === 'media' && connector.grantBuyerAccess) {
      // Once per purchase: this message is sent once. A failure leaves the pack delivered.
      await connector
        .grantBuyerAccess(await freshCredentials(), conversation.platformChatId)
        .catch((error: unknown) =>
          ctx.logger.warn({ err: error, accountId: account.id }, 'granting buyer access failed'),
        );
    }
    await ctx.publisher.emit(
      { creatorId: conversation.creatorId, conversationId: conversation.id },
      'message:sent',
      {
        conversationId: conversation.id,
        messageId: message.id,
        platformMessageId,
        ...(text !== message.text ? { text } : {}),
      },
    );
  };
}

/** The platform call for a message's kind: text, a payment request for its offer, or a paid pack's media. */
async function deliver(
  ctx: WorkerContext,
  connector: PlatformConnector,
  credentials: StoredCredentials,
  message: MessageRecord,
  target: { chatId: string; text: string },
): Promise<SendResult> {
  const keyboard = message.keyboard ?? undefined;
  if (message.kind === 'text' || !message.offerId)
    return connector.send(credentials, { ...target, keyboard, attachment: uploadOf(ctx, message) });
  const offer = await offersRepo.findById(ctx.db, message.offerId);
  const pack = offer && (await packsRepo.findById(ctx.db, offer.packId));
  if (!offer || !pack) throw new PlatformError('The offer or its pack no longer exists', 'permanent');
  if (message.kind === 'media')
    return connector.sendMedia(credentials, target.chatId, target.text, packMediaItems(ctx.mediaDir, pack));
  // A payment request: only for an offer still open; an in-chat invoice or a paid message where the platform collects, else the link.
  if (offer.status !== 'open' || offer.expiresAt <= ctx.now()) {
    throw new PlatformError(
      `The offer is ${offer.status === 'open' ? 'expired' : offer.status}`,
      'permanent',
    );
  }
  const { packSales } = connector.capabilities;
  if (packSales.kind === 'paid_message' && connector.sendPaidMessage && !keyboard) {
    return connector.sendPaidMessage(credentials, {
      chatId: target.chatId,
      text: target.text,
      priceCents: offer.priceCents,
      currency: offer.currency,
      media: packMediaItems(ctx.mediaDir, pack),
    });
  }
  if (packSales.kind !== 'invoice' || !connector.sendInvoice || keyboard)
    return connector.send(credentials, { ...target, keyboard });
  const amount = invoiceAmount(offer, packSales.currency);
  if (amount === undefined) {
    throw new PlatformError(`The offer has no price in ${packSales.currency}`, 'permanent');
  }
  return connector.sendInvoice(credentials, {
    chatId: target.chatId,
    title: pack.name,
    description: pack.description || pack.name,
    payload: `offer:${offer.id}`,
    currency: packSales.currency,
    amount,
  });
}

/** An operator's upload, sent from MEDIA_DIR: images the platform can show as photos, the rest as files. */
function uploadOf(ctx: WorkerContext, message: MessageRecord): OutboundFile | undefined {
  const file = message.attachments?.find((a) => a.fileId === undefined);
  if (!file || file.fileId !== undefined) return undefined;
  return {
    kind: file.kind === 'photo' ? 'photo' : 'document',
    path: path.join(ctx.mediaDir, file.mediaKey),
    fileName: file.fileName ?? 'file',
    ...(file.mimeType ? { mimeType: file.mimeType } : {}),
  };
}

const UNCONFIRMED_WINDOW_SECONDS = 600;
const UNCONFIRMED_ALERT_AT = 3;

/** One unconfirmed delivery is a blip; the third in ten minutes on one account is worth a look. */
async function warnWhenRepeated(
  ctx: WorkerContext,
  account: { id: string; creatorId: string; platform: string },
  reason: string,
): Promise<void> {
  const key = `${ctx.redisPrefix}:unconfirmed:${account.id}`;
  const count = await ctx.connection.incr(key);
  if (count === 1) await ctx.connection.expire(key, UNCONFIRMED_WINDOW_SECONDS);
  if (count !== UNCONFIRMED_ALERT_AT) return;
  await ctx.publisher.emit({ creatorId: account.creatorId }, 'alert', {
    kind: 'platform_error',
    severity: 'warning',
    message: `${UNCONFIRMED_ALERT_AT} replies on ${account.platform} in 10 minutes got no answer from the platform (${reason}); check those chats before sending again.`,
    creatorId: account.creatorId,
    at: ctx.now().toISOString(),
  });
}

/** The platform retired the API version Velvet speaks: one alert a day per account, naming the next one. */
async function warnVersionRetired(
  ctx: WorkerContext,
  account: { id: string; creatorId: string; platform: string },
  reason: string,
): Promise<void> {
  const key = `${ctx.redisPrefix}:version-retired:${account.id}`;
  if (!(await ctx.connection.set(key, '1', 'EX', 86_400, 'NX'))) return;
  await ctx.publisher.emit({ creatorId: account.creatorId }, 'alert', {
    kind: 'platform_error',
    severity: 'critical',
    message: reason,
    creatorId: account.creatorId,
    accountId: account.id,
    at: ctx.now().toISOString(),
  });
}

const FOLLOW_POLL_MS = 250;
/** A reply still unsent after this long is held for a reason of its own (quiet hours…). */
const FOLLOW_AT_MOST_MS = 120_000;

/**
 * Replies to one chat leave in the order they were written: jobs run several at a time, so
 * without this a later reply could take the platform's next slot first. A payment request
 * also waits for the reply presenting it (same transaction, so named by `after`).
 */
async function waitsForEarlier(ctx: WorkerContext, message: MessageRecord): Promise<boolean> {
  if (ctx.now().getTime() - message.createdAt.getTime() >= FOLLOW_AT_MOST_MS) return false;
  const after = message.raw && 'after' in message.raw ? message.raw.after : undefined;
  if (after) {
    const earlier = await messagesRepo.findById(ctx.db, after);
    if (earlier && (earlier.status === 'queued' || earlier.status === 'sending')) return true;
  }
  return messagesRepo.hasEarlierUnsent(
    ctx.db,
    message,
    new Date(message.createdAt.getTime() - FOLLOW_AT_MOST_MS),
  );
}
