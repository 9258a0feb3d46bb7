import type { Db } from '../db/client';
import type { PackSales } from '../platform';
import { followUpsRepo, type FollowUpRecord } from '../db/repositories/follow-ups.repo';
import { offersRepo, type OfferRecord } from '../db/repositories/offers.repo';
import { outboxRepo } from '../db/repositories/outbox.repo';
import { packsRepo, type PackRecord } from '../db/repositories/packs.repo';
import { promoCodesRepo, type PromoCodeRecord } from '../db/repositories/promo-codes.repo';
import { purchasesRepo, type PurchaseRecord } from '../db/repositories/purchases.repo';
import type { VelvetConfig } from '../config/velvet-config';
import type { FollowUpView, OfferView, PurchaseView } from '../events';
import type { Effects } from '../effects';
import { stageOutbound } from '../outbound/outbound';
import { checkoutUrl, createCheckoutToken, hashCheckoutToken } from './checkout-token';
import { applyPromo, fillSalesTemplate, formatPrice, promoRefusal, starsFor } from './pricing';

/** What the sales engine needs from the process it runs in. */
export interface SalesContext {
  config: Pick<VelvetConfig, 'sales'>;
  now: () => Date;
  checkoutKey: Buffer;
}

/** The sales context of a hub or worker process. */
export function salesContext(deps: {
  config: Pick<VelvetConfig, 'sales'>;
  now: () => Date;
  secrets: { checkoutKey: Buffer };
}): SalesContext {
  return { config: deps.config, now: deps.now, checkoutKey: deps.secrets.checkoutKey };
}

type Lang = 'fr' | 'en';

const WEEK_MS = 7 * 24 * 3600 * 1000;

// ---------- offers ----------

export interface OpenOfferInput {
  creatorId: string;
  conversationId: string;
  fanId: string;
  pack: PackRecord;
  messageId?: string;
  intent?: string;
  offeredBy: 'ai' | 'human';
  offeredByUserId?: string;
  /** A code the fan typed or an operator applied; ignored (with the reason) when it cannot apply. */
  promo?: PromoCodeRecord;
}

export interface OpenedOffer {
  offer: OfferRecord;
  created: boolean;
  /** Why the promo code was not applied, when one was given. */
  promoRefused?: string;
}

/**
 * The fan's open offer for the pack, or a new one (one open offer per pack per fan).
 * Offers whose time is up are closed first. The caller has checked the safety gates.
 */
export async function openOffer(
  tx: Db,
  ctx: SalesContext,
  input: OpenOfferInput,
  effects: Effects,
): Promise<OpenedOffer> {
  const now = ctx.now();
  effects.offers.push(...(await offersRepo.expireDue(tx, input.fanId, now)));
  const existing = await offersRepo.findOpen(tx, input.fanId, input.pack.id);
  if (existing) return { offer: existing, created: false };

  let priceCents = input.pack.priceCents;
  let promoCodeId: string | undefined;
  let promoRefused: string | undefined;
  if (input.promo) {
    const usesByFan = await promoCodesRepo.usesByFan(tx, input.promo.id, input.fanId);
    promoRefused = promoRefusal(input.promo, now, usesByFan);
    if (!promoRefused && (await promoCodesRepo.consume(tx, input.promo.id, now))) {
      priceCents = applyPromo(priceCents, input.promo);
      promoCodeId = input.promo.id;
    } else {
      promoRefused ??= 'exhausted';
    }
  }
  const expiresAt = new Date(now.getTime() + ctx.config.sales.offer_ttl);
  const offer = await offersRepo.insertOpen(tx, {
    creatorId: input.creatorId,
    conversationId: input.conversationId,
    fanId: input.fanId,
    packId: input.pack.id,
    messageId: input.messageId,
    intent: input.intent,
    listPriceCents: input.pack.priceCents,
    priceCents,
    currency: input.pack.currency,
    priceStars: starsFor(input.pack, priceCents, ctx.config.sales.stars_per_unit),
    promoCodeId,
    offeredBy: input.offeredBy,
    offeredByUserId: input.offeredByUserId,
    expiresAt,
  });
  if (!offer) {
    // Another job opened it a moment ago.
    if (promoCodeId) await promoCodesRepo.release(tx, promoCodeId);
    const raced = await offersRepo.findOpen(tx, input.fanId, input.pack.id);
    return { offer: raced!, created: false };
  }
  await offersRepo.setCheckoutTokenHash(
    tx,
    offer.id,
    hashCheckoutToken(createCheckoutToken(ctx.checkoutKey, offer.id, offer.expiresAt)),
  );
  effects.offers.push(offer);
  return { offer, created: true, ...(promoRefused ? { promoRefused } : {}) };
}

