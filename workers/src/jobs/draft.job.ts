import type { Job as BullJob } from 'bullmq';
import {
  accountsRepo,
  conversationsRepo,
  creatorsRepo,
  draftsRepo,
  fansRepo,
  messagesRepo,
  flushEffects,
  findPromoCode,
  formatPrice,
  offerFacts,
  openOffer,
  packsRepo,
  promoCodesRepo,
  salesContext,
  collectEffects,
  stageOutbound,
  stagePaymentRequest,
  type DraftDonePayload,
  type MessageRecord,
  type OfferRecord,
  type PackRecord,
  type Intent,
  type JobData,
  type Platform,
  replyLanguage,
} from '@velvet/shared';
import {
  coalesceTokens,
  OllamaError,
  renderPrompt,
  resolvePolicy,
  validateDraft,
  type CreatorSendPolicy,
} from '@velvet/llm';
import type { WorkerContext } from '../context';
import { notifyApprovers } from '../push/notify-approvers';

const COALESCE_MS = 25;
const ALERT_EVERY_MS = 60_000;

/**
 * Drafts a reply with the intent's model, streaming it to the inbox in ~25 ms chunks, then
 * validates it and applies the send policy: auto-send, hold for approval, or block. When
 * Ollama cannot answer the intent's template stands in (`generated_by: fallback`). A newer
 * fan message aborts the stream; that message's own job drafts with both in context.
 */
