import {
  assignVariant,
  collectEffects,
  composeGuidance,
  findPromoCode,
  formatPrice,
  instructionFor,
  messageSceneRepo,
  messagesRepo,
  offerFacts,
  openOffer,
  packsRepo,
  promoCodesRepo,
  replyLanguage,
  salesContext,
  type ConnectorCapabilities,
  type ConversationRecord,
  type CreatorRecord,
  type Effects,
  type FanRecord,
  type Intent,
  type MessageRecord,
  type OfferRecord,
  type PackRecord,
  type Platform,
  type SalesContext,
  type VelvetConfig,
} from '@velvet/shared';
import {
  renderFanContext,
  renderPrompt,
  resolvePolicy,
  within,
  type CreatorSendPolicy,
  type Recollection,
} from '@velvet/llm';
import type { WorkerContext } from '../context';
import { alertMemoryDown } from './memory.job';

/** The fan message a draft answers, who it is for, and how it will be written and sent. */
export interface DraftScene {
  message: MessageRecord;
  conversation: ConversationRecord;
  history: MessageRecord[];
  fan: FanRecord;
  creator: CreatorRecord;
  platform: Platform;
  capabilities: ConnectorCapabilities;
  intent: Intent;
  template: NonNullable<VelvetConfig['drafting']['intents'][Intent]>;
  model: VelvetConfig['ollama']['models']['primary'];
  lang: 'fr' | 'en';
  policy: 'auto' | 'approve';
  target: { creatorId: string; conversationId: string };
  /** The sales engine's view of this process and the effects to announce after commit. */
  sales: SalesContext;
  effects: Effects;
  /** What is known of the fan, rendered for the prompt within the token budget (may be empty). */
  fanContext: string;
  /** The intent's instruction: the template's, the creator's standing guidance, the fan's variant. */
  instruction: string;
  /** The running prompt experiment for this intent and the variant this fan is assigned to. */
  experiment?: { id: string; variant: string };
}

/** The scene of a draft, or nothing when this message needs none (or no longer does). */
export async function loadDraftScene(ctx: WorkerContext, messageId: string): Promise<DraftScene | undefined> {
  // The scene, the fan's purchases and offers, and whether a draft already finished.
  const loaded = await messageSceneRepo.loadForDraft(ctx.db, messageId);
  if (!loaded) return;
  const { message, conversation, fan, creator, account, context: known, prompting } = loaded;
  // A newer fan message has its own draft job, which reads this one too.
  const history = await messagesRepo.recent(ctx.db, conversation.id, ctx.config.drafting.history);
  if (history.filter((m) => m.direction === 'in').at(-1)?.id !== message.id) return;
  // A worker killed after committing but before BullMQ recorded the job: the work is done.
  if (loaded.finished) return;
  const platform = account.platform;

  const intent: Intent = message.intent ?? 'other';
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
  const target = { creatorId: conversation.creatorId, conversationId: conversation.id };
  // A variant only changes the prompt's text: gates ran before, the validator runs after.
  const variant = prompting.experiment
    ? assignVariant(prompting.experiment.id, fan.id, prompting.experiment.variants)
    : undefined;
  const instruction = instructionFor(
    template.prompt,
    variant
      ? composeGuidance(prompting.guidance, { mode: prompting.experiment!.mode, text: variant.text })
      : prompting.guidance,
  );
  const memories = await recall(ctx, fan.id, message.text, history, target);
  const fanContext = renderFanContext(
    {
      subscriptionLevel: fan.subscriptionLevel,
      tags: fan.tags,
      notes: fan.notes,
      preferences: Object.entries(fan.profile).filter(
        (entry): entry is [string, string | number | boolean] =>
          ['string', 'number', 'boolean'].includes(typeof entry[1]) && String(entry[1]).trim() !== '',
      ),
      lastSeenAt: fan.lastSeenAt,
      lifetimeSpend: { cents: fan.lifetimeSpendCents, currency: fan.spendCurrency },
      purchaseCount: fan.purchaseCount,
      purchases: known.purchases,
      openOffers: known.openOffers,
      memories,
    },
    {
      lang,
      fanName: fan.displayName.split(' ')[0] ?? '',
      now: ctx.now(),
      budgetTokens: ctx.config.drafting.context_tokens,
    },
  );

  return {
    message,
    conversation,
    history,
    fan,
    creator,
    platform,
    capabilities,
    intent,
    template,
    model,
    lang,
    policy,
    target,
    sales: salesContext(ctx),
    effects: collectEffects(conversation.creatorId, conversation.id),
    fanContext,
    instruction,
    ...(variant ? { experiment: { id: prompting.experiment!.id, variant: variant.key } } : {}),
  };
}

