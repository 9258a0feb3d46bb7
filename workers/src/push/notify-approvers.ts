import { enqueue, pushSubscriptionsRepo } from '@velvet/shared';
import type { WorkerContext } from '../context';

/**
 * After a draft is committed: when it waits for a human and someone who may approve it has
 * a device subscribed, queue a push to them. Best effort; the approvals view shows the
 * draft either way.
 */
export async function notifyApprovers(
  ctx: Pick<WorkerContext, 'queues' | 'logger' | 'db'>,
  draft: { draftId: string; creatorId: string; status: string },
): Promise<void> {
  if (draft.status !== 'pending_approval') return;
  try {
    if (!(await pushSubscriptionsRepo.anyForCreator(ctx.db, draft.creatorId))) return;
    await enqueue(ctx.queues, { name: 'push.notify', data: { kind: 'draft', draftId: draft.draftId } });
  } catch (error) {
    ctx.logger.warn({ err: error, draftId: draft.draftId }, 'could not queue the push');
  }
}