/** Cancels an open offer (its draft was rejected or blocked) and its pending follow-up. */
export async function cancelOffer(
  tx: Db,
  ctx: SalesContext,
  offerId: string,
  reason: string,
  effects: Effects,
): Promise<void> {
  const cancelled = await offersRepo.cancel(tx, offerId, ctx.now());
  if (!cancelled) return;
  effects.offers.push(cancelled);
  if (cancelled.promoCodeId) await promoCodesRepo.release(tx, cancelled.promoCodeId);
  effects.followUps.push(...(await followUpsRepo.cancelPending(tx, { offerId }, reason, ctx.now())));
}

/** The facts a reply about this offer may use: the pack's name and exact price. */
export function offerFacts(offer: OfferRecord, pack: PackRecord, lang: Lang): string {
  const price = formatPrice(offer.priceCents, offer.currency, lang);
  const was =
    offer.priceCents !== offer.listPriceCents
      ? ` (au lieu de ${formatPrice(offer.listPriceCents, offer.currency, lang)})`
      : '';
  return `${pack.name} : ${price}${was}${pack.description ? ` — ${pack.description}` : ''}`;
}

// ---------- payment requests ----------

export interface PaymentRequestInput {
  offer: OfferRecord;
  pack: PackRecord;
  conversationId: string;
  accountId: string;
  /** How the account's platform takes payment (its connector's `packSales`). */
  packSales: PackSales;
  lang: Lang;
  /** Distinguishes repeated presentations of one offer (the draft id). */
  key: string;
}

/**
 * After a reply presenting an offer: the payment request (an in-chat invoice where the
 * platform collects payment, else a signed single-use checkout link) and the offer's follow-up.
 */
export async function stagePaymentRequest(
  tx: Db,
  ctx: SalesContext,
  input: PaymentRequestInput,
  effects: Effects,
): Promise<void> {
  const { offer, pack, lang, packSales } = input;
  const price = formatPrice(offer.priceCents, offer.currency, lang);
  const invoiced = packSales.kind === 'invoice';
  if (!invoiced && !pack.checkoutUrl) return;
  const invoice = ctx.config.sales.invoice;
  const link = invoiced
    ? undefined
    : checkoutUrl(pack.checkoutUrl!, createCheckoutToken(ctx.checkoutKey, offer.id, offer.expiresAt));
  const stars = invoiced && packSales.currency === 'XTR' ? ` (${offer.priceStars} ⭐)` : '';
  const staged = await stageOutbound(
    tx,
    {
      conversationId: input.conversationId,
      accountId: input.accountId,
      direction: 'out',
      sender: 'bot',
      kind: 'invoice',
      offerId: offer.id,
      text: invoiced
        ? `${pack.name} — ${price}${stars}`
        : fillSalesTemplate(invoice.checkout_text[lang], { pack: pack.name, price }),
      ...(link
        ? {
            keyboard: [
              [{ text: fillSalesTemplate(invoice.pay_button[lang], { pack: pack.name, price }), url: link }],
            ],
          }
        : {}),
      raw: { origin: 'offer', offerId: offer.id },
      idempotencyKey: `invoice:${offer.id}:${input.key}`,
    },
    ctx.now(),
  );
  effects.outbound.push(staged);
  if (!staged.outbox) return;
  const after = (ctx.config.sales.follow_ups[pack.type as 'feet'] ?? ctx.config.sales.follow_ups.default)!
    .after;
  await planFollowUp(
    tx,
    ctx,
    {
      kind: 'offer',
      creatorId: offer.creatorId,
      conversationId: offer.conversationId,
      fanId: offer.fanId,
      offerId: offer.id,
      packId: pack.id,
      dueAt: new Date(ctx.now().getTime() + after),
    },
    effects,
  );
}

