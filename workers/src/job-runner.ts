import { UnrecoverableError, type Job as BullJob } from 'bullmq';
import { outboxRepo, type JobName } from '@velvet/shared';
import type { WorkerContext } from './context';
import type { Handler } from './registry';

/**
 * The runner's bookkeeping, so that no handler does it by hand: once a handler is done
 * with its job (finished, or failed for good) the job's outbox row is marked processed and
 * the relay stops re-enqueueing it. A retryable failure or a postponement (DelayedError)
 * leaves it open. Handlers are idempotent, so a crash between their commit and this mark
 * only costs a re-run that finds the work done.
 */
export function withOutboxBookkeeping<N extends JobName>(
  ctx: WorkerContext,
  handler: Handler<N>,
): Handler<N> {
  return async (job: BullJob, token?: string) => {
    const outboxId = (job.data as { outboxId?: number }).outboxId;
    const settle = () =>
      outboxId === undefined ? undefined : outboxRepo.markProcessed(ctx.db, outboxId, ctx.now());
    try {
      await handler(job, token);
    } catch (error) {
      if (error instanceof UnrecoverableError) await settle();
      throw error;
    }
    await settle();
  };
}
