import { Worker } from 'bullmq';
import { JOB_NAMES, type JobName } from '@velvet/shared';
import { platformBackoff } from './backoff';
import type { WorkerContext } from './context';
import { createHandlers } from './registry';
import { watchResponseTimes } from './response-time.watch';
import { watchRetention } from './retention.watch';
import { watchBackups } from './backup.watch';

export type { WorkerContext } from './context';
export { DraftAborts } from './draft-aborts';

export interface Workers {
  workers: Worker[];
  stop(): Promise<void>;
}

/**
 * The workers role: one BullMQ worker per job name, plus the outbox relay sweep. Stopping
 * lets in-flight jobs finish; anything unfinished returns to the queue for another worker.
 */
export function startWorkers(ctx: WorkerContext): Workers {
  const handlers = createHandlers(ctx);
  const concurrency: Record<JobName, number> = {
    'push.notify': 4,
    'inbound.process': ctx.config.queues.inbound_concurrency,
    'outbound.send': ctx.config.queues.outbound_concurrency,
    // One Ollama host serves this many streams at once (OLLAMA_NUM_PARALLEL).
    'draft.generate': ctx.config.ollama.parallel,
    'followup.send': 2,
    'post.publish': ctx.config.queues.publish_concurrency,
    'planner.reel_check': 1,
    'analytics.collect': 1,
    'interactions.auto_like': 1,
    // Background: one embedding batch at a time leaves Ollama to the drafts.
    'memory.embed': 1,
    'memory.forget': 1,
    'satisfaction.ask': 1,
  };
  const workers = JOB_NAMES.map((name) => {
    const worker = new Worker(name, (job, token) => handlers[name](job as never, token), {
      connection: ctx.connection,
      prefix: `${ctx.redisPrefix}:bull`,
      concurrency: concurrency[name],
      lockDuration: ctx.config.queues.lock_duration,
      stalledInterval: Math.max(1000, Math.floor(ctx.config.queues.lock_duration / 2)),
      settings: { backoffStrategy: platformBackoff },
    });
    worker.on('failed', (job, error) =>
      ctx.logger.warn({ job: job?.id, queue: name, attempts: job?.attemptsMade, err: error }, 'job failed'),
    );
    worker.on('error', (error) => ctx.logger.error({ err: error, queue: name }, 'worker error'));
    return worker;
  });
  ctx.relay.start(ctx.config.queues.outbox_sweep_interval);
  // Every workers process declares the same scheduler: one repeat, whichever process takes it.
  void ctx.queues['planner.reel_check']
    .upsertJobScheduler(
      'reel-check',
      { every: ctx.config.alerts.reel_missing.check_every },
      { name: 'planner.reel_check', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    )
    .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not schedule the reel check'));
  void ctx.queues['analytics.collect']
    .upsertJobScheduler(
      'analytics-collect',
      { every: ctx.config.analytics.collect_every },
      { name: 'analytics.collect', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    )
    .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not schedule the analytics collector'));
  void ctx.queues['interactions.auto_like']
    .upsertJobScheduler(
      'auto-like',
      { every: ctx.config.interactions.auto_like_every },
      { name: 'interactions.auto_like', data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 } },
    )
    .catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not schedule auto-like'));
  const watcher = watchResponseTimes(ctx);
  const retention = watchRetention(ctx);
  const backups = watchBackups(ctx);
  return {
    workers,
    async stop() {
      watcher.stop();
      retention.stop();
      backups.stop();
      await ctx.relay.stop();
      await Promise.all(workers.map((worker) => worker.close()));
    },
  };
}
