import { enqueue } from '@velvet/shared';
import type { WorkerContext } from '../context';

/**
 * After a draft is committed: when it waits for a human, queue a push to those who may
 * approve it. Best effort; the approvals view shows the draft either way.
 */
export async function notifyApprovers(
  ctx: Pick<WorkerContext, 'queues' | 'logger'>,
  draft: { draftId: string; status: string },
): Promise<void> {
  if (draft.status !== 'pending_approval') return;
  await enqueue(ctx.queues, { name: 'push.notify', data: { kind: 'draft', draftId: draft.draftId } }).catch(
    (error: unknown) => ctx.logger.warn({ err: error, draftId: draft.draftId }, 'could not queue the push'),
  );
}
