import { metricsRepo } from '@velvet/shared';
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
  const timer = setInterval(() => {
    check().catch((error: unknown) => ctx.logger.warn({ err: error }, 'response time check failed'));
  }, check_every);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
