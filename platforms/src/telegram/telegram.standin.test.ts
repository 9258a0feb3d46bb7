import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTelegramStandin, TELEGRAM_STANDIN_TOKEN, type TelegramStandin } from './telegram.standin';

let standin: TelegramStandin;
const token = TELEGRAM_STANDIN_TOKEN;

beforeEach(async () => {
  standin = await startTelegramStandin();
});

afterEach(async () => {
  await standin.close();
});

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await fetch(`${standin.apiRoot}${path}`, init);
  return { status: res.status, body: await res.json() };
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('telegram stand-in wire format', () => {
  it('answers getMe with the bot user whose id is the token prefix', async () => {
    expect(await call(`/bot${token}/getMe`)).toEqual({
      status: 200,
      body: {
        ok: true,
        result: {
          id: 7000000001,
          is_bot: true,
          first_name: 'Velvet Test Bot',
          username: 'velvet_test_bot',
          can_join_groups: true,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
        },
      },
    });
  });

  it('answers an unknown token with 401 and an unknown method with 404, like Telegram', async () => {
    expect(await call('/bot1:nope/getMe')).toEqual({
      status: 401,
      body: { ok: false, error_code: 401, description: 'Unauthorized' },
    });
    expect(await call(`/bot${token}/sendTelepathy`, json({}))).toEqual({
      status: 404,
      body: { ok: false, error_code: 404, description: 'Not Found: method not found' },
    });
  });

  it('returns a full Message for sendMessage, numbering messages per chat', async () => {
    await call(`/bot${token}/sendMessage`, json({ chat_id: 10, text: 'a' }));
    await call(`/bot${token}/sendMessage`, json({ chat_id: 20, text: 'b' }));
    const { status, body } = await call(`/bot${token}/sendMessage`, json({ chat_id: 10, text: 'c' }));
    expect(status).toBe(200);
    expect(body.result).toMatchObject({
      message_id: 2,
      chat: { id: 10, type: 'private' },
      from: { id: 7000000001, is_bot: true, username: 'velvet_test_bot' },
      text: 'c',
    });
    expect(typeof body.result.date).toBe('number');
    expect(standin.sent.map((m) => m.text)).toEqual(['a', 'b', 'c']);
  });

  it('reads urlencoded and multipart bodies, decoding JSON-serialized fields', async () => {
    const markup = { inline_keyboard: [[{ text: 'Go', url: 'https://example.com' }]] };
    await call(`/bot${token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: '30',
        text: 'form',
        reply_markup: JSON.stringify(markup),
      }).toString(),
    });
    const form = new FormData();
    form.set('chat_id', '31');
    form.set('text', 'multipart é');
    await call(`/bot${token}/sendMessage`, { method: 'POST', body: form });
    expect(standin.sent).toMatchObject([
      { chat_id: '30', text: 'form', reply_markup: markup },
      { chat_id: '31', text: 'multipart é' },
    ]);
  });

  it('matches method names case-insensitively and reports the webhook it recorded', async () => {
    await call(
      `/bot${token}/SETWEBHOOK`,
      json({ url: 'https://h.example/wh', secret_token: 'abc', allowed_updates: ['message'] }),
    );
    expect((await call(`/bot${token}/getWebhookInfo`)).body.result).toEqual({
      url: 'https://h.example/wh',
      has_custom_certificate: false,
      pending_update_count: 0,
      allowed_updates: ['message'],
    });
    await call(`/bot${token}/deleteWebhook`, json({}));
    expect(standin.webhooks.size).toBe(0);
    expect(standin.calls.map((c) => c.method)).toEqual(['setWebhook', 'getWebhookInfo', 'deleteWebhook']);
  });

  it('applies a fault only to the next N calls of that method', async () => {
    standin.failNext(
      'sendMessage',
      { status: 403, description: 'Forbidden: bot was blocked by the user' },
      2,
    );
    const send = () => call(`/bot${token}/sendMessage`, json({ chat_id: 1, text: 'x' }));
    expect((await send()).body).toEqual({
      ok: false,
      error_code: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect((await send()).status).toBe(403);
    expect((await send()).status).toBe(200);
    expect(standin.sent).toHaveLength(1);
  });

  it('sends the documented 429 body', async () => {
    standin.failNext('getMe', { status: 429, retryAfter: 7 });
    expect(await call(`/bot${token}/getMe`)).toEqual({
      status: 429,
      body: {
        ok: false,
        error_code: 429,
        description: 'Too Many Requests: retry after 7',
        parameters: { retry_after: 7 },
      },
    });
  });

  it('lets a test see a slow send arrive, recorded before it is answered', async () => {
    standin.failNext('sendMessage', { delayMs: 400 });
    const seen: number[] = [];
    standin.onCall(() => seen.push(standin.sent.length));
    const started = Date.now();
    const pending = call(`/bot${token}/sendMessage`, json({ chat_id: 1, text: 'slow' }));
    await expect.poll(() => standin.sent.length).toBe(1);
    expect(seen).toEqual([0]);
    expect((await pending).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
  });

  it('closes promptly even with a request hanging', async () => {
    standin.failNext('sendMessage', { hangMs: 60_000 });
    const pending = call(`/bot${token}/sendMessage`, json({ chat_id: 1, text: 'x' })).catch(
      (e: unknown) => e,
    );
    await expect.poll(() => standin.calls.length).toBe(1);
    const started = Date.now();
    await standin.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await pending).toBeInstanceOf(Error);
    expect(standin.sent).toHaveLength(0);
  });

  it('answers getFile and serves the bytes under /file/bot<token>/<file_path>', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 1, 2, 3]);
    const file = standin.addFile(bytes, { path: 'photos/file_7.jpg' });
    const got = await call(`/bot${token}/getFile`, json({ file_id: file.fileId }));
    expect(got).toEqual({
      status: 200,
      body: {
        ok: true,
        result: {
          file_id: file.fileId,
          file_unique_id: file.fileUniqueId,
          file_size: 8,
          file_path: 'photos/file_7.jpg',
        },
      },
    });
    const download = await fetch(`${standin.apiRoot}/file/bot${token}/photos/file_7.jpg`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  it('refuses an unknown file id, a wrong token and a missing path like Telegram', async () => {
    standin.addFile(Buffer.from('x'), { path: 'voice/file_1.oga' });
    expect(await call(`/bot${token}/getFile`, json({ file_id: 'nope' }))).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' },
    });
    expect((await call(`/bot1:wrong/getFile`, json({ file_id: 'nope' }))).status).toBe(401);
    const wrongToken = await call(`/file/bot1:wrong/voice/file_1.oga`);
    expect(wrongToken.status).toBe(401);
    const missing = await call(`/file/bot${token}/voice/file_2.oga`);
    expect(missing).toEqual({ status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
  });

  it('refuses getFile for a file over 20 MB', async () => {
    const big = standin.addFile(Buffer.alloc(20 * 1024 * 1024 + 1));
    expect(await call(`/bot${token}/getFile`, json({ file_id: big.fileId }))).toEqual({
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request: file is too big' },
    });
  });
});
