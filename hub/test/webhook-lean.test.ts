import { gzipSync } from 'node:zlib';
import { schema } from '@velvet/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { connectTelegram } from './stack';

const TOKEN = '7700000061:AAH-lean-webhook-test-bot-token-for-tests';

/** Headers that differ between any two answers, whatever served them. */
const PER_ANSWER = new Set(['date', 'content-length', 'etag', 'x-request-id', 'keep-alive', 'connection']);

/**
 * Plain JSON webhooks are served by the lean route on the bare HTTP server; compressed ones
 * still go through Express. A platform (and a security scanner) sees the same answer either way.
 */
describe('the lean webhook route answers as the Express route does', () => {
  let hub: TestHub;
  let telegram: TelegramStandin;
  let account: { accountId: string; secret: string };
  let updateId = 1;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    hub = await startTestHub({ telegramApiRoot: telegram.apiRoot });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', creatorBody('Lean'));
    account = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
  });
  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  const update = (text: string) =>
    JSON.stringify(telegramUpdates.text({ updateId: updateId++, chatId: 6161, fromId: 6161, text }));
  const post = (body: string | Buffer, headers: Record<string, string> = {}, secret = account.secret) =>
    fetch(`${hub.url}/webhooks/telegram/${account.accountId}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-telegram-bot-api-secret-token': secret,
        ...headers,
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const fixed = (response: Response) =>
    Object.fromEntries([...response.headers].filter(([name]) => !PER_ANSWER.has(name)));

  it('stores both, with the same security headers and a request id', async () => {
    const plain = await post(update('lean one'), { 'x-request-id': 'lean-request-1' });
    const zipped = await post(gzipSync(update('express one')), { 'content-encoding': 'gzip' });
    expect(plain.status).toBe(200);
    expect(zipped.status).toBe(200);
    expect(await plain.json()).toEqual(await zipped.json());
    expect(fixed(plain)).toEqual(fixed(zipped));
    // Two paths indeed: Express tags its JSON answers with an ETag, the lean route does not.
    expect(zipped.headers.get('etag')).not.toBeNull();
    expect(plain.headers.get('etag')).toBeNull();
    expect(plain.headers.get('x-content-type-options')).toBe('nosniff');
    expect(plain.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(plain.headers.get('x-request-id')).toBe('lean-request-1');
    expect(zipped.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    // A repeated delivery is known on both paths.
    const again = update('twice');
    expect(await (await post(again)).json()).toEqual({ ok: true, duplicate: false });
    expect(await (await post(gzipSync(again), { 'content-encoding': 'gzip' })).json()).toEqual({
      ok: true,
      duplicate: true,
    });

    const texts = (await hub.ctx.db.select().from(schema.messages)).map((m) => m.text).sort();
    expect(texts).toEqual(['express one', 'lean one', 'twice']);
  });

  it('gives the same error answers and stores nothing', async () => {
    const before = (await hub.ctx.db.select().from(schema.messages)).length;
    const both = async (body: string, headers: Record<string, string> = {}, secret?: string) => {
      const plain = await post(body, headers, secret);
      const zipped = await post(gzipSync(body), { ...headers, 'content-encoding': 'gzip' }, secret);
      const answers = [
        { status: plain.status, body: await plain.json(), headers: fixed(plain) },
        { status: zipped.status, body: await zipped.json(), headers: fixed(zipped) },
      ];
      expect(answers[0]).toEqual(answers[1]);
      return answers[0]!;
    };
    expect(await both('{"update_id": 1, "message": ')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
    expect(await both('"a string"')).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
    expect(await both(update('intrus'), {}, 'not-the-secret')).toMatchObject({
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    expect(await both(JSON.stringify({ hello: 'world' }))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid' } },
    });
    const deep = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    expect(await both(deep)).toMatchObject({ status: 400, body: { error: { code: 'invalid' } } });

    // Over the 1 MiB limit: 413 (left to Express, which reads no further).
    const huge = await post(update('x'.repeat(1024 * 1024)));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(huge.headers.get('x-content-type-options')).toBe('nosniff');

    const unknown = await fetch(`${hub.url}/webhooks/telegram/00000000-0000-4000-8000-000000000000`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': account.secret },
      body: update('nobody'),
    });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await hub.ctx.db.select().from(schema.messages)).length).toBe(before);
    expect(hub.logs.join('')).not.toMatch(/"level":50/);
  });
});
