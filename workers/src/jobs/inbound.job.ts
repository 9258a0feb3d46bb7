import type { Job as BullJob } from 'bullmq';
import {
  auditRepo,
  fansRepo,
  inboundOutcomeRepo,
  messagesRepo,
  outboxRepo,
  stageOutbound,
  flushEffects,
  followUpsRepo,
  offersRepo,
  collectEffects,
  creatorAutomationRules,
  creatorSafetyRules,
  fillSalesTemplate,
  formatPrice,
  openOffer,
  packsRepo,
  planFollowUp,
  salesContext,
  satisfactionRepo,
  satisfactionScore,
  stagePaymentRequest,
  type InboundRaw,
  type OutboxRow,
  type PlainOutcome,
  type InlineButton,
  type Platform,
  type JobData,
  replyLanguage,
} from '@velvet/shared';
import type { WorkerContext } from '../context';
import { AGE_NO, AGE_YES, evaluateGates, PACK_BUTTON, type GateDecision } from '../safety/gates';
import { announceEscalation, escalateConversation } from '../escalation';
import { outboxRowOf, settleInTransaction } from '../job-runner';
import { loadMessageScene } from './delivery';

interface AutoReply {
  text: string;
  keyboard?: InlineButton[][];
  /** Safety replies go out even in quiet hours. */
  origin: 'safety' | 'command' | 'satisfaction';
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
    const { messageId, edit } = job.data;
    // An edit is read again by the gates (a minor signal, a STOP), but answers nothing else.
    const edited = edit !== undefined;
    const scene = await loadMessageScene(ctx, messageId);
    if (!scene) return;
    const { message, conversation, fan, creator, platform, credentials } = scene;
    const stored: InboundRaw = message.raw && 'kind' in message.raw ? message.raw : { kind: 'text' };
    const rules = creatorAutomationRules(creator, ctx.config);
    // An archived creator's fans are still heard (stored, classified, flagged, escalated),
    // but nothing automated answers them: no reply, offer, welcome or draft.
    const archived = Boolean(creator.archivedAt);

    // Commands, button presses, subscriptions and tips are not prose: nothing to classify or draft.
    const prose = stored.kind === 'text' || stored.kind === 'edit';
    const result = prose ? ctx.classifier.classify(message.text) : undefined;
    const classified = result ?? {
      intent: 'other' as const,
      confidence: 1,
      lang: replyLanguage(undefined, fan.language),
    };
    const lang = replyLanguage(classified.lang, fan.language);
    const connector = ctx.connectors.get(platform);
    const decision = evaluateGates({
      text: message.text,
      kind: stored.kind ?? 'text',
      command: stored.command?.name,
      intent: classified.intent,
      confidence: classified.confidence,
      minor: result?.minor.outcome ?? 'none',
      // Unknown platform: the stricter answer.
      platformVerifiesAge: connector?.capabilities.verifiesAge ?? false,
      inGroup: stored.group !== undefined,
      humanRequest: result?.humanRequest !== undefined,
      fan,
      now: ctx.now(),
      rules: creatorSafetyRules(creator, ctx.config.safety),
    });
    const reply = archived
      ? undefined
      : await composeReply(ctx, decision, edited ? { kind: 'edit' } : stored, lang, {
          creatorId: conversation.creatorId,
          platform,
          buttons: connector?.capabilities.buttons ?? false,
          fanName: fan.displayName,
          creatorPseudonym: creator.pseudonym,
        });
    // A catalog button: that pack's offer and payment request, as if the fan had asked for it.
    const packId =
      !edited && stored.kind === 'callback' && message.text.startsWith(PACK_BUTTON)
        ? message.text.slice(PACK_BUTTON.length)
        : undefined;
    const selling = !archived && decision.selling && decision.automated && conversation.status === 'bot';
    const buttonPack =
      packId && selling && connector
        ? (await packsRepo.sellable(ctx.db, conversation.creatorId, platform)).find((p) => p.id === packId)
        : undefined;
    // A pack withdrawn since the catalog was shown: say so rather than leave the button dead.
    const buttonReply: AutoReply | undefined =
      packId && selling && !buttonPack
        ? { text: ctx.config.sales.pre_checkout_errors.unavailable[lang], origin: 'command' }
        : undefined;

    // A score for the satisfaction question (a rating button, or "4" typed alone): recorded,
    // thanked, never drafted. A message that is no score, or comes with no question open, flows on.
    const score = edited || reply ? undefined : satisfactionScore({ kind: stored.kind, text: message.text });
    const answerSince = new Date(ctx.now().getTime() - ctx.config.satisfaction.answer_window);
    const thanks = ctx.config.satisfaction.thanks[lang];

