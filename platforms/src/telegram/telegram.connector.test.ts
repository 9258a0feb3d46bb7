import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PlatformError } from '@velvet/shared';
import { CredentialsRejected } from '../connector';
import { createTelegramConnector, type TelegramConnector } from './telegram.connector';
import { startTelegramStandin, type TelegramStandin } from './telegram.standin';

const TOKEN = '7000000042:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0';
const WRONG_TOKEN = '7000000042:AAwrongwrongwrongwrongwrongwrong00';

let standin: TelegramStandin;
let telegram: TelegramConnector;
const credentials = { botToken: TOKEN };

beforeEach(async () => {
  standin = await startTelegramStandin({ tokens: [TOKEN] });
  telegram = createTelegramConnector({ apiRoot: standin.apiRoot });
});

afterEach(async () => {
  await standin.close();
});

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PlatformError);
  return err as PlatformError;
}

describe('telegram verifyWebhook', () => {
  const stored = { botToken: TOKEN, webhookSecret: 's3cr3t-Token_1' };
  const call = (header: string | undefined) => ({
    headers: header === undefined ? {} : { 'x-telegram-bot-api-secret-token': header },
    rawBody: Buffer.from('{}'),
    body: {},
  });

  it('accepts only the exact secret', () => {
    expect(telegram.verifyWebhook(call('s3cr3t-Token_1'), stored)).toBe(true);
    expect(telegram.verifyWebhook(call('s3cr3t-Token_2'), stored)).toBe(false);
    expect(telegram.verifyWebhook(call(undefined), stored)).toBe(false);
    expect(telegram.verifyWebhook(call(''), stored)).toBe(false);
    expect(telegram.verifyWebhook(call('s3cr3t'), stored)).toBe(false);
    expect(telegram.verifyWebhook(call('s3cr3t-Token_1-and-more'), stored)).toBe(false);
  });

  it('never matches when the account has no secret', () => {
    expect(telegram.verifyWebhook(call(''), { botToken: TOKEN, webhookSecret: '' })).toBe(false);
    expect(telegram.verifyWebhook(call('x'), { botToken: TOKEN })).toBe(false);
  });
});

