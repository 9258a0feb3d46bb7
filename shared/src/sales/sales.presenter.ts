import type { FollowUpRecord } from '../db/repositories/follow-ups.repo';
import type { OfferRecord } from '../db/repositories/offers.repo';
import type { PurchaseRecord } from '../db/repositories/purchases.repo';
import type { FollowUpView, OfferView, PurchaseView } from '../events';

// The fields of offers, purchases and follow-ups that leave the server.

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
    refundedAt: purchase.refundedAt?.toISOString() ?? null,
    refundKind: purchase.refundKind ?? null,
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
