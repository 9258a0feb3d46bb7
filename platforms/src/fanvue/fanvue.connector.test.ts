import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadVelvetConfig, PlatformError } from '@velvet/shared';
import { createFanvueConnector, type FanvueConnector } from './fanvue.connector';
import { FANVUE_API_VERSION } from './fanvue.schema';
import { fanvueEvents, signFanvueWebhook, startFanvueStandin, type FanvueStandin } from './fanvue.standin';

const CLIENT = { clientId: 'velvet-test-client', clientSecret: 'velvet-test-client-secret-0001' };
const SECRET = 'fanvue-webhook-signing-secret-0001';
const NEXT_SECRET = 'fanvue-webhook-signing-secret-0002';
const REDIRECT = 'http://127.0.0.1:1/api/oauth/fanvue/callback';

/** Walks the consent page as a browser would and returns the code Fanvue sends back. */
async function authorizeCode(connector: FanvueConnector, verifier: string): Promise<string> {
  const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
  const url = connector.oauth.authorizeUrl({ state: 'st-1', codeChallenge, redirectUri: REDIRECT });
  const response = await fetch(url, { redirect: 'manual' });
  const back = new URL(response.headers.get('location')!);
  expect(back.searchParams.get('state')).toBe('st-1');
  return back.searchParams.get('code')!;
}

