import type { Db } from '../db/client';
import { auditRepo } from '../db/repositories/audit.repo';
import { followUpsRepo } from '../db/repositories/follow-ups.repo';
import { offersRepo, type OfferRecord } from '../db/repositories/offers.repo';
import { packsRepo } from '../db/repositories/packs.repo';
import { purchasesRepo, type PurchaseRecord } from '../db/repositories/purchases.repo';
import type { Effects } from '../effects';
import { stageOutbound } from '../outbound/outbound';
import { planSatisfaction } from '../satisfaction/satisfaction';
import { planFollowUp } from './follow-ups';
import { fillSalesTemplate, formatPrice } from './pricing';
import type { SalesContext, SalesLang as Lang } from './sales.context';

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
  /** The platform already gave the fan the media (an unlocked paid message): a thank-you only. */
  mediaDelivered?: boolean;
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
  const cancelled = await followUpsRepo.cancelPending(tx, { fanId: offer.fanId }, 'purchased', now, [
    'offer',
    'suggestion',
  ]);
  await auditRepo.followUpsCancelled(tx, cancelled);
  effects.followUps.push(...cancelled);

  if (input.mediaDelivered) await purchasesRepo.markDelivered(tx, purchase.id, now);
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
        kind: input.mediaDelivered ? 'text' : 'media',
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
  // The seed's feedback request: one tap, later, within the monthly cap; the seller is credited.
  await planSatisfaction(
    tx,
    ctx,
    {
      trigger: 'purchase',
      creatorId: offer.creatorId,
      conversationId: offer.conversationId,
      fanId: offer.fanId,
      userId: offer.offeredByUserId,
      purchaseId: purchase.id,
    },
    effects,
  );
  return recorded;
}
