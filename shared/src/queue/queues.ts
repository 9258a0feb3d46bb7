import { Queue, type JobsOptions } from 'bullmq';
import type { RedisClient } from '../redis/redis-url';
import { JOB_NAMES, type Job, type JobName } from '../jobs';

export type Queues = Record<JobName, Queue>;

/** One queue per job name, all under the deployment's Redis prefix. */
export function createQueues(connection: RedisClient, prefix: string): Queues {
  return Object.fromEntries(
    JOB_NAMES.map((name) => [name, new Queue(name, { connection, prefix: `${prefix}:bull` })]),
  ) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
}

/**
 * The one place job options are decided. The job id is the message id, so enqueueing
 * the same work twice (relay sweep, retried webhook) is a no-op while the job exists.
 */
export function jobOptions(job: Job): JobsOptions & { jobId: string } {
  const keep = { removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } };
  switch (job.name) {
    case 'inbound.process':
      return {
        ...keep,
        jobId:
          job.data.edit === undefined ? job.data.messageId : `${job.data.messageId}:edit:${job.data.edit}`,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
      };
    case 'draft.generate':
      // A draft that fails falls back to a template inside the job; retries cover crashes.
      return {
        ...keep,
        jobId: `draft-${job.data.messageId}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 500 },
        // BullMQ runs lower numbers first.
        priority: job.data.paying ? 1 : 10,
      };
    case 'push.notify':
      // One notification per draft; one digest per user and quiet window, sent when it ends.
      if (job.data.kind === 'notification')
        return {
          ...keep,
          jobId: `push-notification-${job.data.notificationId}`,
          attempts: 3,
          backoff: { type: 'exponential', delay: 2000 },
        };
      return job.data.kind === 'draft'
        ? {
            ...keep,
            jobId: `push-draft-${job.data.draftId}`,
            attempts: 3,
            backoff: { type: 'exponential', delay: 2000 },
          }
        : {
            ...keep,
            jobId: `push-digest-${job.data.userId}-${job.data.since}`,
            delay: Math.max(0, job.data.at - Date.now()),
            attempts: 3,
            backoff: { type: 'exponential', delay: 2000 },
          };
    case 'outbound.send':
      // 'platform' backoff honours a platform's retry_after (see workers' backoff strategy).
      return { ...keep, jobId: job.data.messageId, attempts: 8, backoff: { type: 'platform', delay: 1000 } };
    case 'planner.reel_check':
      // Started by its job scheduler (a repeat), never enqueued by hand.
      return { ...keep, jobId: 'planner-reel-check', attempts: 1 };
    case 'analytics.collect':
      // Started by its job scheduler (a repeat); the schedule itself lives in metrics_schedule.
      return { ...keep, jobId: 'analytics-collect', attempts: 1 };
    case 'interactions.auto_like':
      // Started by its job scheduler, never enqueued by hand; a failed run waits for the next.
      return { ...keep, jobId: 'interactions-auto-like', attempts: 1 };
    case 'post.publish':
      // One job per target and time: moving a post makes a new job, and the old one finds
      // its target moved. Retries only cover a crash before the platform was called.
      return {
        ...keep,
        jobId: `publish-${job.data.targetId}-${job.data.dueAt}${job.data.check ? '-check' : ''}`,
        delay: Math.max(0, job.data.dueAt - Date.now()),
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000 },
      };
    case 'memory.embed':
      // Background work: a store that is down is retried a few times, then the next
      // message's job embeds what this one could not.
      return {
        removeOnComplete: true,
        removeOnFail: { age: 24 * 3600 },
        jobId: `memory-${job.data.messageId}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000 },
      };
    case 'memory.forget':
      // An erasure must reach the store: retried for about a day.
      return {
        ...keep,
        jobId: `memory-forget-${job.data.fanId}`,
        attempts: 20,
        backoff: { type: 'exponential', delay: 5000 },
      };
    case 'followup.send':
      // Delayed until due; the stable id makes a re-enqueue (relay sweep, restore) a no-op.
      return {
        ...keep,
        jobId: `followup-${job.data.followUpId}`,
        delay: Math.max(0, job.data.dueAt - Date.now()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
      };
    case 'satisfaction.ask':
      // Like a follow-up: delayed until due, one job per question.
      return {
        ...keep,
        jobId: `satisfaction-${job.data.surveyId}`,
        delay: Math.max(0, job.data.dueAt - Date.now()),
        attempts: 5,
        backoff: { type: 'exponential', delay: 2000 },
      };
  }
}

export async function enqueue(queues: Queues, job: Job): Promise<void> {
  await queues[job.name].add(job.name, job.data, jobOptions(job));
}
