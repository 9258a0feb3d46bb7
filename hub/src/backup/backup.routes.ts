import { createReadStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { z } from 'zod';
import { auditRepo, BACKUP_NAME, backupsDir, listBackups, NotFound } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { parseBody } from '../http/validate';

const nameParams = z.strictObject({
  name: z
    .string()
    .max(100)
    .regex(BACKUP_NAME, 'must be a backup name like velvet-2026-01-31T02-00-00-000Z.tar.gz'),
});

/** The scheduled backups: what is kept, how the last run went, and one file to download (admins). */
export function backupRoutes(ctx: HubContext): Router {
  const router = Router();
  const dir = () => backupsDir(ctx.config, ctx.env.DATA_DIR);

  router.get('/backups', async (req, res) => {
    authorize(actorOf(req), 'backup:read');
    const policy = ctx.config.backups;
    const last = await auditRepo.newestOf(ctx.db, ['backup.done', 'backup.failed']);
    const data = (last?.data ?? {}) as { name?: string; size?: number; durationMs?: number; error?: string };
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      backups: await listBackups(dir()),
      last: last
        ? {
            at: last.createdAt.toISOString(),
            ok: last.action === 'backup.done',
            ...(last.action === 'backup.done'
              ? { name: data.name, size: data.size, durationMs: data.durationMs }
              : { error: data.error ?? 'unknown error' }),
          }
        : null,
      schedule: {
        enabled: policy.enabled,
        everyMs: policy.every,
        keep: policy.keep,
        // The embedded database is copied by the process that holds it, through its connection.
        supported: ctx.database.driver === 'postgres' || ctx.database.dumpLive !== undefined,
      },
    });
  });

  router.get('/backups/:name', async (req, res) => {
    const actor = actorOf(req);
    authorize(actor, 'backup:read');
    const { name } = parseBody(nameParams, { name: req.params.name });
    // Served only if the listing has it: the name never builds a path on its own.
    const listed = (await listBackups(dir())).find((b) => b.name === name);
    if (!listed) throw new NotFound('Backup');
    await auditRepo.record(ctx.db, {
      actorId: actor.id,
      action: 'backup.download',
      targetType: 'backup',
      targetId: listed.name,
      data: { size: listed.size },
      ip: req.ip ?? null,
    });
    res.status(200);
    res.setHeader('Content-Type', 'application/gzip');
    res.setHeader('Content-Length', String(listed.size));
    res.setHeader('Content-Disposition', `attachment; filename="${listed.name}"`);
    res.setHeader('Cache-Control', 'no-store');
    await pipeline(createReadStream(path.join(dir(), listed.name)), res).catch((error: unknown) => {
      req.log?.warn({ err: error }, 'backup download ended early');
      res.destroy();
    });
  });

  return router;
}
