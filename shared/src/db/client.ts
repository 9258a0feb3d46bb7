import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as schema from './schema';

export type Schema = typeof schema;
/** Both drivers (node-postgres and PGlite) share this type; services never see which. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/** A plain SQL read on the connection `dumpLive` holds. */
export type RawQuery = <R>(sql: string) => Promise<{ rows: R[] }>;

export interface Database {
  db: Db;
  driver: 'postgres' | 'pglite';
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Embedded only: runs `read`, then archives the data directory (an uncompressed tar, to
   * compress outside the lock), with no write in between. Only the process holding PGlite
   * can do this; a copy opened beside it cannot.
   */
  dumpLive?<T>(read: (query: RawQuery) => Promise<T>): Promise<{ archive: Blob; read: T }>;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations', import.meta.url));

/** Serialises migrations when several processes start against one PostgreSQL. */
const MIGRATION_LOCK = 7_400_112_001;

export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir: string;
  migrate?: boolean;
}): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : await openPglite(path.join(options.dataDir, 'db'));
  if (options.migrate !== false) {
    try {
      await database.migrate();
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  return database;
}

async function openPostgres(url: string): Promise<Database & { migrate(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // A client losing its connection (server restart, terminated backend) must not crash the
  // process: idle ones report on the pool; a checked-out one between two queries emits on
  // itself, and its next query fails and is retried like any database error.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzle(pool, { schema });
  return {
    db: db as unknown as Db,
    driver: 'postgres',
    async ping() {
      await pool.query('select 1');
    },
    async close() {
      await pool.end();
    },
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS_DIR });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        client.release();
      }
    },
  };
}

async function openPglite(dir: string): Promise<Database & { migrate(): Promise<void> }> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  mkdirSync(dir, { recursive: true });
  const client = await PGlite.create(dir);
  const db = drizzle(client, { schema });
  let dumps: Promise<unknown> = Promise.resolve();
  return {
    db: db as unknown as Db,
    driver: 'pglite',
    async ping() {
      await db.execute(sql`select 1`);
    },
    async close() {
      await client.close();
    },
    // PGlite's transaction holds its transaction lock: every other query and transaction of
    // this process waits, so the counts read and the files archived are one point in time.
    // The checkpoint flushes committed pages, so the archive opens without WAL replay. No
    // compression here: gzip of the whole directory would hold every query for many seconds.
    // One at a time: a scheduled backup and `npm run backup` may ask at once.
    dumpLive(read) {
      const run = dumps.then(() =>
        client.transaction(async (tx) => {
          const value = await read((query) => tx.query(query));
          await tx.exec('checkpoint');
          // PGlite's file walk can meet a file PostgreSQL just removed (Emscripten `ErrnoError`,
          // seen as errno 44, ENOENT, under load): nothing else runs meanwhile, so walk again.
          for (let attempt = 1; ; attempt++) {
            try {
              return { archive: await client.dumpDataDir('none'), read: value };
            } catch (error) {
              if (attempt >= 3 || (error as { name?: string } | null)?.name !== 'ErrnoError') throw error;
            }
          }
        }),
      );
      dumps = run.catch(() => undefined);
      return run;
    },
    async migrate() {
      await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    },
  };
}

/** Raw SQL for the rare query the query builder cannot express; both drivers return `rows`. */
export async function selectRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const dialect = new PgDialect();

/**
 * `selectRows` for a hot statement: a named prepared statement, parsed and planned once per
 * connection instead of on every call (PostgreSQL keeps it per session; PGlite just runs it).
 * The statement's text must not vary between calls: values only ever go in as parameters.
 */
export async function preparedRows<T>(db: Db, name: string, query: SQL): Promise<T[]> {
  const prepared = db._.session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false);
  const result = (await prepared.execute()) as { rows: T[] };
  return result.rows;
}