    const effects = collectEffects(conversation.creatorId, conversation.id);
    const said = reply ?? buttonReply;
    // A new subscriber: the seed's welcome, after the platform's delay (a follow-up, so
    // quiet hours, opt-outs and a fan writing first are honoured when it is due).
    const welcome =
      stored.kind === 'subscriber' &&
      !edited &&
      !archived &&
      decision.automated &&
      conversation.status === 'bot';
    // Prose the gates let through, with nothing said yet, gets an LLM draft; a photo or
    // voice note without a caption gives the model nothing to answer, so a human does.
    // An escalated conversation is a person's until they release it: no AI drafts meanwhile.
    const drafting = (escalated: unknown, rated: boolean) =>
      prose &&
      !edited &&
      !archived &&
      decision.automated &&
      !said &&
      !rated &&
      conversation.status !== 'escalated' &&
      escalated === undefined &&
      message.text.trim() !== '';
    const draftJob = {
      messageId: message.id,
      selling: decision.selling,
      paying: fan.lifetimeSpendCents > 0,
    };
    // Most messages change nothing about the fan or the conversation and send nothing:
    // one statement instead of the transaction, unless nudges are planned to cancel. A
    // message that reads as a satisfaction score may answer an open question: the full path.
    const plain =
      Object.keys(decision.fan).length === 0 &&
      !decision.escalate &&
      !said &&
      !buttonPack &&
      !welcome &&
      score === undefined
        ? await settlePlain(ctx, job, {
            messageId: message.id,
            conversationId: conversation.id,
            intent: classified.intent,
            confidence: classified.confidence,
            lang: classified.lang,
            draft: drafting(undefined, false) ? draftJob : undefined,
          })
        : undefined;
    if (plain?.job) effects.jobs.push(plain.job);
    let committed:
      { escalated?: Awaited<ReturnType<typeof escalateConversation>>; rated?: boolean } | undefined = plain;
    committed ??= await ctx.db.transaction(async (tx) => {
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
      const cancelled = await followUpsRepo.cancelPending(
        tx,
        { conversationId: conversation.id },
        why,
        ctx.now(),
        ['offer', 'suggestion'],
      );
      await auditRepo.followUpsCancelled(tx, cancelled);
      effects.followUps.push(...cancelled);
      if (decision.fan.minorSignalAt)
        effects.offers.push(...(await offersRepo.cancelOpenForFan(tx, fan.id, ctx.now())));
      const escalated = decision.escalate
        ? await escalateConversation(tx, conversation, decision.escalationReason ?? 'manual')
        : undefined;
      const survey =
        score !== undefined
          ? await satisfactionRepo.awaitingAnswer(tx, conversation.id, answerSince)
          : undefined;
      const rated = survey
        ? await satisfactionRepo.answer(tx, survey.id, score!, message.id, ctx.now())
        : false;
      // A typed score is thanked in the chat; a button press with a toast on the button (below).
      const thanked: AutoReply | undefined =
        rated && stored.kind === 'text' && !archived && decision.automated && conversation.status === 'bot'
          ? { text: thanks, origin: 'satisfaction' }
          : undefined;
      const spoken = said ?? thanked;
      const outbound = spoken
        ? await stageOutbound(
            tx,
            {
              conversationId: conversation.id,
              accountId: message.accountId,
              direction: 'out',
              sender: 'bot',
              text: spoken.text,
              keyboard: spoken.keyboard,
              raw:
                spoken.origin === 'satisfaction'
                  ? { origin: 'satisfaction', surveyId: survey!.id }
                  : { origin: spoken.origin, inReplyTo: message.id },
              idempotencyKey: edited ? `auto:${message.id}:edit:${edit}` : `auto:${message.id}`,
            },
            ctx.now(),
          )
        : undefined;
      if (outbound) effects.outbound.push(outbound);
      if (buttonPack && connector) {
        const sales = salesContext(ctx);
        const { offer } = await openOffer(
          tx,
          sales,
          {
            creatorId: conversation.creatorId,
            conversationId: conversation.id,
            fanId: fan.id,
            pack: buttonPack,
            messageId: message.id,
            offeredBy: 'ai',
          },
          effects,
        );
        await stagePaymentRequest(
          tx,
          sales,
          {
            offer,
            pack: buttonPack,
            conversationId: conversation.id,
            accountId: message.accountId,
            packSales: connector.capabilities.packSales,
            lang,
            key: message.id,
          },
          effects,
        );
      }
      if (welcome) {
        await planFollowUp(
          tx,
          salesContext(ctx),
          {
            kind: 'welcome',
            creatorId: conversation.creatorId,
            conversationId: conversation.id,
            fanId: fan.id,
            dueAt: new Date(ctx.now().getTime() + rules.welcomeDelayMs(platform)),
          },
          effects,
        );
      }
      if (drafting(escalated, rated)) {
        effects.jobs.push(await outboxRepo.insert(tx, { name: 'draft.generate', data: draftJob }));
      }
      await settleInTransaction(tx, job, ctx.now());
      return { escalated, rated };
    });

