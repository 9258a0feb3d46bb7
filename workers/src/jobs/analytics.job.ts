import { accountsRepo, analyticsRepo, type AccountRecord } from '@velvet/shared';
import type { WorkerContext } from '../context';
import type { Handler } from '../registry';

const DAY_MS = 86_400_000;

/**
 * The analytics collector, run by its job scheduler every `analytics.collect_every`:
 * 1. once a day (whichever worker comes first): `post_metrics`' monthly partitions ahead and
 *    the raw snapshots past `raw_months` dropped; each connected account's followers read
 *    once a day (a failed read is tried again on the next run);
 * 2. the published targets that are due (hourly for 48 h, daily to 30 days, then weekly) have
 *    their counters read through their publisher's `metrics()`, at most `calls_per_minute`
 *    per account across every worker. A refusal or an unreachable platform reschedules the
 *    read sooner; nothing leaves the schedule but a deleted target.
 * 3. the creators read have their purchases credited to posts (promo code, chat sale soon after).
 */
export function createAnalyticsCollect(ctx: WorkerContext): Handler<'analytics.collect'> {
  const settings = () => ctx.config.analytics;

  /** One slot of the account's per-minute budget, shared by every worker through Redis. */
  async function takeSlot(accountId: string): Promise<boolean> {
    const minute = Math.floor(ctx.now().getTime() / 60_000);
    const key = `${ctx.redisPrefix}:analytics:calls:${accountId}:${minute}`;
    const used = await ctx.connection.incr(key);
    if (used === 1) await ctx.connection.pexpire(key, 120_000);
    return used <= settings().calls_per_minute;
  }

  /** Once a day, whichever worker comes first: partitions ahead, retention. */
  async function upkeep(now: Date): Promise<void> {
    const key = `${ctx.redisPrefix}:analytics:upkeep:${now.toISOString().slice(0, 10)}`;
    if ((await ctx.connection.set(key, '1', 'PX', 2 * DAY_MS, 'NX')) !== 'OK') return;
    await analyticsRepo.ensurePartitions(ctx.db, { now, monthsAhead: settings().partitions_ahead });
    const dropped = await analyticsRepo.dropExpiredPartitions(ctx.db, {
      now,
      keepMonths: settings().raw_months,
    });
    if (dropped.length) ctx.logger.info({ dropped }, 'analytics: raw metric partitions dropped');
  }

  /** Each connected account's followers once a day (an account connected today is read at once). */
  async function readAccounts(now: Date): Promise<void> {
    const platforms = ctx.publishers
      .list()
      .filter((p) => p.accountMetrics)
      .map((p) => p.platform);
    for (const id of await analyticsRepo.accountsDue(ctx.db, { now, platforms })) {
      const account = await accountsRepo.findById(ctx.db, id);
      if (account) await readAccount(account, now);
    }
  }

  async function readAccount(account: AccountRecord, now: Date): Promise<void> {
    const publisher = ctx.publishers.get(account.platform);
    if (!publisher?.accountMetrics || account.status !== 'active') return;
    if (!(await takeSlot(account.id))) return;
    try {
      const credentials = await ctx.credentials.open(
        account,
        ctx.connectors.account(account.platform)?.tokens,
      );
      const figures = await publisher.accountMetrics(credentials);
      await analyticsRepo.recordAccount(ctx.db, {
        accountId: account.id,
        creatorId: account.creatorId,
        platform: account.platform,
        capturedAt: now,
        followers: figures.followers,
        ...(figures.geography ? { geography: figures.geography } : {}),
      });
    } catch (error) {
      ctx.logger.warn({ err: error, accountId: account.id }, 'analytics: account figures not read');
    }
  }

  return async () => {
    const now = ctx.now();
    await upkeep(now);
    await readAccounts(now);
    const due = await analyticsRepo.due(ctx.db, { now, limit: settings().batch });
    const accounts = new Map<string, AccountRecord | undefined>();
    const creators = new Set<string>();
    for (const target of due) {
      const publisher = ctx.publishers.get(target.platform);
      if (!accounts.has(target.accountId))
        accounts.set(target.accountId, await accountsRepo.findById(ctx.db, target.accountId));
      const account = accounts.get(target.accountId);
      const publishedAt = new Date(target.publishedAt);
      if (!publisher?.metrics || !account || account.status !== 'active') {
        // Nothing to ask now (no metrics on this platform, account disconnected): keep the
        // schedule and look again later, the regular way.
        await analyticsRepo.reschedule(ctx.db, {
          targetId: target.targetId,
          publishedAt,
          now,
          ...(publisher?.metrics ? { error: 'The account is not connected' } : {}),
        });
        continue;
      }
      // Over the account's budget this minute: left due, read on a later run.
      if (!(await takeSlot(account.id))) continue;
      try {
        const credentials = await ctx.credentials.open(
          account,
          ctx.connectors.account(account.platform)?.tokens,
        );
        const metrics = await publisher.metrics(credentials, target.remoteId);
        await analyticsRepo.recordSnapshot(ctx.db, {
          targetId: target.targetId,
          creatorId: target.creatorId,
          platform: target.platform,
          kind: target.kind,
          publishedAt,
          capturedAt: now,
          metrics,
        });
        await analyticsRepo.reschedule(ctx.db, { targetId: target.targetId, publishedAt, now });
        creators.add(target.creatorId);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        await analyticsRepo.reschedule(ctx.db, {
          targetId: target.targetId,
          publishedAt,
          now,
          error: message,
        });
        ctx.logger.warn({ err: error, targetId: target.targetId }, 'analytics: post figures not read');
      }
    }
    const windowHours = Math.round(settings().chat_window / 3600_000);
    for (const creatorId of creators)
      await analyticsRepo.attributeConversions(ctx.db, { creatorId, windowHours });
  };
}
