import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsRepo, inboundRepo, openDatabase, selectRows } from '@velvet/shared';
import { createTestDatabase, type TestDatabase } from '@velvet/shared/testing';
import { Client, creatorBody, ROOT, startTestHub, type TestHub } from './harness';

const TABLES = ['users', 'creators', 'platform_accounts', 'fans', 'conversations', 'messages', 'audit_log'];

/** `npm run backup` and `npm run restore` as real processes, round trip into a fresh database. */
describe('backup and restore', () => {
  let hub: TestHub;
  let fresh: TestDatabase;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-backup-test-'));
  const restoredData = path.join(dir, 'restored-data');
  const file = path.join(dir, 'velvet.tar.gz');

  const npm = (script: 'backup' | 'restore', args: string[], env: Record<string, string>) =>
    spawnSync('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
      timeout: 120_000,
    });

  async function counts(url: string) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const out: Record<string, number> = {};
      for (const table of TABLES) {
        out[table] = (await client.query(`select count(*)::int as n from ${table}`)).rows[0].n;
      }
      out.text = (
        await client.query(`select md5(string_agg(text, '|' order by id)) as h from messages`)
      ).rows[0].h;
      return out;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    hub = await startTestHub();
    const admin = new Client(hub.url);
    await admin.login('admin@test.velvet', 'admin-password-123');
    const creatorId = (await admin.post('/api/creators', creatorBody('Saved'))).body.id;
    const account = await accountsRepo.create(hub.ctx.db, {
      creatorId,
      platform: 'sandbox',
      label: 'sandbox',
      credentialsEnc: hub.ctx.secrets.credentials.sealJson({ token: 'sealed-token' }),
      settings: {},
    });
    for (let i = 0; i < 25; i++) {
      await inboundRepo.store(hub.ctx.db, {
        creatorId,
        accountId: account.id,
        fan: { platformUserId: `u${i % 5}`, displayName: `Fan ${i % 5}`, seenAt: new Date() },
        platformChatId: `dm-u${i % 5}`,
        platformMessageId: `m${i}`,
        text: `message ${i} ✨`,
        raw: { kind: 'text' },
        receivedAt: new Date(),
      });
    }
    mkdirSync(path.join(hub.ctx.env.MEDIA_DIR, 'uploads'), { recursive: true });
    writeFileSync(path.join(hub.ctx.env.MEDIA_DIR, 'uploads', 'photo-1'), 'operator photo bytes');
    fresh = await createTestDatabase();
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores every row and file into an empty database, and refuses a non-empty one', async () => {
    const backup = npm('backup', ['--out', file], {
      DATABASE_URL: hub.ctx.env.DATABASE_URL!,
      DATA_DIR: hub.ctx.env.DATA_DIR,
    });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout.trim()).toBe(file);

    const target = { DATABASE_URL: fresh.url, DATA_DIR: restoredData };
    const restored = npm('restore', [file], target);
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/restored .* 25 messages, 1 media files/);

    const source = await counts(hub.ctx.env.DATABASE_URL!);
    expect(source.messages).toBe(25);
    expect(await counts(fresh.url)).toEqual(source);
    expect(readFileSync(path.join(restoredData, 'media/uploads/photo-1'), 'utf8')).toBe(
      'operator photo bytes',
    );

    // The hub's schema is current on it, and the sealed credentials open with the same secret.
    const database = await openDatabase({ databaseUrl: fresh.url, dataDir: restoredData });
    try {
      const [row] = await selectRows<{ credentials_enc: string }>(
        database.db,
        sql`select credentials_enc from platform_accounts`,
      );
      expect(hub.ctx.secrets.credentials.openJson(row!.credentials_enc)).toEqual({ token: 'sealed-token' });
    } finally {
      await database.close();
    }

    const again = npm('restore', [file], target);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/not empty.*--force/);
    const forced = npm('restore', [file, '--force'], target);
    expect(forced.status, forced.stderr).toBe(0);
    expect(await counts(fresh.url)).toEqual(source);
  }, 240_000);

  it('erases again, on restore of an older generation, a fan erased after it was taken', async () => {
    const generations = path.join(dir, 'generations');
    mkdirSync(generations);
    const older = path.join(generations, 'older.tar.gz');
    const newer = path.join(generations, 'newer.tar.gz');
    const source = { DATABASE_URL: hub.ctx.env.DATABASE_URL!, DATA_DIR: hub.ctx.env.DATA_DIR };
    expect(npm('backup', ['--out', older], source).status).toBe(0);

    const [fan] = await selectRows<{ id: string }>(
      hub.ctx.db,
      sql`select id from fans where platform_user_id = 'u1'`,
    );
    const admin = new Client(hub.url);
    await admin.login('admin@test.velvet', 'admin-password-123');
    expect((await admin.post(`/api/fans/${fan!.id}/erase`, { confirm: 'Fan 1' })).status).toBe(200);
    const taken = npm('backup', ['--out', newer], source);
    expect(taken.status, taken.stderr).toBe(0);
    // The newer generation's ledger names the fan and keeps nothing of them.
    const manifest = execFileSync('tar', ['-xzOf', newer, './manifest.json'], { encoding: 'utf8' });
    expect(JSON.parse(manifest).erasures).toEqual([{ fanId: fan!.id, at: expect.any(String) }]);

    const other = await createTestDatabase();
    try {
      const target = { DATABASE_URL: other.url, DATA_DIR: path.join(dir, 'other-data') };
      const fanState = async () => {
        const client = new pg.Client({ connectionString: other.url });
        await client.connect();
        try {
          const [row] = (
            await client.query(
              `select f.display_name, f.erased_at, count(m.id)::int as messages,
                      count(*) filter (where m.text <> '')::int as texts
                 from fans f join conversations c on c.fan_id = f.id join messages m on m.conversation_id = c.id
                where f.id = $1 group by f.id`,
              [fan!.id],
            )
          ).rows;
          const kept = (
            await client.query(`select count(*)::int as n from messages where text like 'message %'`)
          ).rows[0].n;
          return { ...row, kept };
        } finally {
          await client.end();
        }
      };
      const restored = npm('restore', [older], target);
      expect(restored.status, restored.stderr).toBe(0);
      expect(restored.stdout).toMatch(/erased again 1 fans erased after this backup was taken/);
      // Erased as the erasure did it: no name, no text; the messages still count; others intact.
      expect(await fanState()).toMatchObject({ display_name: '', messages: 5, texts: 0, kept: 20 });
      expect((await fanState()).erased_at).not.toBeNull();

      // With the newer generation gone, the ledger of the database being replaced still holds.
      rmSync(newer);
      const again = npm('restore', [older, '--force'], target);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/erased again 1 fans/);
      expect(await fanState()).toMatchObject({ display_name: '', texts: 0, kept: 20 });
    } finally {
      await other.drop();
    }
  }, 240_000);

  it('round-trips the embedded database (PGlite) the same way', async () => {
    const source = path.join(dir, 'embedded');
    const target = path.join(dir, 'embedded-restored');
    const database = await openDatabase({ dataDir: source });
    try {
      const creator = await selectRows<{ id: string }>(
        database.db,
        sql`insert into creators (name, pseudonym, timezone, market) values ('E', 'e', 'Europe/Paris', 'FR') returning id`,
      );
      const account = await accountsRepo.create(database.db, {
        creatorId: creator[0]!.id,
        platform: 'sandbox',
        label: 'sandbox',
        credentialsEnc: 'sealed',
        settings: {},
      });
      for (let i = 0; i < 12; i++) {
        await inboundRepo.store(database.db, {
          creatorId: creator[0]!.id,
          accountId: account.id,
          fan: { platformUserId: `e${i % 3}`, displayName: `Fan ${i % 3}`, seenAt: new Date() },
          platformChatId: `dm-e${i % 3}`,
          platformMessageId: `em${i}`,
          text: `embedded ${i}`,
          raw: { kind: 'text' },
          receivedAt: new Date(),
        });
      }
    } finally {
      await database.close();
    }
    const embeddedFile = path.join(dir, 'embedded.tar.gz');
    const backup = npm('backup', ['--out', embeddedFile], { DATA_DIR: source });
    expect(backup.status, backup.stderr).toBe(0);

    // A PostgreSQL target is refused with the reason.
    const wrongShape = npm('restore', [embeddedFile], { DATABASE_URL: fresh.url, DATA_DIR: target });
    expect(wrongShape.status).toBe(1);
    expect(wrongShape.stderr).toMatch(/unset DATABASE_URL/);

    const restored = npm('restore', [embeddedFile], { DATA_DIR: target });
    expect(restored.status, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/12 messages/);
    const reopened = await openDatabase({ dataDir: target });
    try {
      const rows = await selectRows<{ n: number; texts: string }>(
        reopened.db,
        sql`select count(*)::int as n, string_agg(text, '|' order by text) as texts from messages`,
      );
      expect(rows[0]!.n).toBe(12);
      expect(rows[0]!.texts).toContain('embedded 11');
    } finally {
      await reopened.close();
    }

    // One whose database archive was gunzipped by hand (`pglite.tar`) restores too.
    const unpacked = path.join(dir, 'embedded-unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', embeddedFile, '-C', unpacked]);
    execFileSync('gzip', ['-d', path.join(unpacked, 'pglite.tar.gz')]);
    const older = path.join(dir, 'embedded-older.tar.gz');
    execFileSync('tar', ['-czf', older, '-C', unpacked, './manifest.json', './pglite.tar', './media']);
    const fromOlder = npm('restore', [older], { DATA_DIR: path.join(dir, 'embedded-older') });
    expect(fromOlder.status, fromOlder.stderr).toBe(0);
    expect(fromOlder.stdout).toMatch(/12 messages/);
  }, 420_000);
});
