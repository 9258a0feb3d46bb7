import { rm } from 'node:fs/promises';
import path from 'node:path';
import { applyRetention, auditRepo } from '@velvet/shared';
import type { WorkerContext } from './context';

/** The workers look at least this often whether a run is due. */
const MAX_TICK_MS = 3_600_000;

/**
 * The retention policy's daily job: whichever worker first claims the period in Redis runs
 * it, deletes the uploads it released, and reports what it anonymised in the activity log.
 */
export function watchRetention(ctx: WorkerContext): { stop(): void; run(): Promise<void> } {
  const policy = ctx.config.retention;
  const mediaDir = path.resolve(ctx.mediaDir);
  const run = async () => {
    const report = await applyRetention(ctx.db, policy, ctx.now());
    let files = 0;
    for (const key of report.mediaKeys) {
      const file = path.resolve(mediaDir, key);
      if (!file.startsWith(mediaDir + path.sep)) continue;
      await rm(file, { force: true });
      files++;
    }
    const { mediaKeys: _released, ...counts } = report;
    await auditRepo.automation(ctx.db, {
      action: 'retention.apply',
      targetType: 'retention',
      data: { ...counts, mediaFiles: files },
    });
    ctx.logger.info({ retention: { ...counts, mediaFiles: files } }, 'retention applied');
  };
  const tick = async () => {
    const key = `${ctx.redisPrefix}:retention:claimed`;
    if ((await ctx.connection.set(key, ctx.now().toISOString(), 'PX', policy.every, 'NX')) !== 'OK') return;
    await run();
  };
  const enabled =
    policy.inactive_fan_messages !== null ||
    policy.unsent_drafts !== null ||
    policy.raw_payloads !== null ||
    policy.read_notifications !== null;
  const timer = enabled
    ? setInterval(
        () => void tick().catch((error: unknown) => ctx.logger.warn({ err: error }, 'retention run failed')),
        Math.min(policy.every, MAX_TICK_MS),
      )
    : undefined;
  timer?.unref();
  return { stop: () => clearInterval(timer), run };
}
