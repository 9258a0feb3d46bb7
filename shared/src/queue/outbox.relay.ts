import type { Db } from '../db/client';
import { outboxRepo, type OutboxRow } from '../db/repositories/outbox.repo';
import { enqueue, jobOptions, type Queues } from './queues';

interface Log {
  warn(obj: object, msg?: string): void;
}

/**
 * Hands committed outbox rows to the queue. Called right after a commit, and swept on a
 * timer so work committed but never enqueued (a crash in between, a flushed Redis) is
 * enqueued again. Rows stay pending until their job marks them processed.
 */
export class OutboxRelay {
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<number> | undefined;

  constructor(
    private readonly db: Db,
    private readonly queues: Queues,
    private readonly log: Log,
    private readonly options: { staleAfterMs: number; batch: number } = { staleAfterMs: 5000, batch: 500 },
  ) {}

  async dispatch(rows: OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await Promise.all(rows.map((row) => enqueue(this.queues, withOutboxId(row))));
  }

  /**
   * Best effort right after a commit, with no write back: the sweep covers any failure
   * here, looking only at rows committed more than `staleAfterMs` ago.
   */
  async dispatchSoon(rows: OutboxRow[]): Promise<void> {
    await this.dispatch(rows).catch((error: unknown) =>
      this.log.warn({ err: error }, 'enqueue after commit failed; the outbox relay will retry'),
    );
  }

  /** Re-enqueues pending rows last handed off before `staleAfterMs` ago; returns how many. */
  sweep(): Promise<number> {
    this.#sweeping ??= (async () => {
      let total = 0;
      try {
        for (;;) {
          const staleBefore = new Date(Date.now() - this.options.staleAfterMs);
          const rows = await outboxRepo.pending(this.db, staleBefore, this.options.batch);
          await this.dispatch(rows);
          await this.reviveStalled(rows);
          await outboxRepo.markEnqueued(
            this.db,
            rows.map((r) => r.id),
            new Date(),
          );
          total += rows.length;
          if (rows.length < this.options.batch) return total;
        }
      } finally {
        this.#sweeping = undefined;
      }
    })();
    return this.#sweeping;
  }

  /**
   * A job whose workers died under it too often (SIGKILL, OOM) is failed by BullMQ as
   * stalled, and adding its id again is a no-op: its work would be lost while its row stays
   * pending. A crash is not the job's fault, so such a job is put back in line.
   */
  private async reviveStalled(rows: OutboxRow[]): Promise<void> {
    for (const row of rows) {
      const job = await this.queues[row.job.name].getJob(jobOptions(row.job).jobId);
      if (job?.failedReason === STALLED && (await job.isFailed())) {
        await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        this.log.warn({ job: job.id, queue: row.job.name }, 'job failed as stalled retried from the outbox');
      }
    }
  }

  start(intervalMs: number): void {
    const tick = () =>
      this.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'outbox sweep failed'));
    void tick();
    this.#timer = setInterval(() => void tick(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sweeping?.catch(() => {});
  }
}

/** BullMQ's reason for a job whose lock expired more than `maxStalledCount` times. */
const STALLED = 'job stalled more than allowable limit';

function withOutboxId(row: OutboxRow) {
  return { ...row.job, data: { ...row.job.data, outboxId: row.id } } as OutboxRow['job'];
}
