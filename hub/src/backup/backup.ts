import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Env } from '@velvet/shared';

const run = promisify(execFile);
const FORMAT = 'velvet-backup/1';

/** The tables whose row counts a backup records and a restore checks. */
const COUNTED = [
  'users',
  'creators',
  'platform_accounts',
  'fans',
  'conversations',
  'messages',
  'drafts',
  'packs',
  'offers',
  'purchases',
  'follow_ups',
  'audit_log',
] as const;

export interface BackupManifest {
  format: typeof FORMAT;
  createdAt: string;
  driver: 'postgres';
  counts: Record<string, number>;
  mediaFiles: number;
}

export class BackupError extends Error {
  override name = 'BackupError';
}

function databaseUrl(env: Env): string {
  if (!env.DATABASE_URL) {
    throw new BackupError(
      'Backups need DATABASE_URL (PostgreSQL); the embedded PGlite shape is not supported yet',
    );
  }
  return env.DATABASE_URL;
}

async function countRows(client: pg.Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of COUNTED) {
    const result = await client.query<{ n: number }>(`select count(*)::int as n from ${table}`);
    counts[table] = result.rows[0]!.n;
  }
  return counts;
}

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function fileCount(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

/**
 * One compressed file: the database as `pg_dump` custom format (one consistent snapshot;
 * platform credentials stay sealed by VELVET_SECRET, which is not in the backup), the
 * media directory, and a manifest with row counts. Returns the file written.
 */
export async function createBackup(
  env: Env,
  out?: string,
): Promise<{ file: string; manifest: BackupManifest }> {
  const url = databaseUrl(env);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = path.resolve(out ?? path.join(env.DATA_DIR, 'backups', `velvet-${stamp}.tar.gz`));
  await mkdir(path.dirname(file), { recursive: true });
  const work = await mkdtemp(path.join(os.tmpdir(), 'velvet-backup-'));
  try {
    // The counts and the dump read one snapshot, so a backup taken while webhooks arrive
    // restores to exactly what the manifest says.
    const counts = await withClient(url, async (client) => {
      await client.query('begin isolation level repeatable read read only');
      const [{ snapshot }] = (
        await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot')
      ).rows as [{ snapshot: string }];
      const counted = await countRows(client);
      await run('pg_dump', [
        '--format=custom',
        '--no-owner',
        '--no-privileges',
        `--snapshot=${snapshot}`,
        '--file',
        path.join(work, 'db.dump'),
        url,
      ]);
      await client.query('commit');
      return counted;
    });
    const media = path.join(work, 'media');
    await mkdir(media);
    if (await stat(env.MEDIA_DIR).catch(() => undefined)) await cp(env.MEDIA_DIR, media, { recursive: true });
    const manifest: BackupManifest = {
      format: FORMAT,
      createdAt: new Date().toISOString(),
      driver: 'postgres',
      counts,
      mediaFiles: await fileCount(media),
    };
    await writeFile(path.join(work, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    await run('tar', ['-czf', file, '-C', work, 'manifest.json', 'db.dump', 'media']);
    return { file, manifest };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Whether the database already holds Velvet's (or any) tables. */
async function databaseInUse(url: string): Promise<boolean> {
  return withClient(url, async (client) => {
    const result = await client.query(
      `select 1 from information_schema.tables
        where table_schema not in ('pg_catalog', 'information_schema') limit 1`,
    );
    return result.rows.length > 0;
  });
}

/**
 * Restores a backup into the configured database and MEDIA_DIR, which must be empty unless
 * `force` (then what is there is replaced). Checks the restored row counts against the
 * manifest.
 */
export async function restoreBackup(env: Env, file: string, force = false): Promise<BackupManifest> {
  const url = databaseUrl(env);
  const work = await mkdtemp(path.join(os.tmpdir(), 'velvet-restore-'));
  try {
    await run('tar', ['-xzf', path.resolve(file), '-C', work]).catch(() => {
      throw new BackupError(`${file} is not a Velvet backup (cannot be read as .tar.gz)`);
    });
    const manifest = JSON.parse(
      await readFile(path.join(work, 'manifest.json'), 'utf8').catch(() => '{}'),
    ) as BackupManifest;
    if (manifest.format !== FORMAT) throw new BackupError(`${file} is not a Velvet backup (no manifest)`);

    const mediaInUse = (await fileCount(env.MEDIA_DIR)) > 0;
    if (!force && (await databaseInUse(url))) {
      throw new BackupError(
        'The database is not empty: restore into an empty one, or pass --force to replace it',
      );
    }
    if (!force && mediaInUse) {
      throw new BackupError(`${env.MEDIA_DIR} is not empty: pass --force to replace it`);
    }
    await run('pg_restore', [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      ...(force ? ['--clean', '--if-exists'] : []),
      '--dbname',
      url,
      path.join(work, 'db.dump'),
    ]).catch((error: { stderr?: string }) => {
      throw new BackupError(`pg_restore failed: ${error.stderr?.trim() ?? String(error)}`);
    });
    if (force) await rm(env.MEDIA_DIR, { recursive: true, force: true });
    await mkdir(env.MEDIA_DIR, { recursive: true });
    await cp(path.join(work, 'media'), env.MEDIA_DIR, { recursive: true });

    const counts = await withClient(url, countRows);
    const differs = COUNTED.filter((t) => counts[t] !== manifest.counts[t]);
    if (differs.length > 0) throw new BackupError(`Restored row counts differ for ${differs.join(', ')}`);
    return manifest;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
