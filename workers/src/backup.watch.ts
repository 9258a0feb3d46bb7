import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { auditRepo, backupName, backupsDir, listBackups } from '@velvet/shared';
import type { WorkerContext } from './context';

/** The workers look at least this often whether a backup is due. */
const MAX_TICK_MS = 3_600_000;

/**
 * Scheduled backups: whichever worker first claims the period in Redis writes one backup
 * into the backups directory (under a `.part` name, renamed once complete), then deletes
 * the oldest beyond `keep`. Success is `backup.done` in the activity log; a failure is
 * `backup.failed` there, one critical `backup_failed` alert to admins, and deletes nothing.
 */
export function watchBackups(ctx: WorkerContext): { stop(): void; run(): Promise<void> } {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    const policy = ctx.config.backups;
    const dir = backupsDir(ctx.config, ctx.backups.dataDir);
    const started = Date.now();
    const name = backupName(ctx.now());
    const file = path.join(dir, name);
    const part = `${file}.part`;
    try {
      await mkdir(dir, { recursive: true });
      const { manifest } = await ctx.backups.create(part);
      await rename(part, file);
      const { size } = await stat(file);
      const durationMs = Date.now() - started;
      const deleted: string[] = [];
      for (const old of (await listBackups(dir)).slice(policy.keep)) {
        await rm(path.join(dir, old.name), { force: true });
        deleted.push(old.name);
      }
      const report = { name, size, durationMs, messages: manifest.counts.messages ?? 0, deleted };
      await auditRepo.automation(ctx.db, {
        action: 'backup.done',
        targetType: 'backup',
        data: report,
      });
      ctx.logger.info({ backup: report }, 'backup written');
    } catch (error) {
      await rm(part, { force: true }).catch(() => undefined);
      const reason =
        error instanceof Error
          ? error.message
          : typeof error === 'object' && error !== null
            ? JSON.stringify(error)
            : String(error);
      const durationMs = Date.now() - started;
      ctx.logger.error({ err: error, dir }, 'scheduled backup failed');
      await auditRepo
        .automation(ctx.db, {
          action: 'backup.failed',
          targetType: 'backup',
          data: { name, error: reason, durationMs },
        })
        .catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not record the failed backup'));
      await ctx.publisher.emit({ creatorId: null }, 'alert', {
        kind: 'backup_failed',
        severity: 'critical',
        message: `The scheduled backup failed: ${reason}. Earlier backups are kept.`,
        creatorId: null,
        at: ctx.now().toISOString(),
      });
    } finally {
      running = false;
    }
  };
  const tick = async () => {
    const policy = ctx.config.backups;
    if (!policy.enabled || running) return;
    const key = `${ctx.redisPrefix}:backups:claimed`;
    if ((await ctx.connection.set(key, ctx.now().toISOString(), 'PX', policy.every, 'NX')) !== 'OK') return;
    await run();
  };
  const timer = ctx.config.backups.enabled
    ? setInterval(
        () => void tick().catch((error: unknown) => ctx.logger.warn({ err: error }, 'backup run failed')),
        Math.min(ctx.config.backups.every, MAX_TICK_MS),
      )
    : undefined;
  timer?.unref();
  return { stop: () => clearInterval(timer), run };
}
