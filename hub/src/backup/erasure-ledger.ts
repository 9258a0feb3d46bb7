import { execFile } from 'node:child_process';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { auditRepo, openDatabase, type Env } from '@velvet/shared';
import { eraseFanRows } from '../fans/fan-erase.query';
import type { Erasure } from './archivers';

const run = promisify(execFile);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The erasure ledger: every backup's manifest lists the fans erased by then (ids and dates,
 * nothing erased). A restore of an older generation re-applies the erasures it finds in the
 * newer generations beside it and in the target it replaces, so an old backup never brings
 * an erased fan back.
 */
export async function readLedger(file: string): Promise<Erasure[]> {
  // The manifest is the archive's first member: `--occurrence` stops reading there.
  const { stdout } = await run('tar', ['-xzOf', file, '--occurrence=1', './manifest.json'], {
    maxBuffer: 64 * 1024 * 1024,
  }).catch(() => ({ stdout: '' }));
  try {
    const manifest = JSON.parse(stdout) as { erasures?: Erasure[] };
    return Array.isArray(manifest.erasures) ? manifest.erasures : [];
  } catch {
    return [];
  }
}

/** The ledgers of every `.tar.gz` in these directories, one entry per fan (the earliest date). */
export async function gatherLedgers(dirs: string[], known: Erasure[]): Promise<Erasure[]> {
  const byFan = new Map<string, string>();
  const add = (e: Erasure) => {
    // A manifest is read back from a file: only well-formed entries reach the database.
    if (!UUID.test(String(e?.fanId)) || Number.isNaN(Date.parse(String(e?.at)))) return;
    const seen = byFan.get(e.fanId);
    if (!seen || e.at < seen) byFan.set(e.fanId, e.at);
  };
  known.forEach(add);
  for (const dir of new Set(dirs.map((d) => path.resolve(d)))) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => n.endsWith('.tar.gz'))) {
      (await readLedger(path.join(dir, name))).forEach(add);
    }
  }
  return [...byFan].map(([fanId, at]) => ({ fanId, at }));
}

/**
 * Erases again, in the restored database, each ledger fan it still holds un-erased (rows as
 * `POST /api/fans/:id/erase` does, and their files in MEDIA_DIR). The activity log says so
 * with counts only. Queues and Redis are not in a backup: nothing to clean there.
 */
export async function reapplyErasures(env: Env, ledger: Erasure[]): Promise<number> {
  if (ledger.length === 0) return 0;
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  const mediaDir = path.resolve(env.MEDIA_DIR);
  let erased = 0;
  try {
    for (const { fanId, at } of ledger) {
      const result = await database.db.transaction(async (tx) => {
        const rows = await eraseFanRows(tx, fanId, new Date(at));
        if (!rows) return undefined;
        await auditRepo.record(tx, {
          actorId: null,
          action: 'fan.erase.reapplied',
          targetType: 'fan',
          targetId: fanId,
          data: { erasedAt: at, conversations: rows.conversationIds.length, messages: rows.messages },
        });
        return rows;
      });
      if (!result) continue;
      erased++;
      for (const key of result.mediaKeys) {
        const file = path.resolve(mediaDir, key);
        if (file.startsWith(mediaDir + path.sep)) await rm(file, { force: true });
      }
    }
  } finally {
    await database.close();
  }
  return erased;
}