describe('telegram send', () => {
  it('sends plain text and returns an id in the inbound format', async () => {
    const first = await telegram.send(credentials, { chatId: '5550001', text: 'Hello 👋' });
    const second = await telegram.send(credentials, { chatId: '5550001', text: 'Still there?' });
    expect(first).toEqual({ platformMessageId: '5550001:1' });
    expect(second).toEqual({ platformMessageId: '5550001:2' });
    expect(standin.sent).toHaveLength(2);
    expect(standin.sent[0]).toMatchObject({ token: TOKEN, chat_id: '5550001', text: 'Hello 👋' });
    expect(standin.sent[0]).not.toHaveProperty('reply_markup');
  });

  it('sends an inline keyboard with url and callback buttons', async () => {
    await telegram.send(credentials, {
      chatId: '5550001',
      text: 'Pick a pack',
      keyboard: [
        [
          { text: 'Lingerie', callbackData: 'pack:lingerie' },
          { text: 'Feet', callbackData: 'pack:feet' },
        ],
        [{ text: 'My page', url: 'https://example.com/me' }],
      ],
    });
    expect(standin.sent).toHaveLength(1);
    expect(standin.sent[0]).toMatchObject({ chat_id: '5550001', text: 'Pick a pack' });
    expect(standin.sent[0]?.reply_markup).toEqual({
      inline_keyboard: [
        [
          { text: 'Lingerie', callback_data: 'pack:lingerie' },
          { text: 'Feet', callback_data: 'pack:feet' },
        ],
        [{ text: 'My page', url: 'https://example.com/me' }],
      ],
    });
  });

  it('refuses a button with no action before calling Telegram', async () => {
    const err = await failure(
      telegram.send(credentials, { chatId: '1', text: 'x', keyboard: [[{ text: 'Nothing' }]] }),
    );
    expect(err).toMatchObject({ kind: 'permanent', code: 'rejected' });
    expect(standin.calls).toHaveLength(0);
  });

  it('maps 429 to a retryable error that waits as long as Telegram asks', async () => {
    standin.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const err = await failure(telegram.send(credentials, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'retryable', code: 'rate_limited', retryAfterMs: 1000 });
    expect(standin.sent).toHaveLength(0);
    await expect(telegram.send(credentials, { chatId: '5550001', text: 'hi' })).resolves.toEqual({
      platformMessageId: '5550001:1',
    });
  });

  it('maps a blocked bot to a permanent "blocked" error', async () => {
    standin.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    const err = await failure(telegram.send(credentials, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'blocked' });
    expect(err.message).toContain('bot was blocked by the user');
  });

  it('maps a deactivated user to "blocked" too', async () => {
    standin.failNext('sendMessage', { status: 403, description: 'Forbidden: user is deactivated' });
    const err = await failure(telegram.send(credentials, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'blocked' });
  });

  it('maps "chat not found" to a permanent error', async () => {
    standin.failNext('sendMessage', { status: 400, description: 'Bad Request: chat not found' });
    const err = await failure(telegram.send(credentials, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'chat_not_found' });
  });

  it("maps other 4xx to a permanent rejection carrying Telegram's description", async () => {
    const err = await failure(telegram.send(credentials, { chatId: '5550001', text: 'x'.repeat(5000) }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'rejected' });
    expect(err.message).toContain('Bad Request: message is too long');
  });

  it('maps a 5xx to a retryable upstream error', async () => {
    standin.failNext('sendMessage', { status: 500, description: 'Internal Server Error' });
    const err = await failure(telegram.send(credentials, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'retryable', code: 'upstream' });
  });

  it('calls a connection dropped after the request "outcome unknown", without leaking the token', async () => {
    for (const fault of [{ closeConnection: true as const }, { processThenClose: true as const }]) {
      standin.failNext('sendMessage', fault);
      const err = await failure(telegram.send(credentials, { chatId: '5550001', text: 'hi' }));
      expect(err).toMatchObject({ kind: 'unknown', code: 'outcome_unknown' });
      expect(err.message).not.toContain(TOKEN);
      expect(err.message).not.toContain(TOKEN.split(':')[1]);
    }
    // The second one reached Telegram: retrying it would have sent it twice.
    expect(standin.sent).toHaveLength(1);
  });

  it('calls a refused connection "not delivered": safe to retry', async () => {
    const closed = createTelegramConnector({ apiRoot: 'http://127.0.0.1:9' });
    const err = await failure(closed.send(credentials, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'retryable', code: 'network' });
  });

  it('gives up on a stalled Telegram after the timeout, outcome unknown', async () => {
    const impatient = createTelegramConnector({ apiRoot: standin.apiRoot, timeoutSeconds: 0.3 });
    standin.failNext('sendMessage', { hangMs: 5_000 });
    const started = Date.now();
    const err = await failure(impatient.send(credentials, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'unknown', code: 'outcome_unknown' });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('maps a revoked token to a permanent "invalid_token" error', async () => {
    const err = await failure(telegram.send({ botToken: WRONG_TOKEN }, { chatId: '5550001', text: 'hi' }));
    expect(err).toMatchObject({ kind: 'permanent', code: 'invalid_token' });
    expect(err.message).not.toContain(WRONG_TOKEN);
  });

  it('counts a slow send as delivered even before Telegram answers', async () => {
    standin.failNext('sendMessage', { delayMs: 300 });
    const arrived: string[] = [];
    standin.onCall((call) => arrived.push(call.method));
    const pending = telegram.send(credentials, { chatId: '5550001', text: 'slow' });
    await expect.poll(() => standin.sent.length).toBe(1);
    expect(arrived).toEqual(['sendMessage']);
    await expect(pending).resolves.toEqual({ platformMessageId: '5550001:1' });
  });
});

describe('telegram answerCallback', () => {
  it('answers the callback query with its toast text', async () => {
    await telegram.answerCallback(credentials, '9876543210', 'Sent!');
    expect(standin.callbackAnswers).toEqual([
      expect.objectContaining({ token: TOKEN, callback_query_id: '9876543210', text: 'Sent!' }),
    ]);
  });

  it('uses the same error mapping', async () => {
    standin.failNext('answerCallbackQuery', { status: 429, retryAfter: 3 });
    const err = await failure(telegram.answerCallback(credentials, '1'));
    expect(err).toMatchObject({ kind: 'retryable', code: 'rate_limited', retryAfterMs: 3000 });
  });
});

describe('telegram connect', () => {
  const webhookUrl = 'https://velvet.example.com/webhooks/telegram/acc_123';

  it('checks the token and registers the webhook with a fresh secret', async () => {
    const connected = await telegram.connect({ botToken: TOKEN }, { webhookUrl });
    const secret = connected.credentials.webhookSecret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(connected).toEqual({
      credentials: { botToken: TOKEN, webhookSecret: secret },
      settings: { bot: { id: '7000000042', username: 'velvet_test_bot' } },
      label: '@velvet_test_bot',
    });
    expect(standin.webhooks.get(TOKEN)).toEqual({
      url: webhookUrl,
      secret_token: secret,
      allowed_updates: ['message', 'edited_message', 'callback_query', 'pre_checkout_query'],
    });
    expect(standin.calls.map((call) => call.method)).toEqual(['getMe', 'setWebhook']);
    expect(standin.calls[1]?.body).toMatchObject({ drop_pending_updates: false });
    const again = await telegram.connect({ botToken: TOKEN }, { webhookUrl });
    expect(again.credentials.webhookSecret).not.toBe(secret);
  });

  it('refuses a wrong token without echoing it and registers nothing', async () => {
    const err = await telegram.connect({ botToken: WRONG_TOKEN }, { webhookUrl }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialsRejected);
    expect(err).toMatchObject({ field: 'botToken', message: 'Telegram rejected the bot token' });
    expect((err as Error).message).not.toContain(WRONG_TOKEN);
    expect(standin.webhooks.size).toBe(0);
  });

  it('refuses a token that is not in Telegram format without sending it anywhere', async () => {
    const err = await telegram
      .connect({ botToken: 'not-a-token/../x' }, { webhookUrl })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CredentialsRejected);
    expect(err).toMatchObject({ field: 'botToken' });
    expect(standin.calls).toHaveLength(0);
  });

  it('reports a Telegram outage during setWebhook as retryable', async () => {
    standin.failNext('setWebhook', { status: 502, description: 'Bad Gateway' });
    const err = await failure(telegram.connect({ botToken: TOKEN }, { webhookUrl }));
    expect(err).toMatchObject({ kind: 'retryable', code: 'upstream' });
    expect(standin.webhooks.size).toBe(0);
  });

  it('disconnects: the webhook is removed on Telegram', async () => {
    const connected = await telegram.connect({ botToken: TOKEN }, { webhookUrl });
    expect(standin.webhooks.has(TOKEN)).toBe(true);
    await telegram.disconnect(connected.credentials);
    expect(standin.webhooks.has(TOKEN)).toBe(false);
    expect(standin.calls.at(-1)).toMatchObject({
      method: 'deleteWebhook',
      body: { drop_pending_updates: false },
    });
  });
});

describe('telegram files', () => {
  it('streams a fan file by its id, with the type Telegram serves', async () => {
    const bytes = Buffer.from('OggS voice bytes');
    const file = standin.addFile(bytes, { path: 'voice/file_3.oga' });
    const fetched = await telegram.fetchFile(credentials, file.fileId);
    expect(fetched.contentType).toBe('audio/ogg');
    expect(fetched.size).toBe(bytes.length);
    const body = Buffer.from(await new Response(fetched.body as ReadableStream).arrayBuffer());
    expect(body).toEqual(bytes);
  });

  it('says which file failed without leaking the token', async () => {
    const unknown = await failure(telegram.fetchFile(credentials, 'no-such-file'));
    expect(unknown.message).toMatch(/invalid file_id/);
    expect(unknown.kind).toBe('permanent');
    const big = standin.addFile(Buffer.alloc(20 * 1024 * 1024 + 1));
    const tooBig = await failure(telegram.fetchFile(credentials, big.fileId));
    expect(tooBig.code).toBe('file_too_large');
    const file = standin.addFile(Buffer.from('x'), { path: 'photos/file_9.jpg' });
    standin.failNext('file', { status: 500, description: 'Internal Server Error' });
    const down = await failure(telegram.fetchFile(credentials, file.fileId));
    expect(down.kind).toBe('retryable');
    for (const err of [unknown, tooBig, down]) expect(err.message).not.toContain(TOKEN.split(':')[1]);
  });

  it('uploads a photo with its caption as multipart', async () => {
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/velvet-upload-'));
    const path = `${dir}/pic.png`;
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await import('node:fs/promises').then((fs) => fs.writeFile(path, bytes));
    const result = await telegram.send(credentials, {
      chatId: '42',
      text: 'pour toi',
      attachment: { kind: 'photo', path, fileName: 'pic "1".png' },
    });
    expect(result.platformMessageId).toMatch(/^42:\d+$/);
    expect(standin.media).toHaveLength(1);
    const [item] = standin.media[0]!.media;
    expect(standin.media[0]!.method).toBe('sendPhoto');
    expect(item!.caption).toBe('pour toi');
    expect(item!.upload!.bytes).toEqual(bytes);
    expect(item!.upload!.filename).toBe('pic _1_.png');
  });
});
