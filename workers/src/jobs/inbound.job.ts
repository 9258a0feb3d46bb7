import type { Job as BullJob } from 'bullmq';
import {
  conversationsRepo,
  creatorsRepo,
  fansRepo,
  messagesRepo,
  outboxRepo,
  stageOutbound,
  announceOutbound,
  announceSales,
  followUpsRepo,
  offersRepo,
  salesEffects,
  type InlineButton,
  type Intent,
  type JobData,
  replyLanguage,
} from '@velvet/shared';
import type { WorkerContext } from '../context';
import { AGE_NO, AGE_YES, evaluateGates, type GateDecision } from '../safety/gates';
import { loadDelivery } from './delivery';

interface StoredInbound {
  kind?: 'text' | 'edit' | 'command' | 'callback';
  command?: { name: string; args: string };
  callbackId?: string;
}

interface AutoReply {
  text: string;
  keyboard?: InlineButton[][];
  /** Safety replies go out even in quiet hours. */
  origin: 'safety' | 'command';
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, key: string) => values[key] ?? '');
}

/**
 * First step for every fan message: classify the intent, run the safety gates, then send
 * what the gates allow (a safety reply or a command's template), or hand prose the gates
 * let through to the LLM drafter. Idempotent: a retry classifies the same text the same
 * way, and idempotency keys and job ids stop a second reply or draft.
 */
export function createInboundProcess(ctx: WorkerContext) {
  return async function inboundProcess(job: BullJob<JobData<'inbound.process'>>): Promise<void> {
    const { messageId, outboxId } = job.data;
    const markDone = () =>
      outboxId === undefined ? undefined : outboxRepo.markProcessed(ctx.db, outboxId, ctx.now());
    const message = await messagesRepo.findById(ctx.db, messageId);
    const delivery = message && (await loadDelivery(ctx, message));
    if (!message || !delivery) return void (await markDone());
    const { conversation, platform, credentials } = delivery;
    const stored = (message.raw ?? {}) as StoredInbound;
    const fan = await fansRepo.findById(ctx.db, conversation.fanId);
    if (!fan) return void (await markDone());

    // Commands and button presses are not prose: the gates read them by name, not by intent.
    const prose = stored.kind !== 'command' && stored.kind !== 'callback';
    const classified = prose
      ? ctx.classifier.classify(message.text)
      : { intent: 'other' as const, confidence: 1, lang: replyLanguage(undefined, fan.language) };
    const lang = replyLanguage(classified.lang, fan.language);
    const decision = evaluateGates({
      text: message.text,
      kind: stored.kind ?? 'text',
      command: stored.command?.name,
      intent: classified.intent,
      confidence: classified.confidence,
      platform,
      fan,
      now: ctx.now(),
      rules: ctx.config.safety,
    });
    const reply = await composeReply(ctx, decision, stored, lang, conversation.creatorId, fan.displayName);

    const effects = salesEffects(conversation.creatorId, conversation.id);
    const committed = await ctx.db.transaction(async (tx) => {
      await messagesRepo.setIntent(tx, message.id, classified.intent, classified.confidence, classified.lang);
      await fansRepo.updateSafety(tx, fan.id, decision.fan);
      // The fan answered: planned nudges and suggestions stop (a minor signal also withdraws offers).
      const why = decision.fan.minorSignalAt
        ? 'minor_signal'
        : decision.fan.optedOutAt
          ? 'opted_out'
          : decision.escalate
            ? 'escalated'
            : 'fan_replied';
      effects.followUps.push(
        ...(await followUpsRepo.cancelPending(tx, { conversationId: conversation.id }, why, ctx.now(), [
          'offer',
          'suggestion',
        ])),
      );
      if (decision.fan.minorSignalAt)
        effects.offers.push(...(await offersRepo.cancelOpenForFan(tx, fan.id, ctx.now())));
      const escalated =
        decision.escalate && conversation.status !== 'escalated'
          ? await conversationsRepo.setState(tx, conversation.id, { status: 'escalated' })
          : undefined;
      const outbound = reply
        ? await stageOutbound(
            tx,
            {
              conversationId: conversation.id,
              accountId: message.accountId,
              direction: 'out',
              sender: 'bot',
              text: reply.text,
              keyboard: reply.keyboard,
              raw: { origin: reply.origin, inReplyTo: message.id },
              idempotencyKey: `auto:${message.id}`,
            },
            ctx.now(),
          )
        : undefined;
      // Prose the gates let through, with nothing said yet, gets an LLM draft; a photo or
      // voice note without a caption gives the model nothing to answer, so a human does.
      const drafting = prose && decision.automated && !reply && message.text.trim() !== '';
      const draftJob = drafting
        ? await outboxRepo.insert(tx, {
            name: 'draft.generate',
            data: {
              messageId: message.id,
              selling: decision.selling,
              paying: fan.lifetimeSpendCents > 0,
            },
          })
        : undefined;
      if (outboxId !== undefined) await outboxRepo.markProcessed(tx, outboxId, ctx.now());
      return { escalated, outbound, draftJob };
    });

    const target = { creatorId: conversation.creatorId, conversationId: conversation.id };
    if (committed.draftJob) await ctx.relay.dispatchSoon([committed.draftJob]);
    await ctx.publisher.emit(target, 'message:intent', {
      conversationId: conversation.id,
      messageId: message.id,
      intent: classified.intent as Intent,
      confidence: classified.confidence,
      lang: classified.lang,
    });
    if (committed.escalated) {
      await ctx.publisher.emit(target, 'conversation:update', {
        conversationId: conversation.id,
        status: 'escalated',
        assignedTo: committed.escalated.assignedTo,
      });
    }
    if (decision.alert) {
      ctx.logger.warn({ conversationId: conversation.id, kind: decision.alert.kind }, 'safety alert');
      await ctx.publisher.emit(target, 'alert', {
        kind: decision.alert.kind,
        severity: 'critical',
        message: decision.alert.message,
        creatorId: conversation.creatorId,
        conversationId: conversation.id,
        at: ctx.now().toISOString(),
      });
    }
    await announceOutbound(ctx, conversation.creatorId, committed.outbound);
    await announceSales({ ...ctx, removeJob: (id) => ctx.queues['followup.send'].remove(id) }, effects);
    if (stored.kind === 'callback' && stored.callbackId && platform === 'telegram') {
      await ctx.connectors.telegram
        .answerCallback(credentials() as { botToken: string }, stored.callbackId)
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'answerCallbackQuery failed'));
    }
  };
}

/** The gates' own reply, else a command's configured template when automation is allowed. */
async function composeReply(
  ctx: WorkerContext,
  decision: GateDecision,
  stored: StoredInbound,
  lang: 'fr' | 'en',
  creatorId: string,
  fanName: string,
): Promise<AutoReply | undefined> {
  const safety = ctx.config.safety;
  if (decision.reply) {
    const keyboard =
      decision.reply === 'age_gate'
        ? [
            [{ text: safety.age_buttons.yes[lang], callbackData: AGE_YES }],
            [{ text: safety.age_buttons.no[lang], callbackData: AGE_NO }],
          ]
        : undefined;
    return { text: safety.replies[decision.reply][lang], keyboard, origin: 'safety' };
  }
  const template =
    stored.kind === 'command' && stored.command ? ctx.config.commands[stored.command.name] : undefined;
  if (!decision.automated || !template) return undefined;
  const creator = await creatorsRepo.findById(ctx.db, creatorId);
  return {
    text: fill(template[lang], { fan: fanName.split(' ')[0] ?? '', creator: creator?.pseudonym ?? '' }),
    origin: 'command',
  };
}
