import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { loadEnv, openDatabase, selectRows, type Database } from '@velvet/shared';
import { createTestDatabase } from '@velvet/shared/testing';
import { createBackup, restoreBackup } from '../../hub/src/backup/backup';
import { ROOT } from '../../hub/test/harness';
import { summarize } from './stats';

const run = promisify(execFile);
const MB = 1024 * 1024;
const round2 = (n: number) => Math.round(n * 100) / 100;

export interface BackupFigures {
  shape: 'postgres' | 'pglite';
  messages: number;
  backupSeconds: number;
  backupMB: number;
  restoreSeconds: number;
  /** Embedded: how long queries of the running hub waited while the backup was taken. */
  queryWaitMs?: ReturnType<typeof summarize>;
  baseline: { what: string; backupSeconds: number; backupMB: number; restoreSeconds: number };
}

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { seconds: round2((performance.now() - started) / 1000), value };
}

const sizeMB = async (file: string) => round2((await stat(file)).size / MB);

async function dirMB(dir: string): Promise<number> {
  const { stdout } = await run('du', ['-sk', dir]);
  return round2(Number(stdout.split('\t')[0]) / 1024);
}

/** One creator, 1,000 fans with a conversation each, `messages` messages spread over them. */
async function seed(database: Database, messages: number): Promise<void> {
  const q = <T>(text: string) => selectRows<T>(database.db, sql.raw(text));
  const [creator] = await q<{ id: string }>(
    `insert into creators (name, pseudonym, timezone, market) values ('Bench', 'bench', 'Europe/Paris', 'FR') returning id`,
  );
  const [account] = await q<{ id: string }>(
    `insert into platform_accounts (creator_id, platform, label, credentials_enc)
     values ('${creator!.id}', 'sandbox', 'bench', 'v1.sealed') returning id`,
  );
  const a = account!.id;
  await q(
    `insert into fans (account_id, platform_user_id, display_name)
     select '${a}', 'fan-' || g, 'Fan ' || g from generate_series(1, 1000) g`,
  );
  await q(
    `insert into conversations (creator_id, account_id, fan_id, platform_chat_id)
     select '${creator!.id}', '${a}', f.id, 'chat-' || f.platform_user_id from fans f where f.account_id = '${a}'`,
  );
  const perConversation = Math.ceil(messages / 1000);
  // In slices, so the embedded database never holds one huge statement in memory.
  for (let from = 1; from <= perConversation; from += 10) {
    const to = Math.min(perConversation, from + 9);
    await q(
      `insert into messages (conversation_id, account_id, direction, sender, text, platform_message_id, created_at)
       select c.id, '${a}', case when g % 2 = 0 then 'in' else 'out' end, case when g % 2 = 0 then 'fan' else 'bot' end,
              'message ' || g || ' ' || md5(c.id::text || g) || ' coucou, tu fais quoi ce soir ? ✨',
              c.id || '-' || g, now() - make_interval(secs => g)
         from conversations c, generate_series(${from}, ${to}) g where c.account_id = '${a}'`,
    );
  }
}

const envFor = (dataDir: string, databaseUrl?: string) =>
  loadEnv(
    {
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      VELVET_SECRET: 'bench-secret-that-is-long-enough-for-velvet',
      VELVET_CONFIG: path.join(ROOT, 'config/velvet.yaml'),
    },
    ROOT,
  );

/**
 * `npm run backup` and `npm run restore`'s own functions on `messages` messages, in both
 * shapes, next to what the tools underneath do alone: raw `pg_dump -Fc` / `pg_restore`, and
 * `tar` of the embedded data directory.
 */
export async function backupBench(messages: number, step: (what: string) => void): Promise<BackupFigures[]> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'velvet-bench-backup-'));
  const figures: BackupFigures[] = [];
  try {
    step(`backup (PostgreSQL): seeding ${messages} messages`);
    const source = await createTestDatabase();
    const targets = [await createTestDatabase(), await createTestDatabase()];
    try {
      const database = await openDatabase({ databaseUrl: source.url, dataDir: work });
      await seed(database, messages);
      await database.close();
      step('backup (PostgreSQL): Velvet backup, raw pg_dump, restore, raw pg_restore');
      const file = path.join(work, 'pg.tar.gz');
      const backup = await timed(() => createBackup(envFor(path.join(work, 'pg-data'), source.url), file));
      const rawFile = path.join(work, 'raw.dump');
      const raw = await timed(() => run('pg_dump', ['--format=custom', '--file', rawFile, source.url]));
      const restore = await timed(() =>
        restoreBackup(envFor(path.join(work, 'pg-restored'), targets[0]!.url), file),
      );
      const rawRestore = await timed(() =>
        run('pg_restore', ['--no-owner', '--dbname', targets[1]!.url, rawFile]),
      );
      figures.push({
        shape: 'postgres',
        messages: backup.value.manifest.counts.messages ?? 0,
        backupSeconds: backup.seconds,
        backupMB: await sizeMB(file),
        restoreSeconds: restore.seconds,
        baseline: {
          what: 'raw pg_dump -Fc / pg_restore',
          backupSeconds: raw.seconds,
          backupMB: await sizeMB(rawFile),
          restoreSeconds: rawRestore.seconds,
        },
      });
    } finally {
      await source.drop();
      for (const target of targets) await target.drop();
    }

    step(`backup (embedded PGlite): seeding ${messages} messages`);
    const dataDir = path.join(work, 'embedded');
    const database = await openDatabase({ dataDir });
    let open = true;
    try {
      await seed(database, messages);
      step('backup (embedded PGlite): live backup through the open database, data dir copy');
      // As the running hub does it: through the connection it holds, with Velvet running.
      const file = path.join(work, 'embedded.tar.gz');
      // A query every 20 ms meanwhile, as webhooks would: how long does one wait at worst?
      const waits: number[] = [];
      let probing = true;
      const prober = (async () => {
        while (probing) {
          const started = performance.now();
          await database.ping();
          waits.push(performance.now() - started);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const backup = await timed(() => createBackup(envFor(dataDir), file, database));
      probing = false;
      await prober;
      await database.close();
      open = false;
      const rawFile = path.join(work, 'raw.tar.gz');
      const tar = await timed(() => run('tar', ['-czf', rawFile, '-C', dataDir, 'db']));
      const restoredDir = path.join(work, 'embedded-restored');
      const restore = await timed(() => restoreBackup(envFor(restoredDir), file));
      const untarDir = path.join(work, 'untar');
      await mkdir(untarDir);
      const untar = await timed(() => run('tar', ['-xzf', rawFile, '-C', untarDir]));
      figures.push({
        shape: 'pglite',
        messages: backup.value.manifest.counts.messages ?? 0,
        backupSeconds: backup.seconds,
        backupMB: await sizeMB(file),
        restoreSeconds: restore.seconds,
        queryWaitMs: summarize(waits),
        baseline: {
          what: `tar -czf / -xzf of the ${await dirMB(path.join(dataDir, 'db'))} MB data directory (Velvet stopped)`,
          backupSeconds: tar.seconds,
          backupMB: await sizeMB(rawFile),
          restoreSeconds: untar.seconds,
        },
      });
    } finally {
      if (open) await database.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return figures;
}
