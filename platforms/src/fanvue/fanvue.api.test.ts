import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformError } from '@velvet/shared';
import { createFanvueApi } from './fanvue.api';

/** Fanvue's own budget, kept before a call leaves: the bucket and the X-RateLimit-* headers. */
describe('Fanvue API client budget', () => {
  let server: Server;
  let root: string;
  let hits = 0;
  /** Headers the fake Fanvue puts on its next answers. */
  let limitHeaders: Record<string, string> = {};

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(200, { 'content-type': 'application/json', ...limitHeaders });
      res.end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const get = (api: ReturnType<typeof createFanvueApi>, key: string) =>
    api.call('token', key, 'the chats', '/chats', { method: 'GET', lostAnswer: 'retryable' });

  it('allows 200 calls a minute per token, then waits without calling', async () => {
    let now = 1_000_000;
    const api = createFanvueApi({ apiRoot: root, authRoot: root, now: () => now });
    hits = 0;
    for (let i = 0; i < 200; i++) await get(api, 'creator-a');
    const refused = (await get(api, 'creator-a').catch((e) => e)) as PlatformError;
    expect(refused).toMatchObject({ kind: 'retryable', code: 'rate_limited' });
    expect(refused.retryAfterMs).toBe(60_000);
    expect(hits).toBe(200);
    // Another token has its own bucket; a minute later this one is open again.
    await get(api, 'creator-b');
    now += 60_001;
    await get(api, 'creator-a');
    expect(hits).toBe(202);
  });

  it('stops at X-RateLimit-Remaining: 0 until X-RateLimit-Reset', async () => {
    const api = createFanvueApi({ apiRoot: root, authRoot: root });
    limitHeaders = {
      'x-ratelimit-limit': '200',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 30),
    };
    await get(api, 'creator-c');
    limitHeaders = {};
    hits = 0;
    const refused = (await get(api, 'creator-c').catch((e) => e)) as PlatformError;
    expect(refused).toMatchObject({ code: 'rate_limited' });
    expect(refused.retryAfterMs).toBeGreaterThan(25_000);
    expect(hits).toBe(0);
  });
});
