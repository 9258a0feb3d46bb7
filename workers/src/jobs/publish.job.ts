import { DelayedError, type Job as BullJob } from 'bullmq';
import {
  accountsRepo,
  createAccountAttention,
  outboxRepo,
  PlatformError,
  postsRepo,
  postTargetsRepo,
  postProblems,
  presentPostUpdate,
  signMediaUrl,
  type AccountRecord,
  type MovedTarget,
  type JobData,
  type MediaStore,
  type PostTargetRecord,
} from '@velvet/shared';
import type { LocateHint, LocateOutcome, Publisher, PublishOutcome } from '@velvet/platforms';
import type { WorkerContext } from '../context';
import { killPoint } from '../kill-point';

/** A publish call that has not answered by then has an unknown outcome. */
const PUBLISH_TIMEOUT_MS = 60_000;
/** How long a signed media address lets a platform fetch the file (Instagram fetches while processing). */
const MEDIA_URL_TTL_MS = 2 * 60 * 60_000;
/** How long after an unknown outcome the platform is asked whether the post is there. */
const SETTLE_AFTER_MS = 3_000;
/** Asking that many times without a clear answer leaves the target to a human. */
const SETTLE_ATTEMPTS = 5;

/**
 * A due post target. Publishing late is acceptable, twice never: the target is claimed
 * (`scheduled` → `publishing`) before the platform is called, and a target found already
 * `publishing` — a worker died during the call — is never published again blindly: it becomes
 * `unconfirmed`, and the platform is asked (`Publisher.locate`) whether the post is there. Only
 * a proven absence publishes it again; a platform that cannot be asked leaves it to a human.
 * A refused post fails with the platform's reason; a transient refusal is scheduled again; a
 * post the platform is still processing is asked about later.
 */