export function createDraftGenerate(ctx: WorkerContext) {
  return async function draftGenerate(job: BullJob<JobData<'draft.generate'>>): Promise<void> {
    const { messageId, selling } = job.data;
    const message = await messagesRepo.findById(ctx.db, messageId);
    const conversation = message && (await conversationsRepo.findById(ctx.db, message.conversationId));
    if (!message || !conversation) return;
    // A newer fan message has its own draft job, which reads this one too.
    const history = await messagesRepo.recent(ctx.db, conversation.id, ctx.config.drafting.history);
    if (history.filter((m) => m.direction === 'in').at(-1)?.id !== message.id) return;
    // A worker killed after committing but before BullMQ recorded the job: the work is done.
    if (await draftsRepo.finishedForMessage(ctx.db, conversation.id, message.id)) return;
    const [fan, creator, account] = await Promise.all([
      fansRepo.findById(ctx.db, conversation.fanId),
      creatorsRepo.findById(ctx.db, conversation.creatorId),
      accountsRepo.findById(ctx.db, conversation.accountId),
    ]);
    if (!fan || !creator || !account) return;
    const platform = account.platform as Platform;

    const intent = (message.intent ?? 'other') as Intent;
    const template = ctx.config.drafting.intents[intent] ?? ctx.config.drafting.intents.other!;
    const model = ctx.config.ollama.models[template.model];
    const lang = replyLanguage(message.lang, fan.language);
    const capabilities = ctx.connectors.get(platform)?.capabilities;
    if (!capabilities) return;
    const policy = resolvePolicy({
      platform,
      aiAutoSend: capabilities.aiAutoSend,
      intent,
      confidence: message.intentConfidence ?? 0,
      creator: creator.sendPolicy as CreatorSendPolicy,
      defaults: ctx.config.send_policy,
    });
    if (policy === 'off') return;

    // Selling: the intent's pack becomes an offer whose facts the model must use; a price
    // question gets the catalog. Nothing of the kind while a gate forbids selling.
    const sales = salesContext(ctx);
    const effects = collectEffects(conversation.creatorId, conversation.id);
    const catalog = selling ? await packsRepo.sellable(ctx.db, creator.id, platform) : [];
    let offer: OfferRecord | undefined;
    let pack: PackRecord | undefined;
    let facts: string[] = [];
    if (template.offer_pack && selling && conversation.status === 'bot') {
      pack = catalog.find((p) => p.type === template.offer_pack);
      if (pack) {
        const codes = (await promoCodesRepo.listByCreator(ctx.db, creator.id)).filter((c) => c.active);
        const promo = findPromoCode(message.text, codes);
        const chosen = pack;
        ({ offer } = await ctx.db.transaction((tx) =>
          openOffer(
            tx,
            sales,
            {
              creatorId: creator.id,
              conversationId: conversation.id,
              fanId: fan.id,
              pack: chosen,
              messageId: message.id,
              intent,
              offeredBy: 'ai',
              promo,
            },
            effects,
          ),
        ));
        facts = [offerFacts(offer, pack, lang)];
      }
    } else if (template.catalog) {
      facts = catalog.map((p) => `${p.name} : ${formatPrice(p.priceCents, p.currency, lang)}`);
    }

    const draft = await draftsRepo.create(ctx.db, {
      conversationId: conversation.id,
      messageId: message.id,
      model: model.name,
      intent,
      template: intent,
      intentConfidence: message.intentConfidence,
      offerId: offer?.id,
    });
    await flushEffects(ctx, effects);
    effects.offers.length = 0;
    const target = { creatorId: conversation.creatorId, conversationId: conversation.id };
    await ctx.publisher.emit(target, 'draft:start', {
      draftId: draft.id,
      conversationId: conversation.id,
      messageId,
      model: model.name,
    });

    const queueWaitMs = Math.max(0, Date.now() - job.timestamp);
    const running = ctx.aborts.register(conversation.id);
    let text = '';
    let generatedBy: 'llm' | 'fallback' = 'llm';
    let timings: Record<string, number> = { queueWaitMs };
    try {
      const stream = ctx.ollama.streamChat({
        model,
        keepAlive: ctx.config.ollama.keep_alive,
        signal: running.signal,
        messages: renderPrompt({
          config: ctx.config,
          creator,
          fanName: fan.displayName.split(' ')[0] ?? '',
          lang,
          history: history.map((m) => ({
            from: m.direction === 'in' ? 'fan' : 'creator',
            text: withFiles(m),
          })),
          instruction: template.prompt,
          offerFacts: facts,
        }),
      });
      let final: { timeToFirstTokenMs: number; tokensPerSecond: number; evalCount: number } | undefined;
      const tokens = (async function* () {
        for await (const event of stream) {
          if (event.type === 'token') yield event.text;
          else final = event;
        }
      })();
      for await (const chunk of coalesceTokens(tokens, COALESCE_MS)) {
        text += chunk;
        ctx.publisher.emitVolatile(target, 'draft:token', { draftId: draft.id, text: chunk });
      }
      timings = { ...timings, ...final };
    } catch (error) {
      if (error instanceof OllamaError && error.code === 'aborted') return;
      const code = error instanceof OllamaError ? error.code : 'unknown';
      // The alert below tells supervisors; the log keeps one line, with the stack only when unexpected.
      ctx.logger.warn(
        code === 'unknown'
          ? { err: error, conversationId: conversation.id }
          : { code, conversationId: conversation.id },
        'draft fell back to the template',
      );
      text = template.fallback[lang];
      generatedBy = 'fallback';
      timings = { ...timings, fallback: 1 };
      await alertLlmDown(ctx, target, code);
    } finally {
      running.release();
    }

    const reasons = validateDraft(text, {
      lang,
      selling,
      packs: catalog.map((p) => ({ name: p.name, price: p.priceCents / 100 })),
      ...(offer && pack
        ? { offer: { name: pack.name, prices: [offer.priceCents / 100, offer.listPriceCents / 100] } }
        : {}),
      maxLength: ctx.config.drafting.max_length,
      explicitTerms: ctx.config.validator.explicit_terms,
      conversationStatus:
        (await conversationsRepo.findById(ctx.db, conversation.id))?.status ?? conversation.status,
      optedOut: fan.optedOutAt !== null,
    });
    const status: DraftDonePayload['status'] = reasons.length
      ? 'blocked'
      : policy === 'auto'
        ? 'auto_sent'
        : 'pending_approval';

    const committed = await ctx.db.transaction(async (tx) => {
      const finished = await draftsRepo.finish(tx, draft.id, { text, status, reasons, generatedBy, timings });
      const sent =
        finished && status === 'auto_sent'
          ? await stageOutbound(
              tx,
              {
                conversationId: conversation.id,
                accountId: message.accountId,
                direction: 'out',
                sender: 'bot',
                text,
                raw: { origin: 'draft', draftId: draft.id, approvedBy: 'policy' },
                // Keyed on the fan message: a re-run's second draft can never auto-send a second reply.
                idempotencyKey: `draft-reply:${message.id}`,
              },
              ctx.now(),
            )
          : undefined;
      // The reply first, then its payment request: the fan reads them in that order.
      if (sent) effects.outbound.push(sent);
      if (sent?.outbox && offer && pack) {
        await stagePaymentRequest(
          tx,
          sales,
          {
            offer,
            pack,
            conversationId: conversation.id,
            accountId: message.accountId,
            packSales: capabilities.packSales,
            lang,
            key: draft.id,
          },
          effects,
        );
      }
      return { finished };
    });
    if (!committed.finished) return;
    await ctx.publisher.emit(target, 'draft:done', {
      draftId: draft.id,
      conversationId: conversation.id,
      text,
      intent,
      status,
      ...(reasons.length ? { reasons } : {}),
    });
    await notifyApprovers(ctx, { draftId: draft.id, status });
    await flushEffects(ctx, effects);
  };
}

/** At most one LLM alert a minute across every worker, so a down server does not flood supervisors. */
async function alertLlmDown(
  ctx: WorkerContext,
  target: { creatorId: string; conversationId: string },
  code: string,
) {
  const first = await ctx.connection.set(`${ctx.redisPrefix}:alert:llm`, code, 'PX', ALERT_EVERY_MS, 'NX');
  if (first !== 'OK') return;
  await ctx.publisher.emit(target, 'alert', {
    kind: 'llm_down',
    severity: 'warning',
    message: `The language model could not answer (${code}); replies use templates until it is back.`,
    creatorId: target.creatorId,
    conversationId: target.conversationId,
    at: ctx.now().toISOString(),
  });
}

/** A photo's caption reads as "[photo] caption" to the model, which cannot see the file. */
function withFiles(message: MessageRecord): string {
  const kinds = (message.attachments ?? []).map((a) => `[${a.kind}]`).join(' ');
  return kinds ? `${kinds} ${message.text}`.trim() : message.text;
}
