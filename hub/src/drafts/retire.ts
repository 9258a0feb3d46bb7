import {
  cancelOffer,
  draftAbortChannel,
  draftsRepo,
  type Db,
  type DraftRetiredReason,
  type Effects,
  type InboxPublisher,
  type SalesContext,
} from '@velvet/shared';
import type { HubContext } from '../context';

/**
 * A person took the conversation over: the AI drafts still being written or waiting can no
 * longer be approved, and the offers they would have presented are withdrawn (the fan never
 * saw them). Runs in the caller's transaction; `announceRetired` after it commits.
 */
export async function retireDrafts(
  tx: Db,
  sales: SalesContext,
  conversationId: string,
  effects: Effects,
): Promise<string[]> {
  const retired = await draftsRepo.retire(tx, conversationId);
  for (const draft of retired) {
    if (draft.offerId) await cancelOffer(tx, sales, draft.offerId, 'draft_retired', effects);
  }
  return retired.map((d) => d.id);
}

/** After commit: a stream still running stops, and every open card for these drafts goes. */
export async function announceRetired(
  ctx: HubContext,
  publisher: InboxPublisher,
  target: { creatorId: string; conversationId: string },
  draftIds: string[],
  reason: DraftRetiredReason,
): Promise<void> {
  if (draftIds.length === 0) return;
  await ctx.redis.publish(draftAbortChannel(ctx.redisPrefix), target.conversationId);
  for (const draftId of draftIds) {
    await publisher.emit(target, 'draft:superseded', {
      draftId,
      conversationId: target.conversationId,
      reason,
    });
  }
}
