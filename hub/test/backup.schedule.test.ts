import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '@velvet/shared';
import { loadIntentClassifier } from '@velvet/llm';
import { createConnectors } from '@velvet/platforms';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { startWorkerRole } from '../src/runtime';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, record, until } from './stack';

const NAME = /^velvet-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z\.tar\.gz$/;

function workersOf(hub: TestHub) {
  return startWorkerRole(hub.ctx, {
    redisUrl: TEST_REDIS_URL,
    connectors: createConnectors(hub.ctx.env),
    classifier: loadIntentClassifier(),
    queues: hub.queues,
  });
}

/**
 * Scheduled backups by the real workers (in the hub's process) with real `pg_dump`: on a
 * short period, keeping two; a failing run alerts admins and deletes nothing; the admin API
 * lists and serves them, to admins only, by listed name only.
 */
describe('scheduled backups', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-backups-'));
  const q = <T>(query: ReturnType<typeof sql>) => selectRows<T>(hub.ctx.db, query);
  const done = () =>
    q<{ data: { name: string; size: number; durationMs: number; deleted: string[] } }>(
      sql`select data from audit_log where action = 'backup.done' order by id`,
    );

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Sauvée'))).body.id;
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes backups on schedule, keeps two, and a failed run alerts once and deletes nothing', async () => {
    expect((await admin.get('/api/backups')).body).toMatchObject({ backups: [], last: null });
    hub.ctx.config.backups = { enabled: true, every: 600, keep: 2, dir };
    const socket = await inboxClient(hub.url, admin.token);
    const events = record(socket);
    const workers = workersOf(hub);
    try {
      const reports = await until(
        () => done().then((rows) => (rows.length >= 3 ? rows : undefined)),
        60_000,
        'three scheduled backups',
      );
      expect(readdirSync(dir).filter((f) => NAME.test(f))).toHaveLength(2);
      // The third run deleted the first generation.
      expect(reports[2]!.data.deleted).toContain(reports[0]!.data.name);
      expect(reports[2]!.data.size).toBeGreaterThan(0);
      expect(reports[2]!.data.durationMs).toBeGreaterThanOrEqual(0);

      // Now every run fails (the directory cannot be created under a file), at most once a minute.
      const blocker = path.join(dir, 'not-a-dir');
      writeFileSync(blocker, 'x');
      hub.ctx.config.backups = { enabled: true, every: 60_000, keep: 2, dir: path.join(blocker, 'backups') };
      const alert = await until(
        () => events.find((e) => e.event === 'alert' && e.payload.kind === 'backup_failed'),
        20_000,
        'a backup_failed alert',
      );
      expect(alert.payload).toMatchObject({ severity: 'critical', creatorId: null });
      expect(alert.payload.message).toMatch(/scheduled backup failed: .*not a directory/i);
      await new Promise((r) => setTimeout(r, 1500));
      expect(events.filter((e) => e.event === 'alert' && e.payload.kind === 'backup_failed')).toHaveLength(1);
      const failed = await q<{ data: { error: string } }>(
        sql`select data from audit_log where action = 'backup.failed'`,
      );
      expect(failed).toHaveLength(1);

      // What the last good runs kept is still there: the failed run deleted nothing.
      hub.ctx.config.backups = { enabled: false, every: 60_000, keep: 2, dir };
      const kept = (await done()).slice(-2).map((r) => r.data.name);
      expect(
        readdirSync(dir)
          .filter((f) => NAME.test(f))
          .sort(),
      ).toEqual([...kept].sort());

      const listing = await admin.get('/api/backups');
      expect(listing.status).toBe(200);
      expect(listing.body.backups.map((b: { name: string }) => b.name)).toEqual([...kept].reverse());
      expect(listing.body.backups[0]).toMatchObject({
        size: expect.any(Number),
        createdAt: expect.any(String),
      });
      expect(listing.body.last).toMatchObject({
        ok: false,
        error: expect.stringMatching(/not a directory/i),
      });
      expect(listing.body.schedule).toMatchObject({
        enabled: false,
        keep: 2,
        everyMs: 60_000,
        supported: true,
      });
    } finally {
      await workers.stop();
      socket.disconnect();
    }
  }, 120_000);

  it('says in the alert what to install when pg_dump is missing', async () => {
    const socket = await inboxClient(hub.url, admin.token);
    const events = record(socket);
    const path_ = process.env.PATH;
    // execFile looks pg_dump up in this process's PATH, as in an image without the client tools.
    process.env.PATH = dir;
    await hub.ctx.redis.del(`${hub.redisPrefix}:backups:claimed`);
    hub.ctx.config.backups = { enabled: true, every: 1500, keep: 2, dir: path.join(dir, 'no-tools') };
    const workers = workersOf(hub);
    try {
      const alert = await until(
        () => events.find((e) => e.event === 'alert' && e.payload.kind === 'backup_failed'),
        20_000,
        'a backup_failed alert',
      );
      expect(alert.payload.message).toMatch(
        /scheduled backup failed: pg_dump was not found: install the PostgreSQL client tools/,
      );
    } finally {
      process.env.PATH = path_;
      hub.ctx.config.backups = { enabled: false, every: 60_000, keep: 2, dir };
      await workers.stop();
      socket.disconnect();
    }
  });

  it('serves a listed backup byte for byte to admins only, and refuses any other name', async () => {
    hub.ctx.config.backups = { enabled: false, every: 60_000, keep: 2, dir };
    const [newest] = (await admin.get('/api/backups')).body.backups as { name: string; size: number }[];
    expect(newest).toBeDefined();

    const response = await fetch(`${hub.url}/api/backups/${newest!.name}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${newest!.name}"`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(readFileSync(path.join(dir, newest!.name)))).toBe(true);
    expect(bytes.length).toBe(newest!.size);
    const [download] = await q<{ target_id: string }>(
      sql`select target_id from audit_log where action = 'backup.download'`,
    );
    expect(download!.target_id).toBe(newest!.name);

    writeFileSync(path.join(dir, 'notes.txt'), 'not a backup');
    const refusals: [string, number][] = [
      ['..%2F..%2F..%2Fetc%2Fpasswd', 422],
      ['%2Fetc%2Fpasswd', 422],
      ['..%2Fnotes.txt', 422],
      ['notes.txt', 422],
      [`${newest!.name}%00`, 422],
      ['velvet-2000-01-01T00-00-00-000Z.tar.gz', 404],
      [`..%2F${path.basename(dir)}%2F${newest!.name}`, 422],
    ];
    for (const [name, status] of refusals) {
      const refused = await admin.get(`/api/backups/${name}`);
      expect([name, refused.status]).toEqual([name, status]);
      if (status === 422) expect(refused.body.error.details.fields[0].path).toBe('name');
    }
    expect((await admin.get('/api/backups//etc/passwd')).status).toBe(404);

    const manager = await hub.createUser('manager-backups@test.velvet', 'manager', [creatorId]);
    const client = new Client(hub.url);
    await client.login(manager.email, manager.password);
    expect((await client.get('/api/backups')).status).toBe(403);
    expect((await client.get(`/api/backups/${newest!.name}`)).status).toBe(403);
    const me = await client.get('/api/me');
    expect(me.body.abilities ?? []).not.toContain('backup:read');
    expect((await admin.get('/api/me')).body.abilities).toContain('backup:read');
  });
});

