import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsRepo,
  deriveSecrets,
  freePort,
  inboundRepo,
  openDatabase,
  packsRepo,
  selectRows,
  type Db,
} from '@velvet/shared';
import { ADMIN, Client, ROOT } from './harness';
import { inboxClient, record, until } from './stack';

const SECRET = 'embedded-backup-secret-long-enough-for-velvet';
const SANDBOX_TOKEN = 'sandbox-backup-token';

interface HubProcess {
  child: ChildProcess;
  url: string;
  output(): string;
}

/** `npm run up`'s process: PGlite and a child redis-server under DATA_DIR, nothing else. */
async function startHub(dataDir: string, configFile: string): Promise<HubProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'hub/src/main.ts', '--role', 'all'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      VELVET_SECRET: SECRET,
      VELVET_ADMIN_EMAIL: ADMIN.email,
      VELVET_ADMIN_PASSWORD: ADMIN.password,
      VELVET_CONFIG: configFile,
      OLLAMA_HOST: 'http://127.0.0.1:9',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 45_000;
  while (!output.includes('Velvet is running')) {
    if (child.exitCode !== null) throw new Error(`hub exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`hub did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

function stop(hub: HubProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (hub.child.exitCode !== null) return resolve(hub.child.exitCode);
    hub.child.once('exit', (code) => resolve(code));
    hub.child.kill('SIGTERM');
  });
}

/** `npm run backup|restore` as a real process, without blocking this one (webhooks keep going). */
function npm(script: 'backup' | 'restore', args: string[], dataDir: string) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATA_DIR: dataDir, VELVET_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** What a point in time must satisfy: nothing refers to a row that is not there. */
const ORPHANS = sql`select
  (select count(*)::int from messages m where not exists (select 1 from conversations c where c.id = m.conversation_id)) as messages,
  (select count(*)::int from conversations c where not exists (select 1 from fans f where f.id = c.fan_id)) as conversations,
  (select count(*)::int from purchases p where not exists (select 1 from offers o where o.id = p.offer_id)) as purchases,
  (select count(*)::int from drafts d where not exists (select 1 from messages m where m.id = d.message_id)) as drafts`;

async function seed(db: Db) {
  const [creator] = await selectRows<{ id: string }>(
    db,
    sql`insert into creators (name, pseudonym, timezone, market) values ('Gardée', 'gardee', 'Europe/Paris', 'FR') returning id`,
  );
  const creatorId = creator!.id;
  const account = await accountsRepo.create(db, {
    creatorId,
    platform: 'sandbox',
    label: 'sandbox',
    credentialsEnc: deriveSecrets(SECRET).credentials.sealJson({ token: SANDBOX_TOKEN }),
    settings: {},
  });
  for (let i = 0; i < 40; i++) {
    await inboundRepo.store(db, {
      creatorId,
      accountId: account.id,
      fan: { platformUserId: `fan-${i % 4}`, displayName: `Fan ${i % 4}`, seenAt: new Date() },
      platformChatId: `chat-${i % 4}`,
      platformMessageId: `seed-${i}`,
      text: `seeded ${i} ✨`,
      raw: { kind: 'text' },
      receivedAt: new Date(),
    });
  }
  const pack = await packsRepo.create(db, { creatorId, name: 'Pack pieds', type: 'feet', priceCents: 1500 });
  const fans = await selectRows<{ id: string; conversation_id: string }>(
    db,
    sql`select f.id, c.id as conversation_id from fans f join conversations c on c.fan_id = f.id order by f.platform_user_id limit 2`,
  );
  for (const [n, fan] of fans.entries()) {
    const [offer] = await selectRows<{ id: string }>(
      db,
      sql`insert into offers (creator_id, conversation_id, fan_id, pack_id, list_price_cents, price_cents, currency, status, expires_at, closed_at)
          values (${creatorId}, ${fan.conversation_id}, ${fan.id}, ${pack.id}, 1500, 1500, 'EUR', 'paid', now() + interval '1 day', now())
          returning id`,
    );
    await db.execute(
      sql`insert into purchases (offer_id, creator_id, conversation_id, fan_id, pack_id, provider, provider_charge_id, amount_cents, currency)
          values (${offer!.id}, ${creatorId}, ${fan.conversation_id}, ${fan.id}, ${pack.id}, 'checkout', ${`ch_${n}`}, 1500, 'EUR')`,
    );
  }
  return { creatorId, accountId: account.id };
}

