import { execFile } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { createGzip } from 'node:zlib';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Database, Env } from '@velvet/shared';

const run = promisify(execFile);

/** The tables whose row counts a backup records and a restore checks. */
export const COUNTED = [
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

export type Counts = Record<string, number>;

/** An erased fan as the ledger keeps it: the id and when, nothing of what was erased. */
export interface Erasure {
  fanId: string;
  at: string;
}

/** What a backup reads from the same snapshot it archives. */
export interface Snapshot {
  counts: Counts;
  erasures: Erasure[];
}

/** The database this process has open, as far as a backup needs it. */
export type LiveDatabase = Pick<Database, 'driver' | 'dumpLive'>;

export class BackupError extends Error {
  override name = 'BackupError';
}

/** One database shape's way to save and load itself, behind the same four calls. */
export interface DatabaseArchiver {
  driver: 'postgres' | 'pglite';
  /** Writes the database into `dir` and returns the row counts and erasures of that same snapshot. */
  dump(dir: string): Promise<Snapshot>;
  /** Whether the target already holds data (a restore then needs `--force`). */
  inUse(): Promise<boolean>;
  /** Loads what `dump` wrote into the target, replacing it when `force`. */
  restore(dir: string, force: boolean): Promise<void>;
  counts(): Promise<Counts>;
  /** The erasure ledger of what the target holds now (none when it is empty). */
  erasures(): Promise<Erasure[]>;
}

type Query = <R>(sql: string) => Promise<{ rows: R[] }>;

async function countWith(query: Query): Promise<Counts> {
  const counts: Counts = {};
  for (const table of COUNTED)
    counts[table] = (await query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0]!.n;
  return counts;
}

async function erasuresWith(query: Query): Promise<Erasure[]> {
  const { rows } = await query<{ id: string; at: string }>(
    `select id::text, to_char(erased_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
       from fans where erased_at is not null order by erased_at, id`,
  );
  return rows.map((r) => ({ fanId: r.id, at: r.at }));
}

const snapshotWith = async (query: Query): Promise<Snapshot> => ({
  counts: await countWith(query),
  erasures: await erasuresWith(query),
});

/** The target's ledger, if it has Velvet's tables at all. */
async function targetErasures(query: Query): Promise<Erasure[]> {
  const { rows } = await query<{ t: string | null }>(`select to_regclass('fans')::text as t`);
  return rows[0]?.t ? erasuresWith(query) : [];
}

/**
 * `live` is the database this process has open: the embedded one can only be copied
 * consistently through it, by the process that owns it.
 */
export function archiverFor(env: Env, live?: LiveDatabase): DatabaseArchiver {
  return env.DATABASE_URL ? postgresArchiver(env.DATABASE_URL) : pgliteArchiver(env.DATA_DIR, live);
}

/** A PostgreSQL client tool's failure, said so that an admin's alert tells what to fix. */
const toolFailed =
  (tool: string) =>
  (error: NodeJS.ErrnoException & { stderr?: string }): never => {
    if (error.code === 'ENOENT') {
      throw new BackupError(
        `${tool} was not found: install the PostgreSQL client tools of the server's version (Debian: postgresql-client)`,
      );
    }
    throw new BackupError(`${tool} failed: ${error.stderr?.trim() || error.message}`);
  };

const pgQuery =
  (client: pg.Client): Query =>
  <R>(sql: string) =>
    client.query(sql).then((result) => ({ rows: result.rows as R[] }));

/** PostgreSQL: `pg_dump` custom format and `pg_restore`, from the Debian client tools. */
function postgresArchiver(url: string): DatabaseArchiver {
  async function withClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await use(client);
    } finally {
      await client.end();
    }
  }
  return {
    driver: 'postgres',
    // The counts and the dump read one exported snapshot, so a backup taken while webhooks
    // arrive restores to exactly what the manifest says.
    dump: (dir) =>
      withClient(async (client) => {
        await client.query('begin isolation level repeatable read read only');
        const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
        const snapshot = await snapshotWith(pgQuery(client));
        await run('pg_dump', [
          '--format=custom',
          '--no-owner',
          '--no-privileges',
          `--snapshot=${rows[0]!.snapshot}`,
          '--file',
          path.join(dir, 'db.dump'),
          url,
        ]).catch(toolFailed('pg_dump'));
        await client.query('commit');
        return snapshot;
      }),
    inUse: () =>
      withClient(async (client) => {
        const result = await client.query(
          `select 1 from information_schema.tables
            where table_schema not in ('pg_catalog', 'information_schema') limit 1`,
        );
        return result.rows.length > 0;
      }),
    async restore(dir, force) {
      await run('pg_restore', [
        '--no-owner',
        '--no-privileges',
        '--exit-on-error',
        ...(force ? ['--clean', '--if-exists'] : []),
        '--dbname',
        url,
        path.join(dir, 'db.dump'),
      ]).catch(toolFailed('pg_restore'));
    },
    counts: () => withClient((client) => countWith(pgQuery(client))),
    erasures: () => withClient((client) => targetErasures(pgQuery(client))),
  };
}