// ---------- follow-ups ----------

export interface PlanFollowUpInput {
  kind: FollowUpRecord['kind'];
  creatorId: string;
  conversationId: string;
  fanId: string;
  offerId?: string;
  packId?: string;
  dueAt: Date;
  /** The creator's weekly budget, when it overrides the config's. */
  budgetPerWeek?: number;
}

/**
 * A follow-up row plus its delayed job (through the outbox, held until due). Nothing when
 * the fan's weekly budget is spent or the offer already has one pending.
 */
export async function planFollowUp(
  tx: Db,
  ctx: SalesContext,
  input: PlanFollowUpInput,
  effects: Effects,
): Promise<FollowUpRecord | undefined> {
  const now = ctx.now();
  if (input.kind !== 'thank_you') {
    const budget = input.budgetPerWeek ?? ctx.config.sales.follow_up_budget_per_week;
    const used = await followUpsRepo.budgetUsed(tx, input.fanId, new Date(now.getTime() - WEEK_MS));
    if (used >= budget) return undefined;
  }
  const row = await followUpsRepo.insert(tx, {
    kind: input.kind,
    creatorId: input.creatorId,
    conversationId: input.conversationId,
    fanId: input.fanId,
    offerId: input.offerId,
    packId: input.packId,
    dueAt: input.dueAt,
  });
  if (!row) return undefined;
  const job = await outboxRepo.insert(
    tx,
    { name: 'followup.send', data: { followUpId: row.id, dueAt: row.dueAt.getTime() } },
    { holdUntil: row.dueAt },
  );
  effects.followUps.push(row);
  effects.jobs.push(job);
  return row;
}

/** The text a due follow-up sends. */
export function followUpText(
  config: Pick<VelvetConfig, 'sales'>,
  followUp: Pick<FollowUpRecord, 'kind'>,
  pack: PackRecord | undefined,
  priceCents: number | undefined,
  lang: Lang,
): string {
  const sales = config.sales;
  const values = {
    pack: pack?.name ?? '',
    price: pack ? formatPrice(priceCents ?? pack.priceCents, pack.currency, lang) : '',
  };
  if (followUp.kind === 'thank_you') return fillSalesTemplate(sales.thank_you[lang], values);
  if (followUp.kind === 'suggestion') return fillSalesTemplate(sales.suggestion.message[lang], values);
  const entry = (pack && sales.follow_ups[pack.type as 'feet']) ?? sales.follow_ups.default!;
  return fillSalesTemplate(entry.message[lang], values);
}

// ---------- purchases ----------

export interface RecordPurchaseInput {
  offer: OfferRecord;
  provider: string;
  providerChargeId: string;
  providerAmount?: number;
  providerCurrency?: string;
  accountId: string;
  platform: string;
  lang: Lang;
  raw?: Record<string, unknown>;
  budgetPerWeek?: number;
  /**
   * Checkout links are single-use: a new charge for an offer no longer open is refused
   * (`OfferClosed`). In-chat platform payments are recorded anyway: the money is taken.
   */
  singleUse?: boolean;
}

/** A second, different charge for a single-use offer. */
export class OfferClosed extends Error {
  constructor(readonly status: string) {
    super(`The offer is ${status}`);
    this.name = 'OfferClosed';
  }
}

/**
 * One purchase per provider charge: the offer is paid, the fan's spend grows, pending
 * nudges stop, the pack's media goes out with a thank-you, and one suggestion of another
 * pack is planned within the weekly budget. A repeated notification changes nothing.
 */
