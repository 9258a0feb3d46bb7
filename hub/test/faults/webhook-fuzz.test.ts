import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { Client, creatorBody, startTestHub, type TestHub } from '../harness';
import { connectTelegram } from '../stack';

const TOKEN = '7900000001:AAH-fuzz-test-bot-token-for-the-fuzz-suite';
const RUNS = 10_000;

/** Strings the storage layer has opinions about: NUL, lone surrogates, RTL marks, emoji, long runs. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    '\u202e',
    '💋'.repeat(50),
    "'; drop table messages; --",
    '',
  ),
  fc.string({ maxLength: 5000 }),
);
const anyInt = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -(2 ** 52), max: 2 ** 52 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, 2 ** 63) },
  { weight: 1, arbitrary: fc.double() },
);

/**
 * Injected: 10,000 generated webhook deliveries (bodies from well-formed updates with
 * mutated fields to arbitrary JSON and non-JSON text, secret headers right, wrong or missing,
 * account ids real, unknown or malformed, odd content types). Survives: no answer is ever a
 * 5xx, and a delivery that is not authentic or not a Telegram update stores nothing.
 */
describe('fault: webhook fuzzing', () => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  let account: { accountId: string; secret: string };
  let db: pg.Client;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    hub = await startTestHub({ telegramApiRoot: telegram.apiRoot });
    const admin = new Client(hub.url);
    await admin.login('admin@test.velvet', 'admin-password-123');
    const creator = await admin.post('/api/creators', creatorBody('Fuzz'));
    account = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    db = new pg.Client({ connectionString: hub.ctx.env.DATABASE_URL });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await hub?.stop();
    await telegram?.close();
  });

  it(`never answers 5xx to ${RUNS} generated deliveries, and stores only authentic updates`, async () => {
    const update = fc
      .record({
        updateId: anyInt,
        chatId: anyInt,
        text: nasty,
        firstName: nasty,
        languageCode: fc.option(nasty, { nil: undefined }),
        kind: fc.constantFrom('text', 'command', 'edited', 'callback', 'photo'),
      })
      .map(({ kind, ...u }) => {
        const input = { ...u, fromId: u.chatId } as never;
        if (kind === 'command')
          return telegramUpdates.command({ ...(input as object), text: `/${u.text}` } as never);
        if (kind === 'edited') return telegramUpdates.edited(input);
        if (kind === 'callback')
          return telegramUpdates.callback({ ...(input as object), data: u.text } as never);
        if (kind === 'photo')
          return telegramUpdates.photo({ ...(input as object), caption: u.text } as never);
        return telegramUpdates.text(input);
      });
    // A well-formed update with one field somewhere replaced by arbitrary JSON, or removed.
    const mutated = fc
      .tuple(update, fc.nat(), fc.option(fc.jsonValue({ maxDepth: 3 }), { nil: undefined }))
      .map(([u, pick, value]) => {
        const copy = JSON.parse(JSON.stringify(u)) as Record<string, any>;
        const paths: [Record<string, any>, string][] = [];
        const walk = (node: Record<string, any>) => {
          for (const key of Object.keys(node)) {
            paths.push([node, key]);
            if (node[key] && typeof node[key] === 'object') walk(node[key]);
          }
        };
        walk(copy);
        const [parent, key] = paths[pick % paths.length]!;
        if (value === undefined) delete parent[key];
        else parent[key] = value;
        return copy;
      });
    const body = fc.oneof(
      { weight: 3, arbitrary: update.map((u) => JSON.stringify(u)) },
      { weight: 3, arbitrary: mutated.map((u) => JSON.stringify(u)) },
      { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    );
    const secret = fc.oneof(
      { weight: 4, arbitrary: fc.constant('right') },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 2, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 300 }) },
      {
        weight: 1,
        arbitrary: fc
          .nat({ max: 63 })
          .map((i) => `${account.secret.slice(0, i)}x${account.secret.slice(i + 1)}`),
      },
    );
    const accountId = fc.oneof(
      { weight: 6, arbitrary: fc.constant('real') },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map(encodeURIComponent) },
    );
    const contentType = fc.oneof(
      { weight: 6, arbitrary: fc.constant('application/json') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          undefined,
          'text/plain',
          'application/json; charset=latin1',
          'application/x-www-form-urlencoded',
          'application/json; charset=utf-16',
        ),
      },
    );

    const count = async () => Number((await db.query('select count(*)::int as n from messages')).rows[0].n);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(body, secret, accountId, contentType, async (payload, key, id, type) => {
        const header = key === 'right' ? account.secret : key;
        const authentic = header === account.secret && id === 'real';
        const headers: Record<string, string> = {};
        if (type) headers['content-type'] = type;
        // fetch refuses header values with control characters; those never reach a server anyway.
        if (header !== undefined && /^[\t\x20-\x7e]*$/.test(header))
          headers['x-telegram-bot-api-secret-token'] = header;
        else if (header !== undefined) return;
        const before = await count();
        const response = await fetch(
          `${hub.url}/webhooks/telegram/${id === 'real' ? account.accountId : id}`,
          {
            method: 'POST',
            headers,
            body: payload,
          },
        );
        await response.arrayBuffer();
        expect(response.status, `answer to ${payload.slice(0, 200)}`).toBeLessThan(500);
        const after = await count();
        if (!authentic || response.status >= 300)
          expect(after, 'rows stored for a refused delivery').toBe(before);
        else expect(after - before).toBeLessThanOrEqual(1);
        if (response.status < 300) accepted++;
      }),
      { numRuns: RUNS },
    );
    // The generators do reach the storing path, not only the refusals.
    expect(accepted).toBeGreaterThan(RUNS / 20);
    expect(await count()).toBeGreaterThan(RUNS / 40);
  }, 240_000);
});
