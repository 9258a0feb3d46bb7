import { metricsRepo, salesMetricsRepo } from '@velvet/shared';
import type { WorkerContext } from './context';

/**
 * Every few seconds, alerts supervisors of a creator whose replies are slower than the
 * configured p90 (30 s by default), at most once per window and creator across workers.
 */
export function watchResponseTimes(ctx: WorkerContext): { stop(): void } {
  const { response_time, response_time_window, check_every } = ctx.config.alerts;
  const check = async () => {
    const slow = await metricsRepo.slowCreators(
      ctx.db,
      Math.ceil(response_time_window / 60_000),
      response_time,
    );
    for (const { creatorId, p90 } of slow) {
      const key = `${ctx.redisPrefix}:alert:response_time:${creatorId}`;
      if ((await ctx.connection.set(key, '1', 'PX', response_time_window, 'NX')) !== 'OK') continue;
      await ctx.publisher.emit({ creatorId }, 'alert', {
        kind: 'response_time',
        severity: 'warning',
        message: `Replies take ${Math.round(p90 / 1000)} s at p90 (goal ${Math.round(response_time / 1000)} s).`,
        creatorId,
        at: ctx.now().toISOString(),
      });
    }
  };
  // Seed: fewer than 5% of offers paid over the window (with enough offers to judge).
  const conversion = ctx.config.alerts.conversion;
  const checkConversion = async () => {
    const since = new Date(ctx.now().getTime() - conversion.window);
    for (const row of await salesMetricsRepo.conversionByCreator(ctx.db, since)) {
      if (row.offers < conversion.min_offers || row.purchases / row.offers >= conversion.below) continue;
      const key = `${ctx.redisPrefix}:alert:conversion:${row.creatorId}`;
      if ((await ctx.connection.set(key, '1', 'PX', Math.min(conversion.window, 3_600_000), 'NX')) !== 'OK')
        continue;
      const rate = ((row.purchases / row.offers) * 100).toFixed(1);
      await ctx.publisher.emit({ creatorId: row.creatorId }, 'alert', {
        kind: 'conversion',
        severity: 'warning',
        message: `Conversion is ${rate}% (${row.purchases} of ${row.offers} offers paid), below ${conversion.below * 100}%.`,
        creatorId: row.creatorId,
        at: ctx.now().toISOString(),
      });
    }
  };
  const timer = setInterval(() => {
    checkConversion().catch((error: unknown) => ctx.logger.warn({ err: error }, 'conversion check failed'));
    check().catch((error: unknown) => ctx.logger.warn({ err: error }, 'response time check failed'));
  }, check_every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
