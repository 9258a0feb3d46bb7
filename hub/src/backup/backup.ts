import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { backupsDir, loadVelvetConfig, type Env } from '@velvet/shared';
import { archiverFor, BackupError, COUNTED, type Counts, type Erasure, type LiveDatabase } from './archivers';
import { gatherLedgers, reapplyErasures } from './erasure-ledger';

export { BackupError } from './archivers';

const run = promisify(execFile);
const FORMAT = 'velvet-backup/1';

export interface BackupManifest {
  format: typeof FORMAT;
  createdAt: string;
  driver: 'postgres' | 'pglite';
  counts: Counts;
  mediaFiles: number;
  /** The erasure ledger: fans erased by then, ids and dates only. */
  erasures: Erasure[];
}

async function fileCount(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

/** `DATA_DIR/backups/velvet-<time>.tar.gz`, where `npm run backup` writes without `--out`. */
export function defaultBackupFile(env: Env, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return path.resolve(env.DATA_DIR, 'backups', `velvet-${stamp}.tar.gz`);
}

/**
 * One compressed file: the database (PostgreSQL: `pg_dump` custom format of one snapshot;
 * embedded: PGlite's data directory archive), the media directory, and a manifest with row
 * counts. Platform credentials stay sealed by VELVET_SECRET, which is not in the backup.
 * `live` is this process's open database (needed for the embedded one while Velvet runs).
 */
export async function createBackup(
  env: Env,
  out?: string,
  live?: LiveDatabase,
): Promise<{ file: string; manifest: BackupManifest }> {
  const archiver = archiverFor(env, live);
  const file = path.resolve(out ?? defaultBackupFile(env));
  await mkdir(path.dirname(file), { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), 'velvet-backup-'));
  try {
    const { counts, erasures } = await archiver.dump(work);
    const media = path.join(work, 'media');
    await mkdir(media);
    if (await stat(env.MEDIA_DIR).catch(() => undefined)) await cp(env.MEDIA_DIR, media, { recursive: true });
    const manifest: BackupManifest = {
      format: FORMAT,
      createdAt: new Date().toISOString(),
      driver: archiver.driver,
      counts,
      mediaFiles: await fileCount(media),
      erasures,
    };
    await writeFile(path.join(work, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    // The manifest first: the ledger of a generation is read without unpacking the rest.
    const rest = (await readdir(work)).filter((name) => name !== 'manifest.json').map((n) => `./${n}`);
    await run('tar', ['-czf', file, '-C', work, './manifest.json', ...rest]);
    return { file, manifest };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * Restores a backup into the configured database and MEDIA_DIR, which must be empty unless
 * `force` (then what is there is replaced), checks the row counts against the manifest, then
 * erases again the fans that the erasure ledger knows of (the other backups in the file's
 * directory and in the backups directory, and the target it replaced).
 */
export async function restoreBackup(
  env: Env,
  file: string,
  force = false,
): Promise<{ manifest: BackupManifest; reapplied: number }> {
  const archiver = archiverFor(env);
  const work = await mkdtemp(path.join(os.tmpdir(), 'velvet-restore-'));
  try {
    await run('tar', ['-xzf', path.resolve(file), '-C', work]).catch(() => {
      throw new BackupError(`${file} is not a Velvet backup (cannot be read as .tar.gz)`);
    });
    const manifest = JSON.parse(
      await readFile(path.join(work, 'manifest.json'), 'utf8').catch(() => '{}'),
    ) as BackupManifest;
    if (manifest.format !== FORMAT) throw new BackupError(`${file} is not a Velvet backup (no manifest)`);
    if (manifest.driver !== archiver.driver) {
      throw new BackupError(
        manifest.driver === 'postgres'
          ? 'This backup holds a PostgreSQL dump: set DATABASE_URL to restore it'
          : 'This backup holds the embedded database: unset DATABASE_URL to restore it into DATA_DIR',
      );
    }
    if (!force && (await archiver.inUse())) {
      throw new BackupError(
        'The database is not empty: restore into an empty one, or pass --force to replace it',
      );
    }
    if (!force && (await fileCount(env.MEDIA_DIR)) > 0) {
      throw new BackupError(`${env.MEDIA_DIR} is not empty: pass --force to replace it`);
    }
    const ledger = await gatherLedgers(
      [path.dirname(path.resolve(file)), backupsDir(loadVelvetConfig(env.VELVET_CONFIG), env.DATA_DIR)],
      force ? await archiver.erasures() : [],
    );
    await archiver.restore(work, force);
    if (force) await rm(env.MEDIA_DIR, { recursive: true, force: true });
    await mkdir(env.MEDIA_DIR, { recursive: true });
    await cp(path.join(work, 'media'), env.MEDIA_DIR, { recursive: true });

    const counts = await archiver.counts();
    const differs = COUNTED.filter((t) => counts[t] !== manifest.counts[t]);
    if (differs.length > 0) throw new BackupError(`Restored row counts differ for ${differs.join(', ')}`);
    return { manifest, reapplied: await reapplyErasures(env, ledger) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