    const target = { creatorId: conversation.creatorId, conversationId: conversation.id };
    await ctx.publisher.emit(target, 'message:intent', {
      conversationId: conversation.id,
      messageId: message.id,
      intent: classified.intent,
      confidence: classified.confidence,
      lang: classified.lang,
    });
    await announceEscalation(ctx, committed.escalated, decision.alert, target);
    await flushEffects({ ...ctx, removeJob: (id) => ctx.queues['followup.send'].remove(id) }, effects);
    if (decision.fan.mutedAt && connector?.restrictSpammer) {
      await connector
        .restrictSpammer(credentials(), conversation.platformChatId)
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'restricting a spammer failed'));
    }
    // A button's spinner, or a slash command's "thinking…" placeholder, stops once answered.
    if (stored.callbackId && connector?.answerCallback) {
      await connector
        .answerCallback(credentials(), stored.callbackId, committed.rated ? thanks : undefined)
        .catch((error: unknown) => ctx.logger.warn({ err: error }, 'answering a button press failed'));
    }
  };
}

/**
 * The plain outcome in one statement, the job's outbox row marked in it; undefined when
 * planned nudges need the full transaction.
 */
async function settlePlain(
  ctx: WorkerContext,
  job: BullJob,
  outcome: Omit<PlainOutcome, 'outboxId' | 'at'>,
): Promise<{ escalated: undefined; job?: OutboxRow } | undefined> {
  const outbox = outboxRowOf(job);
  const result = await inboundOutcomeRepo.settlePlain(ctx.db, {
    ...outcome,
    outboxId: outbox.id,
    at: ctx.now(),
  });
  if (result.busy) return undefined;
  if (outbox.id !== null) outbox.settled();
  return { escalated: undefined, job: result.job };
}

/** The gates' own reply, else a command's answer when automation is allowed. */
async function composeReply(
  ctx: WorkerContext,
  decision: GateDecision,
  stored: InboundRaw,
  lang: 'fr' | 'en',
  target: {
    creatorId: string;
    platform: Platform;
    buttons: boolean;
    fanName: string;
    creatorPseudonym: string;
  },
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
    // No buttons on this platform: the question asks for a typed answer instead.
    const reply = decision.reply === 'age_gate' && !target.buttons ? 'age_gate_typed' : decision.reply;
    return {
      text: safety.replies[reply][lang],
      ...(target.buttons ? { keyboard } : {}),
      origin: 'safety',
    };
  }
  const command = stored.kind === 'command' ? stored.command?.name : undefined;
  if (!decision.automated || !command) return undefined;
  if ((command === 'packs' || command === 'pricing') && decision.selling) {
    const catalog = await catalogReply(ctx, command, lang, target);
    if (catalog) return catalog;
  }
  const template = ctx.config.commands[command];
  if (!template) return undefined;
  return {
    text: fill(template[lang], {
      fan: target.fanName.split(' ')[0] ?? '',
      creator: target.creatorPseudonym,
    }),
    origin: 'command',
  };
}

/** `/packs` and `/pricing` from the live catalog, a button per pack where the platform has them. */
async function catalogReply(
  ctx: WorkerContext,
  command: 'packs' | 'pricing',
  lang: 'fr' | 'en',
  target: { creatorId: string; platform: Platform; buttons: boolean },
): Promise<AutoReply | undefined> {
  const packs = await packsRepo.sellable(ctx.db, target.creatorId, target.platform);
  if (packs.length === 0) return undefined;
  const words = ctx.config.sales.catalog;
  const priced = packs.map((pack) => ({
    pack,
    values: { pack: pack.name, price: formatPrice(pack.priceCents, pack.currency, lang) },
  }));
  const lines = priced.map(({ values }) => fillSalesTemplate(words.line[lang], values));
  return {
    text: [words[command][lang], ...lines].join('\n'),
    keyboard: target.buttons
      ? priced.map(({ pack, values }) => [
          {
            text: fillSalesTemplate(words.button[lang], values).slice(0, 64),
            callbackData: `${PACK_BUTTON}${pack.id}`,
          },
        ])
      : undefined,
    origin: 'command',
  };
}
