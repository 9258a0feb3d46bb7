import { DelayedError, type Job as BullJob } from 'bullmq';
import {
  accountsRepo,
  outboxRepo,
  postsRepo,
  postTargetsRepo,
  postProblems,
  type JobData,
} from '@velvet/shared';
import type { PublishOutcome } from '@velvet/platforms';
import type { WorkerContext } from '../context';

/** A publish call that has not answered by then has an unknown outcome. */
const PUBLISH_TIMEOUT_MS = 60_000;

/**
 * A due post target. Publishing late is acceptable, twice never: the target is claimed
 * (`scheduled` → `publishing`) before the platform is called, and a target found already
 * `publishing` — a worker died during the call — is never published again but marked
 * `unconfirmed` for a human to check. A refused post fails with the platform's reason; a
 * transient refusal is scheduled again; a post the platform is still processing is asked
 * about later.
 */
export function createPostPublish(ctx: WorkerContext) {
  return async function postPublish(job: BullJob<JobData<'post.publish'>>, token?: string): Promise<void> {
    const { targetId, dueAt } = job.data;
    const target = await postTargetsRepo.findById(ctx.db, targetId);
    if (!target) return;
    if (job.data.check) return checkStatus(target.id);
    if (target.state === 'publishing' && !target.remoteId && target.scheduledAt?.getTime() === dueAt) {
      // This job already claimed it and stopped before recording the outcome.
      await postTargetsRepo.settle(ctx.db, target.id, 'publishing', {
        state: 'unconfirmed',
        lastError: 'Publishing was interrupted: check on the platform whether the post is there',
      });
      return;
    }
    if (target.state !== 'scheduled' || target.scheduledAt?.getTime() !== dueAt) return;
    if (dueAt > Date.now() + 1000 && token) {
      await job.moveToDelayed(dueAt, token);
      throw new DelayedError();
    }

    const post = await postsRepo.findById(ctx.db, target.postId);
    const account = await accountsRepo.findById(ctx.db, target.accountId);
    const publisher = ctx.publishers.get(target.platform);
    if (!post || !account) return;
    const claimed = await postTargetsRepo.claim(ctx.db, target.id, new Date(dueAt));
    if (!claimed) return;
    const fail = (reason: string) =>
      postTargetsRepo.settle(ctx.db, target.id, 'publishing', { state: 'failed', lastError: reason });

    if (!publisher) return void (await fail(`Velvet cannot publish to ${target.platform}`));
    if (account.status === 'disconnected')
      return void (await fail('The account is disconnected: reconnect it'));
    const media = await postsRepo.media(ctx.db, post.creatorId, post.mediaIds);
    const { content, problems } = postProblems(post, target.platform, media, publisher.rules);
    if (problems.length) return void (await fail(problems.map((p) => p.message).join('; ')));

    let outcome: PublishOutcome;
    try {
      const credentials = await ctx.credentials.open(account, ctx.connectors.get(account.platform)?.tokens);
      outcome = await withTimeout(
        publisher.publish({
          accountId: account.id,
          credentials,
          targetId: target.id,
          post: content,
          mediaUrls: [],
          readMedia: () => Promise.reject(new Error('media upload is not available yet')),
        }),
      );
    } catch (error) {
      outcome = {
        state: 'unconfirmed',
        reason: `No clear answer from ${target.platform}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    await record(target.id, outcome);
  };

  async function record(targetId: string, outcome: PublishOutcome): Promise<void> {
    switch (outcome.state) {
      case 'published':
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'published',
          remoteId: outcome.remoteId,
          remoteUrl: outcome.url ?? null,
          lastError: null,
        });
        return;
      case 'processing': {
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'publishing',
          remoteId: outcome.remoteId,
        });
        const row = await outboxRepo.insert(ctx.db, {
          name: 'post.publish',
          data: { targetId, dueAt: Date.now() + outcome.checkAfterMs, check: true },
        });
        await ctx.relay.dispatchSoon([row]);
        return;
      }
      case 'failed':
        if (outcome.retry) {
          // Refused for now (a rate limit, the platform down): try again in five minutes.
          const at = new Date(Date.now() + 5 * 60_000);
          at.setUTCMilliseconds(0);
          await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
            state: 'scheduled',
            scheduledAt: at,
            lastError: outcome.reason,
          });
          const row = await outboxRepo.insert(
            ctx.db,
            { name: 'post.publish', data: { targetId, dueAt: at.getTime() } },
            { holdUntil: at },
          );
          await ctx.relay.dispatchSoon([row]);
          return;
        }
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'failed',
          lastError: outcome.reason,
        });
        return;
      case 'unconfirmed':
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'unconfirmed',
          lastError: outcome.reason,
        });
        return;
    }
  }

  async function checkStatus(targetId: string): Promise<void> {
    const target = await postTargetsRepo.findById(ctx.db, targetId);
    if (!target || target.state !== 'publishing' || !target.remoteId) return;
    const account = await accountsRepo.findById(ctx.db, target.accountId);
    const publisher = ctx.publishers.get(target.platform);
    if (!account || !publisher) return;
    const credentials = await ctx.credentials.open(account, ctx.connectors.get(account.platform)?.tokens);
    await record(target.id, await publisher.status(credentials, target.remoteId));
  }
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer in ${PUBLISH_TIMEOUT_MS / 1000} s`)),
      PUBLISH_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