/** The embedded shape: the process holding PGlite writes the scheduled backup itself, no alert. */
describe('scheduled backups, embedded database', () => {
  let hub: TestHub;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-backups-embedded-'));

  beforeAll(async () => {
    hub = await startTestHub({ driver: 'pglite' });
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes the backup through the open database and reports it, with no backup_failed alert', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    await admin.post('/api/creators', creatorBody('Intégrée'));
    hub.ctx.config.backups = { enabled: true, every: 1000, keep: 2, dir };
    const socket = await inboxClient(hub.url, admin.token);
    const events = record(socket);
    const workers = workersOf(hub);
    try {
      await until(
        () => (readdirSync(dir).filter((f) => NAME.test(f)).length >= 2 ? true : undefined),
        30_000,
        'two scheduled backups',
      );
    } finally {
      hub.ctx.config.backups = { enabled: false, every: 1000, keep: 2, dir };
      await workers.stop();
      socket.disconnect();
    }
    expect(events.filter((e) => e.event === 'alert' && e.payload.kind === 'backup_failed')).toEqual([]);
    const listing = await admin.get('/api/backups');
    expect(listing.body.schedule.supported).toBe(true);
    expect(listing.body.last).toMatchObject({ ok: true, name: expect.stringMatching(NAME) });
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', path.join(dir, listing.body.backups[0].name), './manifest.json'], {
        encoding: 'utf8',
      }),
    );
    expect(manifest).toMatchObject({ driver: 'pglite', counts: { creators: 1, users: 1 } });
  });
});
