import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { DelayedError, type Job as BullJob } from 'bullmq';
import {
  accountsRepo,
  outboxRepo,
  PlatformError,
  postsRepo,
  postTargetsRepo,
  postProblems,
  signMediaUrl,
  type AccountRecord,
  type JobData,
  type PostTargetRecord,
} from '@velvet/shared';
import type { LocateOutcome, Publisher, PublishOutcome } from '@velvet/platforms';
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
  return async function postPublish(job: BullJob<JobData<'post.publish'>>, token?: string): Promise<void> {
    const { targetId, dueAt } = job.data;
    const target = await postTargetsRepo.findById(ctx.db, targetId);
    if (!target) return;
    if (job.data.check) return checkStatus(target, job.data.attempt ?? 1);
    if (target.state === 'publishing' && !target.remoteId && target.scheduledAt?.getTime() === dueAt) {
      // This job already claimed it and stopped before recording the outcome.
      return interrupted(target.id, 1);
    }
    if (target.state !== 'scheduled' || target.scheduledAt?.getTime() !== dueAt) return;
    if (dueAt > Date.now() + 1000 && token) {
      await job.moveToDelayed(dueAt, token);
      throw new DelayedError();
    }
    const claimed = await postTargetsRepo.claim(ctx.db, target.id, new Date(dueAt));
    if (!claimed) return;
    await record(target.id, await publishClaimed(claimed), 1);
  };

  /** Publishes a target this worker holds (`publishing`), or says why it cannot. */
  async function publishClaimed(target: PostTargetRecord): Promise<PublishOutcome> {
    const post = await postsRepo.findById(ctx.db, target.postId);
    const account = await accountsRepo.findById(ctx.db, target.accountId);
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
      // Nothing was sent yet: a refused refresh needs a human, anything else is tried again.
      const permanent = error instanceof PlatformError && error.kind === 'permanent';
      return { state: 'failed', reason: errorText(error), retry: !permanent };
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
          readMedia: (index) => readLibraryFile(ctx.mediaDir, files[index]?.storageKey),
        }),
      );
      killPoint('publish:after-call');
      if (outcome.state === 'failed' && outcome.kind === 'refresh_token')
        await ctx.credentials.markStale(account.id);
      return outcome;
    } catch (error) {
      return {
        state: 'unconfirmed',
        reason: `No clear answer from ${target.platform}: ${error instanceof Error ? error.message : String(error)}`,
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
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'published',
          remoteId: outcome.remoteId,
          remoteUrl: outcome.url ?? null,
          lastError: null,
        });
        return;
      case 'processing':
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'publishing',
          remoteId: outcome.remoteId,
        });
        return later(targetId, { dueAt: Date.now() + outcome.checkAfterMs, check: true });
      case 'failed':
        if (outcome.retry) {
          // Refused for now (a rate limit, the platform down, a token to refresh): try again later.
          const wait = outcome.retryAfterMs ?? (outcome.kind === 'refresh_token' ? 5_000 : 5 * 60_000);
          const at = new Date(Date.now() + wait);
          at.setUTCMilliseconds(0);
          await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
            state: 'scheduled',
            scheduledAt: at,
            lastError: outcome.reason,
          });
          return later(targetId, { dueAt: at.getTime() });
        }
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'failed',
          lastError: outcome.reason,
        });
        return;
      case 'absent':
        // Only `locate` answers this, and it is handled where it is asked.
        return;
      case 'unconfirmed':
        await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
          state: 'unconfirmed',
          lastError: outcome.reason,
        });
        return settleLater(targetId, attempt);
    }
  }

  /** A worker died holding the target: nobody knows whether the platform got the post. */
  async function interrupted(targetId: string, attempt: number) {
    await postTargetsRepo.settle(ctx.db, targetId, 'publishing', {
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
      await postTargetsRepo.settle(ctx.db, targetId, 'unconfirmed', {
        state: 'unconfirmed',
        lastError: `${target.lastError ?? 'Unknown outcome'} — ${target.platform} gave no clear answer: check there whether the post is live`,
      });
      return;
    }
    await later(targetId, { dueAt: Date.now() + SETTLE_AFTER_MS * attempt, check: true, attempt });
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
    if (!(await postTargetsRepo.settle(ctx.db, target.id, 'unconfirmed', { state: 'publishing' }))) return;
    let found: LocateOutcome;
    try {
      found = await withTimeout(publisher.locate(await credentialsOf(account), target.id));
    } catch (error) {
      found = {
        state: 'unconfirmed',
        reason: `${target.platform} did not say whether the post is there: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
    if (found.state === 'absent') return record(target.id, await publishClaimed(target), attempt + 1);
    await record(target.id, found, attempt + 1);
  }
}

/** The bytes of a library file under MEDIA_DIR (keys are written by the hub, checked again here). */
async function readLibraryFile(mediaDir: string, key: string | undefined): Promise<Buffer> {
  if (!key || key.includes('..') || !/^[a-z0-9][a-z0-9/_.-]*$/i.test(key))
    throw new Error('this media item is not in the library');
  return readFile(path.join(mediaDir, key));
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
