import type { Db } from './db/client';
import type { FollowUpRecord } from './db/repositories/follow-ups.repo';
import { offersRepo, type OfferRecord } from './db/repositories/offers.repo';
import type { OutboxRow } from './db/repositories/outbox.repo';
import { packsRepo } from './db/repositories/packs.repo';
import type { PurchaseRecord } from './db/repositories/purchases.repo';
import type { StagedOutbound } from './outbound/outbound';
import { presentMessage } from './presenters/message.presenter';
import type { OutboxRelay } from './queue/outbox.relay';
import type { InboxPublisher } from './realtime/inbox.publisher';
import { presentFollowUp, presentOffer, presentPurchase } from './sales/sales.presenter';

/**
 * One unit of work: what a state change did inside its transaction (messages to send,
 * jobs to run, offers, follow-ups and purchases to show), announced once after commit by
 * `flushEffects`. The outbox rows are committed with the change, so a crash before the
 * flush loses nothing: the relay finds them.
 */
export interface Effects {
  creatorId: string;
  conversationId: string;
  outbound: StagedOutbound[];
  jobs: OutboxRow[];
  offers: OfferRecord[];
  followUps: FollowUpRecord[];
  purchases: PurchaseRecord[];
  /** Purchases whose charge was reversed (refund or chargeback). */
  refunds: PurchaseRecord[];
}

export function collectEffects(creatorId: string, conversationId: string): Effects {
  return {
    creatorId,
    conversationId,
    outbound: [],
    jobs: [],
    offers: [],
    followUps: [],
    purchases: [],
    refunds: [],
  };
}

export interface EffectsDeps {
  db: Db;
  relay: OutboxRelay;
  publisher: InboxPublisher;
  /** Removes a cancelled follow-up's delayed job (workers and hubs that hold the queue). */
  removeJob?: (jobId: string) => Promise<unknown>;
}

/** After commit: the jobs to the queue, then the inbox told, in the order things happened. */
export async function flushEffects(deps: EffectsDeps, effects: Effects): Promise<void> {
  const target = { creatorId: effects.creatorId, conversationId: effects.conversationId };
  const sends = effects.outbound.filter((staged) => staged.outbox);
  // One at a time, in the order collected: a reply is queued before its payment request.
  for (const row of [...effects.jobs, ...sends.map((staged) => staged.outbox!)]) {
    await deps.relay.dispatchSoon([row]);
  }
  for (const staged of sends) {
    const conversationId = staged.message.conversationId;
    await deps.publisher.emit({ creatorId: effects.creatorId, conversationId }, 'message:new', {
      conversationId,
      creatorId: effects.creatorId,
      message: presentMessage(staged.message),
    });
  }
  const seen = new Set<string>();
  for (const offer of [...effects.offers].reverse()) {
    if (seen.has(offer.id)) continue;
    seen.add(offer.id);
    const named = await offersRepo.findWithPack(deps.db, offer.id);
    if (named) await deps.publisher.emit(target, 'offer:update', presentOffer(named, named));
  }
  for (const purchase of effects.purchases) {
    const pack = purchase.packId ? await packsRepo.findById(deps.db, purchase.packId) : undefined;
    await deps.publisher.emit(target, 'purchase:new', presentPurchase(purchase, pack?.name ?? null));
  }
  for (const purchase of effects.refunds) {
    const pack = purchase.packId ? await packsRepo.findById(deps.db, purchase.packId) : undefined;
    await deps.publisher.emit(target, 'purchase:refunded', presentPurchase(purchase, pack?.name ?? null));
  }
  for (const row of effects.followUps) {
    if (row.status === 'cancelled' && deps.removeJob) {
      // Best effort: the row, not the delayed job, decides whether a follow-up is sent.
      await deps.removeJob(`followup-${row.id}`).catch(() => undefined);
    }
    await deps.publisher.emit(target, 'followup:update', presentFollowUp(row));
  }
}
