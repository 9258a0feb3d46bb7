import { UnrecoverableError, type Job as BullJob } from 'bullmq';
import { outboxRepo, type Db, type JobName } from '@velvet/shared';
import type { WorkerContext } from './context';
import type { Handler } from './registry';

/** Jobs whose handler marked their outbox row inside its own transaction. */
const settledInside = new WeakSet<BullJob>();

/**
 * For a handler whose work is one transaction: marks the job's outbox row processed in it,
 * so the mark commits with the work (one write and one commit fewer per job) and the
 * runner does not write it again.
 */
export async function settleInTransaction(tx: Db, job: BullJob, at: Date): Promise<void> {
  const { id, settled } = outboxRowOf(job);
  if (id === null) return;
  await outboxRepo.markProcessed(tx, id, at);
  settled();
}

/**
 * The job's outbox row (null: none), for a handler that marks it processed in one of its
 * own statements; `settled()` once that statement ran.
 */
export interface JobOutbox {
  id: number | null;
  settled(): void;
}

export function outboxRowOf(job: BullJob): JobOutbox {
  const id = (job.data as { outboxId?: number }).outboxId ?? null;
  return { id, settled: () => void settledInside.add(job) };
}

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
    if (!settledInside.has(job)) await settle();
  };
}