/** The embedded database in a backup: PGlite's `dumpDataDir` tar, gzipped. */
const ARCHIVE = 'pglite.tar.gz';

/**
 * The embedded shape: PGlite's own data directory archive. PGlite is one process's
 * database: the running hub dumps it through its open connection (`live`); any other
 * process may only touch it while Velvet is stopped (its local Redis child's pid file says
 * it runs).
 */
function pgliteArchiver(dataDir: string, live?: LiveDatabase): DatabaseArchiver {
  const dbDir = path.join(dataDir, 'db');
  const refuseWhileRunning = (advice: string) => {
    const pidFile = path.join(dataDir, 'redis', 'redis.pid');
    if (!existsSync(pidFile)) return;
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    const cmdline = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    })();
    if (cmdline.includes('redis-server')) {
      throw new BackupError(`Velvet is running on this data directory (embedded database): ${advice}`);
    }
  };
  async function open() {
    const { PGlite } = await import('@electric-sql/pglite');
    return PGlite.create({ dataDir: dbDir });
  }
  return {
    driver: 'pglite',
    async dump(dir) {
      if (live?.dumpLive) {
        const { archive, read } = await live.dumpLive((query) => snapshotWith(query));
        // Compressed once the database is released, on libuv's threads.
        await pipeline(
          Readable.fromWeb(archive.stream() as WebReadableStream),
          createGzip(),
          createWriteStream(path.join(dir, ARCHIVE)),
        );
        return read;
      }
      refuseWhileRunning(
        'it did not answer on its backup channel (DATA_DIR/backup.sock); stop it, then run `npm run backup`',
      );
      if (!existsSync(dbDir)) throw new BackupError(`No embedded database in ${dbDir}`);
      const db = await open();
      try {
        const snapshot = await snapshotWith((sql) => db.query(sql));
        const archive = await db.dumpDataDir('gzip');
        await writeFile(path.join(dir, ARCHIVE), Buffer.from(await archive.arrayBuffer()));
        return snapshot;
      } finally {
        await db.close();
      }
    },
    async inUse() {
      refuseWhileRunning('stop it, then run `npm run restore`');
      const entries = await readdir(dbDir).catch(() => []);
      return entries.length > 0;
    },
    async restore(dir, force) {
      refuseWhileRunning('stop it, then run `npm run restore`');
      // A plain `pglite.tar` (gunzipped by hand) is taken as well.
      const archive = [ARCHIVE, 'pglite.tar'].map((name) => path.join(dir, name)).find(existsSync);
      if (!archive)
        throw new BackupError('This backup holds a PostgreSQL dump: set DATABASE_URL to restore it');
      if (force) await rm(dbDir, { recursive: true, force: true });
      await mkdir(dbDir, { recursive: true });
      // PGlite's archive is its data directory as it lies on disk (`/PG_VERSION`, `/base/…`):
      // unpacked by tar, not loaded through a PGlite started only for that (4× slower). The
      // count check that follows is the first start, and checks that it opens.
      await run('tar', [
        '-xf',
        archive,
        '-C',
        dbDir,
        '--no-same-owner',
        '--no-same-permissions',
        ...(archive.endsWith('.gz') ? ['-z'] : []),
      ]).catch((error: NodeJS.ErrnoException & { stderr?: string }) => {
        throw new BackupError(
          `The embedded database could not be unpacked: ${error.stderr?.trim() || error.message}`,
        );
      });
    },
    async counts() {
      const db = await open();
      try {
        return await countWith((sql) => db.query(sql));
      } finally {
        await db.close();
      }
    },
    async erasures() {
      if ((await readdir(dbDir).catch(() => [])).length === 0) return [];
      const db = await open();
      try {
        return await targetErasures((sql) => db.query(sql));
      } finally {
        await db.close();
      }
    },
  };
}
