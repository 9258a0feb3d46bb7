import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { telegramUpdates } from '@velvet/platforms/testing';
import { Client } from './harness';
import {
  inboxClient,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type TelegramStack,
} from './stack';

const TOKEN = '7300000016:AAH-rights-bot-token-for-tests-0000016';
const MARKER = `zqx${Math.random().toString(36).slice(2, 10)}gdpr`;
const FAN = { chatId: 916_001, name: 'Camille Dupontel' };
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`photo bytes ${MARKER}`)]);

/**
 * A fan's access and erasure requests on the real hub and workers processes: the archive
 * holds the thread and the photo; erasure leaves no trace of the texts in PostgreSQL or
 * in the deployment's Redis keys, keeps the figures, and a later message starts afresh.
 */
describe('fans’ data rights (export, erase)', () => {
  let env: TelegramStack;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let fanId: string;
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'velvet-rights-'));

  const query = <T = any>(text: string) => env.stack.query<T>(text);

  /** Every readable value under the test's Redis prefix, as one string. */
  async function redisDump(): Promise<string> {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const parts: string[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${env.stack.redis.prefix}*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          parts.push(key);
          if (type === 'string') parts.push(String(await redis.get(key)));
          else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
          else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
          else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
          else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
          else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
        }
      } while (cursor !== '0');
      return parts.join('\n');
    } finally {
      redis.disconnect();
    }
  }

  const databaseDump = () => execFileSync('pg_dump', ['--data-only', env.stack.db.url], { encoding: 'utf8' });

  const figures = async () =>
    (
      await query(`select
        (select count(*)::int from messages) as messages,
        (select count(*)::int from messages where direction = 'in') as inbound,
        (select count(*)::int from conversations) as conversations,
        (select count(*)::int from drafts) as drafts,
        (select count(*)::int from purchases) as purchases,
        (select coalesce(sum(amount_cents), 0)::int from purchases) as revenue,
        (select coalesce(sum(lifetime_spend_cents), 0)::int from fans) as spend`)
    )[0];

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, reply: () => `Merci pour ton message ${MARKER} 💋` },
      creator: { name: 'Rights' },
      fanName: FAN.name,
    });
    socket = await inboxClient(env.hub.url!, env.admin.token);
    events = record(socket);

    // The fan writes, sends a photo, and a draft answers each.
    expect((await env.say(FAN.chatId, `Bonjour, mon secret est ${MARKER}`)).status).toBe(200);
    const file = env.telegram.addFile(JPEG, { path: 'photos/rights.jpg', token: TOKEN });
    const photo = await env.post(
      telegramUpdates.photo({
        updateId: env.nextUpdateId(),
        chatId: FAN.chatId,
        fromId: FAN.chatId,
        firstName: FAN.name,
        caption: `ma photo ${MARKER}`,
        fileId: file.fileId,
        fileSize: JPEG.length,
      }),
    );
    expect(photo.status).toBe(200);
    const [fan] = await until(
      () =>
        query(`select id from fans where platform_user_id = '${FAN.chatId}'`).then((r) =>
          r.length > 0 ? r : undefined,
        ),
      10_000,
      'the fan',
    );
    fanId = fan.id;
    await until(
      async () =>
        (await query(`select 1 from drafts where text like '%${MARKER}%' and status <> 'drafting'`)).length >
        0,
      20_000,
      'a finished draft',
    );
    // An operator's note, and a purchase (the figures that must survive the erasure).
    expect(
      (await env.admin.patch(`/api/fans/${fanId}`, { notes: `note ${MARKER}`, tags: ['vip'] })).status,
    ).toBe(200);
    await query(`
      with p as (insert into packs (creator_id, name, type, price_cents) values ('${env.creatorId}', 'Pack', 'feet', 1500) returning id)
      insert into purchases (creator_id, fan_id, pack_id, provider, provider_charge_id, amount_cents, currency, raw)
      select '${env.creatorId}', '${fanId}', p.id, 'checkout', 'ch_rights_1', 1500, 'EUR', '{"buyer": "${FAN.name}"}'::jsonb from p`);
    await query(
      `update fans set lifetime_spend_cents = 1500, purchase_count = 1, age_verified_at = now(), age_verified_method = 'button' where id = '${fanId}'`,
    );
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await env?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('exports one archive with the profile, consents, every message both ways and the photo', async () => {
    const response = await fetch(`${env.hub.url}/api/fans/${fanId}/export`, {
      headers: { authorization: `Bearer ${env.admin.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    const archive = path.join(tmp, 'export.tar.gz');
    writeFileSync(archive, Buffer.from(await response.arrayBuffer()));
    const out = path.join(tmp, 'export');
    execFileSync('mkdir', ['-p', out]);
    execFileSync('tar', ['-xzf', archive, '-C', out]);

    const data = JSON.parse(readFileSync(path.join(out, 'fan.json'), 'utf8'));
    expect(data.fan).toMatchObject({ id: fanId, displayName: FAN.name, platformUserId: String(FAN.chatId) });
    expect(data.fan.notes).toContain(MARKER);
    expect(data.consents.ageConfirmationMethod).toBe('button');
    const inbound = data.messages.filter((m: any) => m.direction === 'in').map((m: any) => m.text);
    expect(inbound).toEqual([`Bonjour, mon secret est ${MARKER}`, `ma photo ${MARKER}`]);
    expect(data.messages.every((m: any) => typeof m.createdAt === 'string')).toBe(true);
    expect(data.purchases).toMatchObject([{ amount: { cents: 1500, currency: 'EUR' }, packName: 'Pack' }]);
    expect(data.media).toHaveLength(1);
    expect(readFileSync(path.join(out, data.media[0].path)).equals(JPEG)).toBe(true);

    const audit = await query(
      `select actor_id from audit_log where action = 'fan.export' and target_id = '${fanId}'`,
    );
    expect(audit).toHaveLength(1);
  });

  it('refuses a manager both rights, and a wrong confirmation erases nothing', async () => {
    const created = await env.admin.post('/api/users', {
      email: 'manager-rights@test.velvet',
      password: 'manager-password-123',
      role: 'manager',
      creatorIds: [env.creatorId],
    });
    expect(created.status).toBe(201);
    const manager = new Client(env.hub.url!);
    await manager.login('manager-rights@test.velvet', 'manager-password-123');
    expect((await manager.get(`/api/fans/${fanId}/export`)).status).toBe(403);
    expect((await manager.post(`/api/fans/${fanId}/erase`, { confirm: FAN.name })).status).toBe(403);

    const wrong = await env.admin.post(`/api/fans/${fanId}/erase`, { confirm: 'Camille' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.fields).toEqual([{ path: 'confirm', message: expect.any(String) }]);
    const missing = await env.admin.post(`/api/fans/${fanId}/erase`, {});
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.fields.map((f: any) => f.path)).toEqual(['confirm']);

    expect(databaseDump()).toContain(MARKER);
    const [fan] = await query(`select display_name, erased_at from fans where id = '${fanId}'`);
    expect(fan).toMatchObject({ display_name: FAN.name, erased_at: null });
  });

  it('erases every trace of the texts and the name, keeps the figures, and tells the sockets', async () => {
    const before = await figures();
    // The socket recovery log held the texts: the check below can fail.
    expect(await redisDump()).toContain(MARKER);
    const erased = await env.admin.post(`/api/fans/${fanId}/erase`, { confirm: FAN.name });
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ fanId, conversations: 1 });
    expect(erased.body.messages).toBeGreaterThanOrEqual(2);

    const traces = (text: string, needle: string) => text.split('\n').filter((line) => line.includes(needle));
    const dump = databaseDump();
    expect(traces(dump, MARKER)).toEqual([]);
    expect(traces(dump, 'Dupontel')).toEqual([]);
    // The platform's id of the person (their Telegram chat) is detached too.
    expect(traces(dump, String(FAN.chatId))).toEqual([]);
    const redis = await redisDump();
    expect(traces(redis, MARKER)).toEqual([]);
    expect(traces(redis, String(FAN.chatId))).toEqual([]);
    expect(await figures()).toEqual(before);

    const [audit] = await query(
      `select data from audit_log where action = 'fan.erase' and target_id = '${fanId}'`,
    );
    expect(audit.data).toMatchObject({ conversations: 1 });
    await until(
      () => events.find((e) => e.event === 'fan:erased' && e.payload.fanId === fanId),
      5000,
      'fan:erased',
    );
    expect(events.some((e) => e.event === 'conversation:update' && e.payload.status === 'closed')).toBe(true);

    // Erasing twice is a conflict, not a second audit entry.
    expect((await env.admin.post(`/api/fans/${fanId}/erase`, { confirm: '' })).status).toBe(409);
  });

  it('starts a fresh fan when the same person writes again', async () => {
    expect((await env.say(FAN.chatId, 'me revoilà')).status).toBe(200);
    const fans = await until(
      () =>
        query(`select id, display_name from fans where platform_user_id = '${FAN.chatId}'`).then((r) =>
          r.length > 0 ? r : undefined,
        ),
      10_000,
      'the new fan',
    );
    expect(fans).toHaveLength(1);
    expect(fans[0].id).not.toBe(fanId);
    const conversations = await query(`select fan_id from conversations where fan_id = '${fans[0].id}'`);
    expect(conversations).toHaveLength(1);
    const [old] =
      await query(`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
      where c.fan_id = '${fanId}' and m.text = 'me revoilà'`);
    expect(old.n).toBe(0);
  });
});