/**
 * The few stored memories closest to the fan's message, leaving out the thread the prompt
 * already has. A store that fails or is slower than MEMORY_TIMEOUT_MS gives none, and one
 * alert says so: the draft never waits on memory.
 */
async function recall(
  ctx: WorkerContext,
  fanId: string,
  text: string,
  history: MessageRecord[],
  target: { creatorId: string; conversationId: string },
): Promise<Recollection[]> {
  const k = ctx.config.drafting.recall;
  if (!ctx.memory.enabled || k === 0 || !text.trim()) return [];
  try {
    return await within(
      ctx.memoryTimeoutMs,
      ctx.memory.recall({ fanId, text, k, exclude: history.map((m) => m.id) }),
      'recall',
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    ctx.logger.warn({ reason, conversationId: target.conversationId }, 'draft written without memory');
    await alertMemoryDown(ctx, target, reason);
    return [];
  }
}

/** What the reply may sell: the catalog, the offer it presents, and the facts the model must use. */
export interface DraftPitch {
  catalog: PackRecord[];
  offer?: OfferRecord;
  pack?: PackRecord;
  facts: string[];
}

/**
 * Selling: the intent's pack becomes an offer whose facts the model must use; a price
 * question gets the catalog. Nothing of the kind while a gate forbids selling.
 */
export async function pitchFor(ctx: WorkerContext, scene: DraftScene, selling: boolean): Promise<DraftPitch> {
  const { message, conversation, fan, creator, platform, intent, template, lang } = scene;
  // Only packs the platform can sell at their price (a paid message's range): the model is
  // never told of one, nor offers one, that could not reach the fan.
  const connector = ctx.connectors.get(platform);
  const catalog = selling
    ? (await packsRepo.sellable(ctx.db, creator.id, platform)).filter(
        (p) =>
          !connector?.refusesOffer?.({
            priceCents: p.priceCents,
            currency: p.currency,
            mediaCount: p.media.length,
          }),
      )
    : [];
  if (template.offer_pack && selling && conversation.status === 'bot') {
    const pack = catalog.find((p) => p.type === template.offer_pack);
    if (!pack) return { catalog, facts: [] };
    const codes = (await promoCodesRepo.listByCreator(ctx.db, creator.id)).filter((c) => c.active);
    const promo = findPromoCode(message.text, codes);
    const { offer } = await ctx.db.transaction((tx) =>
      openOffer(
        tx,
        scene.sales,
        {
          creatorId: creator.id,
          conversationId: conversation.id,
          fanId: fan.id,
          pack,
          messageId: message.id,
          intent,
          offeredBy: 'ai',
          promo,
        },
        scene.effects,
      ),
    );
    return { catalog, offer, pack, facts: [offerFacts(offer, pack, lang)] };
  }
  if (template.catalog) {
    return {
      catalog,
      facts: catalog.map((p) => `${p.name} : ${formatPrice(p.priceCents, p.currency, lang)}`),
    };
  }
  return { catalog, facts: [] };
}

/** The chat the model is asked to continue. */
export function draftPrompt(ctx: WorkerContext, scene: DraftScene, facts: string[]) {
  return renderPrompt({
    config: ctx.config,
    creator: scene.creator,
    fanName: scene.fan.displayName.split(' ')[0] ?? '',
    lang: scene.lang,
    history: scene.history.map((m) => ({
      from: m.direction === 'in' ? 'fan' : 'creator',
      text: withFiles(m),
    })),
    instruction: scene.instruction,
    offerFacts: facts,
    fanContext: scene.fanContext,
  });
}

/** A photo's caption reads as "[photo] caption" to the model, which cannot see the file. */
function withFiles(message: MessageRecord): string {
  const kinds = (message.attachments ?? []).map((a) => `[${a.kind}]`).join(' ');
  return kinds ? `${kinds} ${message.text}`.trim() : message.text;
}
