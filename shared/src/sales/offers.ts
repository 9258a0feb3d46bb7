import type { Db } from '../db/client';
import { auditRepo } from '../db/repositories/audit.repo';
import { followUpsRepo } from '../db/repositories/follow-ups.repo';
import { offersRepo, type OfferRecord } from '../db/repositories/offers.repo';
import type { PackRecord } from '../db/repositories/packs.repo';
import { promoCodesRepo, type PromoCodeRecord } from '../db/repositories/promo-codes.repo';
import type { Effects } from '../effects';
import { createCheckoutToken, hashCheckoutToken } from './checkout-token';
import { applyPromo, formatPrice, promoRefusal, starsFor } from './pricing';
import type { SalesContext, SalesLang as Lang } from './sales.context';

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
  // A person's offer is recorded by the route, under their name.
  if (input.offeredBy === 'ai') {
    await auditRepo.automation(tx, {
      action: 'offer.create',
      creatorId: input.creatorId,
      conversationId: input.conversationId,
      targetType: 'offer',
      targetId: offer.id,
      data: { packId: input.pack.id, priceCents, currency: input.pack.currency },
    });
  }
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
  const followUps = await followUpsRepo.cancelPending(tx, { offerId }, reason, ctx.now());
  await auditRepo.followUpsCancelled(tx, followUps);
  effects.followUps.push(...followUps);
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