/**
 * The default shape (`npm run up`: PGlite inside the hub process, a child redis-server)
 * backs itself up while it runs: on schedule with no alert, and on `npm run backup` while
 * webhooks arrive; wiped and restored, the data is all there, consistent, and served again.
 */
describe('backups of the embedded database while Velvet runs', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'velvet-embedded-backup-'));
  const dataDir = path.join(root, 'data');
  const restoredDir = path.join(root, 'restored');
  const configFile = path.join(root, 'velvet.yaml');
  const file = path.join(root, 'live.tar.gz');
  const hubs: HubProcess[] = [];
  let accountId: string;

  beforeAll(async () => {
    const yaml = readFileSync(path.join(ROOT, 'config/velvet.yaml'), 'utf8');
    writeFileSync(
      configFile,
      yaml.replace(
        /(\nbackups:\n {2}enabled: true\n {2}every:) 24h\n((?: {2}#.*\n)*) {2}keep: 7/,
        '$1 4s\n$2  keep: 2',
      ),
    );
    expect(readFileSync(configFile, 'utf8')).toContain('every: 4s');
    const database = await openDatabase({ dataDir });
    try {
      ({ accountId } = await seed(database.db));
    } finally {
      await database.close();
    }
  }, 180_000);

  afterAll(async () => {
    await Promise.all(hubs.map((hub) => stop(hub)));
    rmSync(root, { recursive: true, force: true });
  });

  it('takes scheduled backups with no alert, and `npm run backup` through the hub while webhooks arrive', async () => {
    const hub = await startHub(dataDir, configFile);
    hubs.push(hub);
    const admin = new Client(hub.url);
    expect((await admin.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const socket = await inboxClient(hub.url, admin.token!);
    const events = record(socket);

    // Scheduled: written by the hub itself, listed for admins, the last run a success.
    const listing = await until(
      async () => {
        const body = (await admin.get('/api/backups')).body;
        return body.backups.length >= 1 && body.last?.ok ? body : undefined;
      },
      30_000,
      'a scheduled backup',
    );
    expect(listing.schedule).toMatchObject({ enabled: true, supported: true, keep: 2 });
    expect(listing.backups[0].size).toBeGreaterThan(0);

    // Webhooks one after another, as a platform delivers them, all through the backup.
    const accepted: number[] = [];
    let sending = true;
    const sender = (async () => {
      for (let n = 0; sending; n++) {
        const response = await fetch(`${hub.url}/webhooks/sandbox/${accountId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': SANDBOX_TOKEN },
          body: JSON.stringify({
            id: `w-${n}`,
            chatId: `live-${n % 3}`,
            from: { id: `live-fan-${n % 3}`, name: `Live ${n % 3}` },
            text: `live ${n}`,
          }),
        });
        expect(response.status).toBe(200);
        accepted.push(n);
      }
    })();
    await until(() => accepted.length >= 10 || undefined, 20_000, 'webhooks flowing');
    const before = accepted.length;
    const backup = await npm('backup', ['--out', file], dataDir);
    const during = accepted.length - before;
    await until(
      () => accepted.length >= before + during + 5 || undefined,
      20_000,
      'webhooks after the backup',
    );
    sending = false;
    await sender;

    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout.trim()).toBe(file);
    expect(backup.stderr).toMatch(/written by the running hub/);
    // The hub kept answering webhooks while it wrote the backup.
    expect(during).toBeGreaterThan(0);

    // A restore onto the running install is refused, with what to do.
    const refused = await npm('restore', [file, '--force'], dataDir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/Velvet is running on this data directory.*stop it/);

    // The messages, not the events: a failure then says why the backup failed.
    expect(
      events
        .filter((e) => e.event === 'alert' && e.payload.kind === 'backup_failed')
        .map((e) => e.payload.message),
    ).toEqual([]);
    socket.disconnect();
    expect(await stop(hub)).toBe(0);
    expect(hub.output()).not.toContain(SANDBOX_TOKEN);
    expect(existsSync(path.join(dataDir, 'backup.sock'))).toBe(false);
    const scheduled = readdirSync(path.join(dataDir, 'backups')).filter((f) => f.endsWith('.tar.gz'));
    expect(scheduled.length).toBeGreaterThanOrEqual(1);
    expect(scheduled.length).toBeLessThanOrEqual(2);

    // The disk dies: only the backup file and the secret are left.
    rmSync(dataDir, { recursive: true, force: true });
    const restored = await npm('restore', [file], restoredDir);
    expect(restored.status, restored.stderr).toBe(0);
    const manifest = JSON.parse(
      execFileSync('tar', ['-xzOf', file, './manifest.json'], { encoding: 'utf8' }),
    ) as {
      counts: Record<string, number>;
    };

    const database = await openDatabase({ dataDir: restoredDir });
    try {
      const q = <T>(query: ReturnType<typeof sql>) => selectRows<T>(database.db, query);
      const [orphans] = await q<Record<string, number>>(ORPHANS);
      expect(orphans).toEqual({ messages: 0, conversations: 0, purchases: 0, drafts: 0 });
      const [counts] = await q<Record<string, number>>(sql`select
        (select count(*)::int from conversations) as conversations, (select count(*)::int from messages) as messages,
        (select count(*)::int from packs) as packs, (select count(*)::int from purchases) as purchases,
        (select count(*)::int from platform_accounts) as platform_accounts, (select count(*)::int from users) as users`);
      expect(counts).toMatchObject({
        conversations: manifest.counts.conversations,
        messages: manifest.counts.messages,
        packs: manifest.counts.packs,
        purchases: 2,
        platform_accounts: 1,
        users: 1,
      });
      // Everything seeded before Velvet started is there, text for text.
      const seeded = await q<{ text: string }>(
        sql`select text from messages where platform_message_id like 'seed-%' order by created_at`,
      );
      expect(seeded.map((m) => m.text)).toEqual(Array.from({ length: 40 }, (_, i) => `seeded ${i} ✨`));
      // Webhooks were sent one at a time: a point in time holds exactly the first K of them.
      const live = await q<{ id: string }>(
        sql`select platform_message_id as id from messages where platform_message_id like 'w-%'`,
      );
      const kept = live.map((m) => Number(m.id.slice(2))).sort((a, b) => a - b);
      expect(kept.length).toBeGreaterThanOrEqual(before);
      expect(kept.length).toBeLessThanOrEqual(accepted.length);
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => i));
    } finally {
      await database.close();
    }

    // The hub runs on what was restored: same admin, same threads, the sealed token opens.
    const back = await startHub(restoredDir, configFile);
    hubs.push(back);
    const again = new Client(back.url);
    expect((await again.login(ADMIN.email, ADMIN.password)).status).toBe(200);
    const conversations = (await again.get('/api/conversations')).body.conversations as { id: string }[];
    expect(conversations.length).toBe(manifest.counts.conversations);
    const webhook = await fetch(`${back.url}/webhooks/sandbox/${accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': SANDBOX_TOKEN },
      body: JSON.stringify({
        id: 'after-restore',
        chatId: 'chat-0',
        from: { id: 'fan-0', name: 'Fan 0' },
        text: 'back',
      }),
    });
    expect(webhook.status).toBe(200);
    expect(await stop(back)).toBe(0);
  }, 420_000);
});