export async function recordPurchase(
  tx: Db,
  ctx: SalesContext,
  input: RecordPurchaseInput,
  effects: Effects,
): Promise<{ purchase: PurchaseRecord; created: boolean }> {
  const now = ctx.now();
  const { offer } = input;
  const repeated = await purchasesRepo.findByCharge(tx, input.provider, input.providerChargeId);
  if (repeated) return { purchase: repeated, created: false };
  // Taking the row lock first orders concurrent notifications for one offer.
  const paid = await offersRepo.markPaid(tx, offer.id, now);
  if (!paid && input.singleUse) throw new OfferClosed(offer.status);
  const recorded = await purchasesRepo.record(tx, {
    offerId: offer.id,
    creatorId: offer.creatorId,
    conversationId: offer.conversationId,
    fanId: offer.fanId,
    packId: offer.packId,
    provider: input.provider,
    providerChargeId: input.providerChargeId,
    amountCents: offer.priceCents,
    currency: offer.currency,
    providerAmount: input.providerAmount,
    providerCurrency: input.providerCurrency,
    raw: input.raw,
  });
  if (!recorded.created) return recorded;
  const { purchase } = recorded;
  effects.purchases.push(purchase);
  if (paid) effects.offers.push({ ...offer, status: 'paid', closedAt: now });
  await purchasesRepo.addToFan(tx, offer.fanId, offer.priceCents, offer.currency, now);
  effects.followUps.push(
    ...(await followUpsRepo.cancelPending(tx, { fanId: offer.fanId }, 'purchased', now, [
      'offer',
      'suggestion',
    ])),
  );

  const pack = await packsRepo.findById(tx, offer.packId);
  const price = formatPrice(offer.priceCents, offer.currency, input.lang);
  effects.outbound.push(
    await stageOutbound(
      tx,
      {
        conversationId: offer.conversationId,
        accountId: input.accountId,
        direction: 'out',
        sender: 'bot',
        kind: 'media',
        offerId: offer.id,
        text: fillSalesTemplate(ctx.config.sales.thank_you[input.lang], { pack: pack?.name ?? '', price }),
        raw: { origin: 'purchase', purchaseId: purchase.id },
        idempotencyKey: `deliver:${purchase.id}`,
      },
      now,
    ),
  );

  // One suggestion of a pack the fan does not have yet.
  const owned = new Set(await offersRepo.paidPackIds(tx, offer.fanId));
  owned.add(offer.packId);
  const next = (await packsRepo.sellable(tx, offer.creatorId, input.platform)).find((p) => !owned.has(p.id));
  if (next) {
    await planFollowUp(
      tx,
      ctx,
      {
        kind: 'suggestion',
        creatorId: offer.creatorId,
        conversationId: offer.conversationId,
        fanId: offer.fanId,
        packId: next.id,
        dueAt: new Date(now.getTime() + ctx.config.sales.suggestion.after),
        budgetPerWeek: input.budgetPerWeek,
      },
      effects,
    );
  }
  return recorded;
}

// ---------- presenting and announcing ----------

export function presentOffer(
  offer: OfferRecord,
  names: { packName: string; promoCode: string | null },
): OfferView {
  return {
    id: offer.id,
    conversationId: offer.conversationId,
    creatorId: offer.creatorId,
    fanId: offer.fanId,
    packId: offer.packId,
    packName: names.packName,
    priceCents: offer.priceCents,
    listPriceCents: offer.listPriceCents,
    currency: offer.currency,
    priceStars: offer.priceStars,
    promoCode: names.promoCode,
    status: offer.status as OfferView['status'],
    offeredBy: offer.offeredBy === 'human' ? 'human' : 'ai',
    expiresAt: offer.expiresAt.toISOString(),
    createdAt: offer.createdAt.toISOString(),
  };
}

export function presentPurchase(purchase: PurchaseRecord, packName: string | null): PurchaseView {
  return {
    id: purchase.id,
    offerId: purchase.offerId,
    conversationId: purchase.conversationId,
    creatorId: purchase.creatorId,
    fanId: purchase.fanId,
    packId: purchase.packId,
    packName,
    amountCents: purchase.amountCents,
    currency: purchase.currency,
    provider: purchase.provider,
    createdAt: purchase.createdAt.toISOString(),
  };
}

export function presentFollowUp(row: FollowUpRecord): FollowUpView {
  return {
    id: row.id,
    conversationId: row.conversationId,
    creatorId: row.creatorId,
    offerId: row.offerId,
    packId: row.packId,
    kind: row.kind as FollowUpView['kind'],
    status: row.status as FollowUpView['status'],
    dueAt: row.dueAt.toISOString(),
    cancelReason: row.cancelReason,
  };
}

/**
 * After commit: enqueue the jobs (delayed follow-ups included), send the staged messages,
 * tell the inbox about offers, purchases and follow-ups. Removing a cancelled follow-up's
 * delayed job is best effort: its row, not the job, decides whether it is sent.
 */
