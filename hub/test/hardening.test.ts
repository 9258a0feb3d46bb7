import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import jwt from 'jsonwebtoken';
import { schema } from '@velvet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { connectTelegram, inboxClient, postTelegram } from './stack';

const TOKEN = '7700000051:AAH-hardening-test-bot-token-for-tests';
const SECOND_TOKEN = '7700000052:AAH-hardening-test-bot-token-number-2';

/** Inputs that once answered 500: each now gets a clear 4xx. */
describe('bad input gets a clear 4xx, never a 500', () => {
  let hub: TestHub;
  let telegram: TelegramStandin;
  let account: { accountId: string; secret: string };

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN, SECOND_TOKEN] });
    hub = await startTestHub({ telegramApiRoot: telegram.apiRoot });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', creatorBody('Hardening'));
    account = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
  });
  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  const webhook = (body: unknown) => postTelegram(hub.url, account.accountId, account.secret, body);
  const stored = () => hub.ctx.db.select().from(schema.messages);

  it('refuses webhook bodies no platform sends: 10,000 levels deep, dates out of range', async () => {
    // Written by hand: JSON.stringify itself would overflow on it.
    const update = JSON.stringify(telegramUpdates.text({ updateId: 1, chatId: 9, fromId: 9, text: 'x' }));
    const deep = `${'{"nested":'.repeat(10_000)}"bottom"${'}'.repeat(10_000)}`;
    const nested = await webhook(`${update.slice(0, -1)},"deep":${deep}}`);
    expect(nested.status).toBe(400);
    expect(nested.body.error.message).toMatch(/nested deeper/);
    for (const date of [1e15, -5, 2 ** 31]) {
      const update = telegramUpdates.text({ updateId: 2, chatId: 9, fromId: 9, text: 'x', date });
      expect((await webhook(update)).status, `date ${date}`).toBe(400);
    }
    expect(await stored()).toEqual([]);
  });

  it('refuses API bodies and socket payloads nested deeper than the limit, not with a 500', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const deep = `${'['.repeat(8_000)}${']'.repeat(8_000)}`;
    for (const path of ['/api/creators', '/api/auth/login', '/api/intents/classify']) {
      const response = await admin.post(path, `{"name":${deep}}`);
      expect(response.status, path).toBe(400);
      expect(response.body.error.message, path).toMatch(/nested deeper/);
    }
    const socket = await inboxClient(hub.url, admin.token);
    try {
      const ack = await socket
        .timeout(5000)
        .emitWithAck('message:send', JSON.parse(`{"text":${'['.repeat(3_000)}${']'.repeat(3_000)}}`));
      expect(ack).toMatchObject({ ok: false, error: { code: 'invalid' } });
    } finally {
      socket.close();
    }
    expect(hub.logs.join('')).not.toMatch(/"level":50/);
  });

  it('answers a pre-checkout naming no real offer with a refusal, not a 500', async () => {
    const query = telegramUpdates.preCheckout({
      updateId: 3,
      fromId: 9,
      totalAmount: 500,
      payload: `offer:${'-'.repeat(36)}`,
    });
    expect((await webhook(query)).status).toBe(200);
    expect(telegram.preCheckoutAnswers.at(-1)).toMatchObject({ ok: false });
  });

  it('refuses a body whose Content-Encoding does not match its bytes', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      for (const path of ['/api/auth/login', '/webhooks/telegram/00000000-0000-4000-8000-000000000000']) {
        const response = await fetch(hub.url + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-encoding': encoding },
          body: JSON.stringify({ email: ADMIN.email, password: ADMIN.password }),
        });
        expect(response.status, `${encoding} ${path}`).toBeGreaterThanOrEqual(400);
        expect(response.status, `${encoding} ${path}`).toBeLessThan(500);
        expect(await response.json()).toMatchObject({ error: { code: expect.any(String) } });
      }
    }
    // A body that really is gzipped is read as such.
    const zipped = await fetch(hub.url + '/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ email: ADMIN.email, password: ADMIN.password })),
    });
    expect(zipped.status).toBe(200);
    expect(hub.logs.join('')).not.toMatch(/"level":50/);
  });

  it('refuses a validly signed token whose subject is not a user id', async () => {
    const token = jwt.sign({ role: 'admin' }, hub.ctx.secrets.jwtKey, {
      algorithm: 'HS256',
      issuer: 'velvet',
      audience: 'velvet',
      subject: 'not-a-uuid',
      expiresIn: 60,
    });
    const client = new Client(hub.url);
    client.token = token;
    const me = await client.get('/api/me');
    expect(me.status).toBe(401);
  });

  it('refuses a validly signed token of a real user that names no live sign-in', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const userId = (await admin.get('/api/me')).body.user.id as string;
    const sign = (claims: object) =>
      jwt.sign({ role: 'admin', ...claims }, hub.ctx.secrets.jwtKey, {
        algorithm: 'HS256',
        issuer: 'velvet',
        audience: 'velvet',
        subject: userId,
        expiresIn: 60,
      });
    // No session at all (the format before sessions were checked), and an invented one.
    for (const token of [sign({}), sign({ sid: randomUUID() })]) {
      const client = new Client(hub.url);
      client.token = token;
      expect((await client.get('/api/me')).status).toBe(401);
      await expect(inboxClient(hub.url, token)).rejects.toThrow('unauthorized');
    }
  });

  it('stores text carrying U+0000 or a lone surrogate, with U+FFFD in their place', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const created = await admin.post('/api/creators', {
      ...creatorBody('Nul'),
      name: 'Mi\u0000la \ud800',
      constraints: ['pas\u0000 de \udc00vidéos'],
    });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe('Mi\ufffdla \ufffd');
    expect(created.body.constraints).toEqual(['pas\ufffd de \ufffdvidéos']);
    const search = await admin.get('/api/conversations?q=%00abc');
    expect(search.status).toBe(200);
  });

  it('answers a path parameter that is not valid percent-encoding with a 400', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    for (const [method, path] of [
      ['GET', '/api/drafts/%'],
      ['POST', '/api/messages/%C0%AF/retry'],
      ['POST', '/webhooks/payments/%C0%AF'],
    ] as const) {
      const response = await admin.request(method, path);
      expect(response.status, path).toBe(400);
      expect(response.body.error.code, path).toBe('bad_request');
    }
    expect(hub.logs.join('')).not.toMatch(/"level":50/);
  });

  it('answers an update that changes nothing with a 422', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', creatorBody('Promo'));
    const promo = await admin.post(`/api/creators/${creator.body.id}/promo-codes`, {
      code: 'NOTHING',
      kind: 'percent',
      value: 10,
    });
    const response = await admin.patch(`/api/promo-codes/${promo.body.id}`, {});
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/nothing to change/);
  });

  it('answers a pack or promo code for a creator that does not exist with a 404', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const nobody = '0b3c8f4e-5d2a-4c1b-9e7f-6a5b4c3d2e1f';
    const pack = await admin.post(`/api/creators/${nobody}/packs`, { name: 'P', type: 'feet', price: 5 });
    expect(pack.status).toBe(404);
    const promo = await admin.post(`/api/creators/${nobody}/promo-codes`, {
      code: 'GHOST',
      kind: 'percent',
      value: 10,
    });
    expect(promo.status).toBe(404);
    expect(hub.logs.join('')).not.toMatch(/"level":50/);
  });

  it('answers a file of a disconnected account with a 409, not a 502', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', creatorBody('Gone'));
    const gone = await connectTelegram(admin, telegram, SECOND_TOKEN, creator.body.id);
    const file = telegram.addFile(Buffer.from('\xff\xd8\xff\xe0jpeg', 'latin1'), { token: SECOND_TOKEN });
    const photo = telegramUpdates.photo({
      updateId: 7,
      chatId: 70,
      fromId: 70,
      fileId: file.fileId,
      fileSize: 8,
    });
    expect((await postTelegram(hub.url, gone.accountId, gone.secret, photo)).status).toBe(200);
    const [conversation] = (await admin.get(`/api/conversations?creatorId=${creator.body.id}`)).body
      .conversations;
    const [message] = (await admin.get(`/api/conversations/${conversation.id}/messages`)).body.messages;
    const before = await fetch(`${hub.url}/api/messages/${message.id}/attachments/0`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(Buffer.from(await before.arrayBuffer())).toEqual(Buffer.from('\xff\xd8\xff\xe0jpeg', 'latin1'));

    expect((await admin.delete(`/api/accounts/${gone.accountId}`)).status).toBe(200);
    const after = await admin.get(`/api/messages/${message.id}/attachments/0`);
    expect(after.status).toBe(409);
    expect(after.body.error.message).toMatch(/disconnected/);
  });

  it('answers a cursor this server did not issue with a 400', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const bad of [
      cursor({ at: 1 }),
      cursor(['-100000-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000']),
      cursor(['2026-01-01T00:00:00.000Z', 'not-a-uuid']),
      cursor('plain'),
      'not base64 at all !',
    ]) {
      const response = await admin.get(`/api/conversations?cursor=${encodeURIComponent(bad)}`);
      expect(response.status, bad).toBe(400);
      expect(response.body.error.message).toMatch(/cursor/);
    }
  });
});
