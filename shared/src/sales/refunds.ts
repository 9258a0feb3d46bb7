import type { Db } from '../db/client';
import { auditRepo } from '../db/repositories/audit.repo';
import { followUpsRepo } from '../db/repositories/follow-ups.repo';
import { purchasesRepo, type PurchaseRecord } from '../db/repositories/purchases.repo';
import type { RefundKind } from '../domain';
import type { Effects } from '../effects';

/**
 * A provider reversed a charge (refund, or the fan's bank took it back): the purchase is
 * marked once, it leaves the fan's lifetime spend and the revenue figures, and planned
 * suggestions of more packs stop. A repeated notification changes nothing (`created: false`).
 * Access the platform granted is taken back by the caller, after commit.
 */
export async function recordRefund(
  tx: Db,
  input: { purchase: PurchaseRecord; kind: RefundKind; provider: string; at: Date },
  effects: Effects,
): Promise<{ purchase: PurchaseRecord; created: boolean }> {
  const { purchase, kind, at } = input;
  const refunded = await purchasesRepo.markRefunded(tx, purchase.id, kind, at);
  if (!refunded) return { purchase, created: false };
  await purchasesRepo.removeFromFan(tx, purchase.fanId, purchase.amountCents);
  const cancelled = await followUpsRepo.cancelPending(tx, { fanId: purchase.fanId }, kind, at, [
    'suggestion',
  ]);
  await auditRepo.followUpsCancelled(tx, cancelled);
  effects.followUps.push(...cancelled);
  await auditRepo.automation(tx, {
    action: 'purchase.refund',
    creatorId: purchase.creatorId,
    conversationId: purchase.conversationId,
    targetType: 'purchase',
    targetId: purchase.id,
    data: { provider: input.provider, kind, amountCents: purchase.amountCents, currency: purchase.currency },
  });
  effects.refunds.push(refunded);
  return { purchase: refunded, created: true };
}