describe('Fanvue connector against the stand-in', () => {
  let standin: FanvueStandin;
  let connector: FanvueConnector;
  let stored: Record<string, unknown>;

  beforeAll(async () => {
    standin = await startFanvueStandin(CLIENT);
    connector = createFanvueConnector({
      apiRoot: standin.apiRoot,
      authRoot: standin.authRoot,
      ...CLIENT,
      webhookSecret: `${SECRET}, ${NEXT_SECRET}`,
    });
    const verifier = randomBytes(32).toString('base64url');
    const code = await authorizeCode(connector, verifier);
    const connected = await connector.oauth.exchange({ code, codeVerifier: verifier, redirectUri: REDIRECT });
    stored = connected.credentials;
    expect(connected.identity).toBe(standin.creator.uuid);
  });
  afterAll(() => standin?.close());

  it('refuses a code with the wrong PKCE verifier, and a code used twice', async () => {
    const verifier = randomBytes(32).toString('base64url');
    const code = await authorizeCode(connector, verifier);
    await expect(
      connector.oauth.exchange({ code, codeVerifier: `${verifier}x`, redirectUri: REDIRECT }),
    ).rejects.toMatchObject({ code: 'refresh_refused' });
    await expect(
      connector.oauth.exchange({ code, codeVerifier: verifier, redirectUri: REDIRECT }),
    ).rejects.toMatchObject({ code: 'refresh_refused' });
  });

  it('names what is missing when the client is not configured', () => {
    const bare = createFanvueConnector({ apiRoot: standin.apiRoot, authRoot: standin.authRoot });
    expect(bare.oauth.missing()).toEqual(['FANVUE_CLIENT_ID', 'FANVUE_CLIENT_SECRET']);
    expect(connector.oauth.missing()).toEqual([]);
  });

  it('sends with the API version header and rotates the refresh token, which then works once', async () => {
    const sent = await connector.send(stored, { chatId: 'fan-1', text: 'Coucou' });
    expect(sent.platformMessageId).toMatch(/-/);
    const call = standin.calls.find((c) => c.route === 'send')!;
    expect(call.headers['x-fanvue-api-version']).toBe(FANVUE_API_VERSION);

    const refreshed = await connector.tokens.refresh(stored);
    expect(refreshed.refreshToken).not.toBe(stored.refreshToken);
    await expect(connector.tokens.refresh(stored)).rejects.toMatchObject({
      kind: 'permanent',
      code: 'refresh_refused',
    });
    stored = refreshed;
    expect(connector.tokens.expiresSoon(stored, new Date())).toBe(false);
    expect(connector.tokens.expiresSoon(stored, new Date(Date.now() + 3600_000))).toBe(true);
  });

  it('treats a server error and a lost refresh answer as transient', async () => {
    standin.failNext('token', { status: 503 });
    await expect(connector.tokens.refresh(stored)).rejects.toMatchObject({ kind: 'retryable' });
    // Both the refresh and its immediate retry lose their answers: still transient.
    standin.failNext('token', { processThenClose: true }, 2);
    const lost = await connector.tokens.refresh(stored).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(PlatformError);
    expect((lost as PlatformError).kind).toBe('retryable');
    expect((lost as PlatformError).code).toBe('outcome_unknown');
  });

  it("replaces a pair whose answer was lost, within the server's rotation grace period", async () => {
    const graceful = await startFanvueStandin({ ...CLIENT, reuseGraceMs: 10_000 });
    try {
      const c = createFanvueConnector({ apiRoot: graceful.apiRoot, authRoot: graceful.authRoot, ...CLIENT });
      const verifier = randomBytes(32).toString('base64url');
      const code = await authorizeCode(c, verifier);
      const { credentials } = await c.oauth.exchange({ code, codeVerifier: verifier, redirectUri: REDIRECT });
      graceful.failNext('token', { processThenClose: true });
      const refreshed = await c.tokens.refresh(credentials);
      expect(graceful.refreshes.map((r) => r.token)).toEqual([
        credentials.refreshToken,
        credentials.refreshToken,
      ]);
      await expect(c.send(refreshed, { chatId: 'fan-9', text: 'toujours là' })).resolves.toBeDefined();
    } finally {
      await graceful.close();
    }
  });

  it('honours 429 Retry-After: the next call waits without reaching Fanvue', async () => {
    standin.failNext('send', { status: 429, retryAfter: 2 });
    const error = (await connector
      .send(stored, { chatId: 'fan-2', text: 'Pause' })
      .catch((e) => e)) as PlatformError;
    expect(error).toMatchObject({ kind: 'retryable', code: 'rate_limited', retryAfterMs: 2000 });
    const before = standin.calls.length;
    const again = (await connector
      .send(stored, { chatId: 'fan-2', text: 'Pause' })
      .catch((e) => e)) as PlatformError;
    expect(again.code).toBe('rate_limited');
    expect(again.retryAfterMs).toBeGreaterThan(0);
    expect(standin.calls.length).toBe(before);
    await new Promise((r) => setTimeout(r, 2100));
    await expect(connector.send(stored, { chatId: 'fan-2', text: 'Pause' })).resolves.toBeDefined();
  });

  it('a 410 names the next API version', async () => {
    standin.failNext('send', { status: 410, nextVersion: '2026-11-01' });
    await expect(connector.send(stored, { chatId: 'fan-3', text: 'x' })).rejects.toMatchObject({
      kind: 'permanent',
      code: 'api_version_retired',
      message: expect.stringContaining('2026-11-01'),
    });
  });

  it('sells a pack as a paid message: price and uploaded media', async () => {
    expect(connector.refusesOffer({ priceCents: 1500, currency: 'EUR', mediaCount: 0 })).toMatch(
      /needs media/,
    );
    expect(connector.refusesOffer({ priceCents: 1500, currency: 'EUR', mediaCount: 2 })).toBeUndefined();
    // The pack's files, served as a CDN would (the upload session itself: fanvue.media.test.ts).
    const files = createServer((req, res) => res.end(`bytes of ${req.url}`));
    await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
    const cdn = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    try {
      await connector.sendPaidMessage(stored, {
        chatId: 'fan-4',
        text: 'Pack pieds',
        priceCents: 1500,
        currency: 'EUR',
        media: [
          { kind: 'photo', url: `${cdn}/1.jpg` },
          { kind: 'video', url: `${cdn}/2.mp4` },
        ],
      });
    } finally {
      await new Promise<void>((r) => files.close(() => r()));
    }
    const paid = standin.sent.find((m) => m.chatId === 'fan-4')!;
    expect(paid.price).toBe(1500);
    expect(paid.mediaUuids).toHaveLength(2);
    expect(paid.mediaUuids.map((id) => standin.mediaBytes(id)?.toString())).toEqual([
      'bytes of /1.jpg',
      'bytes of /2.mp4',
    ]);
  });

  it('checks the signature on the raw bytes: window, wrong secret, rotation', () => {
    const body = fanvueEvents.message({ fan: { uuid: 'fan-5' }, text: 'Salut' });
    const raw = JSON.stringify(body);
    const request = (header: string, bytes = raw) => ({
      headers: { 'x-fanvue-signature': header },
      rawBody: Buffer.from(bytes),
      body,
    });
    const now = Math.floor(Date.now() / 1000);
    expect(connector.verifyWebhook(request(signFanvueWebhook(raw, SECRET)))).toBe(true);
    expect(connector.verifyWebhook(request(signFanvueWebhook(raw, 'wrong-secret')))).toBe(false);
    expect(connector.verifyWebhook(request(signFanvueWebhook(raw, SECRET, now - 301)))).toBe(false);
    expect(connector.verifyWebhook(request(signFanvueWebhook(raw, SECRET), `${raw} `))).toBe(false);
    // During a rotation: the old and new signatures side by side, either may be ours.
    expect(connector.verifyWebhook(request(signFanvueWebhook(raw, ['old-secret', NEXT_SECRET])))).toBe(true);
    const [t, v0] = signFanvueWebhook(raw, SECRET).split(',');
    expect(connector.verifyWebhook(request(`${t},v0=${'0'.repeat(64)},${v0}`))).toBe(true);
    expect(connector.verifyWebhook(request(''))).toBe(false);
  });

  it('normalises message, subscriber, tip and purchase events', () => {
    const parse = (body: unknown) => connector.parseWebhook({ headers: {}, rawBody: Buffer.alloc(0), body });
    const fan = { uuid: 'fan-6', handle: 'hugo', displayName: 'Hugo' };
    expect(parse(fanvueEvents.message({ fan, text: 'Hey' }))).toMatchObject({
      kind: 'message',
      message: { kind: 'text', text: 'Hey', chatId: 'fan-6', fan: { displayName: 'Hugo', username: 'hugo' } },
    });
    expect(parse(fanvueEvents.subscriber({ fan }))).toMatchObject({
      kind: 'message',
      message: { kind: 'subscriber' },
    });
    expect(
      parse(fanvueEvents.tip({ fan, amountCents: 500, currency: 'eur', message: 'merci' })),
    ).toMatchObject({
      kind: 'message',
      message: { kind: 'tip', text: 'merci', tip: { amountCents: 500, currency: 'EUR' } },
    });
    expect(
      parse(
        fanvueEvents.purchase({
          fan,
          messageUuid: 'm-1',
          amountCents: 1500,
          currency: 'EUR',
          purchaseUuid: 'p-1',
        }),
      ),
    ).toMatchObject({
      kind: 'payment',
      payment: { paidMessageId: 'm-1', chargeId: 'fanvue:p-1', totalAmount: 1500, currency: 'EUR' },
    });
    expect(parse({ id: 'e', type: 'creator.message.read', data: {} })).toMatchObject({ kind: 'ignored' });
    expect(parse({ nope: true })).toMatchObject({ kind: 'invalid' });
  });

  it("applies the seed's budget: 10 a minute, 1,000 a day", () => {
    const config = loadVelvetConfig('config/velvet.yaml');
    expect(connector.limits(config.platforms)).toEqual({
      rules: [{ scope: 'account', intervalMs: 6000 }],
      perDay: 1000,
    });
  });
});