export function createPostPublish(ctx: WorkerContext) {
  const needsAttention = createAccountAttention({
    db: ctx.db,
    logger: ctx.logger,
    now: () => new Date(),
    publisher: ctx.publisher,
  });

  return async function postPublish(job: BullJob<JobData<'post.publish'>>, token?: string): Promise<void> {
    const { targetId, dueAt } = job.data;
    if (!job.data.check) {
      if (dueAt > Date.now() + 1000 && token) {
        await job.moveToDelayed(dueAt, token);
        throw new DelayedError();
      }
      // The usual case first, in one statement: still scheduled for this time, so take it.
      const claimed = announce(await postTargetsRepo.claim(ctx.db, targetId, new Date(dueAt)));
      if (claimed) return record(targetId, await publishClaimed(claimed), 1);
    }
    const target = await postTargetsRepo.findById(ctx.db, targetId);
    if (!target) return;
    if (job.data.check) return checkStatus(target, job.data.attempt ?? 1);
    if (target.state === 'publishing' && !target.remoteId && target.scheduledAt?.getTime() === dueAt) {
      // This job already claimed it and stopped before recording the outcome.
      return interrupted(target.id, 1);
    }
    // Moved, unscheduled, cancelled or done meanwhile: this job has nothing to do.
  };

  /** Tells the creator's calendars that a target moved (after its commit); never fails the job. */
  function announce(moved: MovedTarget | undefined): MovedTarget | undefined {
    if (moved)
      void ctx.publisher
        .emit({ publishing: moved.creatorId }, 'post:update', presentPostUpdate(moved, moved.creatorId))
        .catch((error: unknown) =>
          ctx.logger.warn({ err: error, targetId: moved.id }, 'post:update not sent'),
        );
    return moved;
  }

  /** Moves a target this worker holds (`from`) to the outcome, and says so. */
  async function settleTarget(
    targetId: string,
    from: 'publishing' | 'unconfirmed',
    outcome: Parameters<typeof postTargetsRepo.settle>[3],
  ) {
    return announce(await postTargetsRepo.settle(ctx.db, targetId, from, outcome));
  }

  /** Publishes a target this worker holds (`publishing`), or says why it cannot. */
  async function publishClaimed(target: PostTargetRecord): Promise<PublishOutcome> {
    const [post, account] = await Promise.all([
      postsRepo.findById(ctx.db, target.postId),
      accountsRepo.findById(ctx.db, target.accountId),
    ]);
    const publisher = ctx.publishers.get(target.platform);
    if (!post || !account)
      return { state: 'failed', reason: 'The post or its account was deleted', retry: false };
    if (!publisher)
      return { state: 'failed', reason: `Velvet cannot publish to ${target.platform}`, retry: false };
    if (account.status === 'disconnected')
      return { state: 'failed', reason: 'The account is disconnected: reconnect it', retry: false };
    if (account.status === 'needs_attention')
      return {
        state: 'failed',
        reason: 'The account needs attention (its access was refused): reconnect it, then schedule again',
        retry: false,
      };
    const media = await postsRepo.media(ctx.db, post.creatorId, post.mediaIds);
    const { content, problems } = postProblems(post, target.platform, media, publisher.rules);
    if (problems.length)
      return { state: 'failed', reason: problems.map((p) => p.message).join('; '), retry: false };
    const files = post.mediaIds.flatMap((id) => media.filter((m) => m.id === id));
    const urlsExpire = new Date(Date.now() + MEDIA_URL_TTL_MS);

    let credentials: Record<string, unknown>;
    try {
      credentials = await credentialsOf(account);
    } catch (error) {
      // Nothing was sent: a refused refresh (reconnect the account) fails, a blip retries.
      const final = error instanceof PlatformError && error.kind === 'permanent';
      return {
        state: 'failed',
        reason: errorText(error),
        retry: !final,
        kind: final ? 'disconnect' : 'retry',
      };
    }
    try {
      killPoint('publish:before-call');
      const outcome = await withTimeout(
        publisher.publish({
          accountId: account.id,
          credentials,
          targetId: target.id,
          post: content,
          mediaUrls: files.map((f) => signMediaUrl(ctx.publicUrl, ctx.secrets.mediaUrlKey, f.id, urlsExpire)),
          readMedia: (index) => readLibraryFile(ctx.library, files[index]?.storageKey),
        }),
      );
      killPoint('publish:after-call');
      if (outcome.state === 'failed' && outcome.kind === 'refresh_token')
        await ctx.credentials.markStale(account.id);
      if (outcome.state === 'failed' && outcome.kind === 'disconnect') {
        // The platform refused the account itself (a revoked key, an unknown account): it
        // shows "needs attention" with one alert, and its next posts wait for a reconnect.
        await needsAttention(account, { reason: outcome.reason }).catch((error: unknown) =>
          ctx.logger.warn({ err: error, accountId: account.id }, 'account attention not recorded'),
        );
      }
      return outcome;
    } catch (error) {
      return {
        state: 'unconfirmed',
        reason: `No clear answer from ${target.platform}: ${errorText(error)}`,
      };
    }
  }

  function credentialsOf(account: AccountRecord) {
    return ctx.credentials.open(account, ctx.connectors.account(account.platform)?.tokens);
  }

  async function later(targetId: string, data: { dueAt: number; check?: boolean; attempt?: number }) {
    const row = await outboxRepo.insert(
      ctx.db,
      { name: 'post.publish', data: { targetId, ...data } },
      data.check ? {} : { holdUntil: new Date(data.dueAt) },
    );
    await ctx.relay.dispatchSoon([row]);
  }

  async function record(targetId: string, outcome: LocateOutcome, attempt: number): Promise<void> {
    switch (outcome.state) {
      case 'published':
        await settleTarget(targetId, 'publishing', {
          state: 'published',
          remoteId: outcome.remoteId,
          remoteUrl: outcome.url ?? null,
          lastError: null,
        });
        return;
      case 'processing':
        await settleTarget(targetId, 'publishing', {
          state: 'publishing',
          remoteId: outcome.remoteId,
        });
        return later(targetId, { dueAt: Date.now() + outcome.checkAfterMs, check: true });
      case 'failed':
        if (outcome.retry) {
          // Refused for now (a rate limit, the platform down, a token to refresh): try again later.
          // Not before the platform said its limit reopens (a quota window, X's x-rate-limit-reset).
          const wait = outcome.retryAfterMs ?? (outcome.kind === 'refresh_token' ? 5_000 : 5 * 60_000);
          const at = new Date(Math.max(Date.now() + wait, outcome.retryAt ?? 0));
          at.setUTCMilliseconds(0);
          await settleTarget(targetId, 'publishing', {
            state: 'scheduled',
            scheduledAt: at,
            lastError: outcome.reason,
          });
          return later(targetId, { dueAt: at.getTime() });
        }
        await settleTarget(targetId, 'publishing', {
          state: 'failed',
          lastError: outcome.reason,
        });
        return;
      case 'absent':
        // Only `locate` answers this, and it is handled where it is asked.
        return;
      case 'unconfirmed':
        await settleTarget(targetId, 'publishing', {
          state: 'unconfirmed',
          lastError: outcome.reason,
        });
        return settleLater(targetId, attempt);
    }
  }

  /** A worker died holding the target: nobody knows whether the platform got the post. */
  async function interrupted(targetId: string, attempt: number) {
    await settleTarget(targetId, 'publishing', {
      state: 'unconfirmed',
      lastError: 'Publishing was interrupted: checking on the platform whether the post is there',
    });
    await settleLater(targetId, attempt);
  }

  /** Asks the platform again later, when it can be asked; otherwise a human settles it. */
  async function settleLater(targetId: string, attempt: number) {
    const target = await postTargetsRepo.findById(ctx.db, targetId);
    if (!target || !ctx.publishers.get(target.platform)?.locate) return;
    if (attempt > SETTLE_ATTEMPTS) {
      await settleTarget(targetId, 'unconfirmed', {
        state: 'unconfirmed',
        lastError: `${target.lastError ?? 'Unknown outcome'} — ${target.platform} gave no clear answer: check there whether the post is live`,
      });
      return;
    }
    await later(targetId, { dueAt: Date.now() + SETTLE_AFTER_MS * attempt, check: true, attempt });
  }

  function locateHint(target: PostTargetRecord, publisher: Publisher) {
    return locateHintOf(ctx, target, publisher);
  }

  async function checkStatus(target: PostTargetRecord, attempt: number): Promise<void> {
    const account = await accountsRepo.findById(ctx.db, target.accountId);
    const publisher = ctx.publishers.get(target.platform);
    if (!account || !publisher) return;
    if (target.state === 'publishing' && target.remoteId) {
      // Accepted, still processing on the platform side.
      const credentials = await credentialsOf(account);
      return record(target.id, await publisher.status(credentials, target.remoteId), attempt);
    }
    if (target.state === 'publishing') return interrupted(target.id, attempt + 1);
    if (target.state === 'unconfirmed') return settle(target, publisher, account, attempt);
  }

  /**
   * An unconfirmed target: the platform is asked whether its post is there. Found, it is
   * recorded as published; proven absent, it is published now; no clear answer, asked again.
   */
  async function settle(
    target: PostTargetRecord,
    publisher: Publisher,
    account: AccountRecord,
    attempt: number,
  ) {
    if (!publisher.locate) return;
    // Held while asking, as while publishing: a worker dying here leaves it `publishing` again.
    if (!(await settleTarget(target.id, 'unconfirmed', { state: 'publishing' }))) return;
    let found: LocateOutcome;
    try {
      found = await withTimeout(
        publisher.locate(await credentialsOf(account), target.id, await locateHint(target, publisher)),
      );
    } catch (error) {
      found = {
        state: 'unconfirmed',
        reason: `${target.platform} did not say whether the post is there: ${errorText(error)}`,
      };
    }
    if (found.state === 'absent') return record(target.id, await publishClaimed(target), attempt + 1);
    await record(target.id, found, attempt + 1);
  }
}

/**
 * What a platform that finds posts by their content needs: the content as it was sent, and
 * the earliest time it could have been published (the target's due time).
 */
async function locateHintOf(
  ctx: WorkerContext,
  target: PostTargetRecord,
  publisher: Publisher,
): Promise<LocateHint | undefined> {
  const post = await postsRepo.findById(ctx.db, target.postId);
  if (!post || !target.scheduledAt) return undefined;
  const media = await postsRepo.media(ctx.db, post.creatorId, post.mediaIds);
  const { content } = postProblems(post, target.platform, media, publisher.rules);
  return { post: content, since: target.scheduledAt };
}

/** The bytes of a library file under MEDIA_DIR (keys are written by the hub, checked again here). */
async function readLibraryFile(library: MediaStore, key: string | undefined): Promise<Buffer> {
  if (!key) throw new Error('this media item is not in the library');
  return library.read(key);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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
