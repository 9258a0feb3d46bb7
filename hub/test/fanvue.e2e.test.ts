import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import {
  connectFanvueThroughHub,
  deliverFanvueWebhook,
  fanvueEvents,
  signFanvueWebhook,
  startFanvueStandin,
  type FanvueStandin,
} from '@velvet/platforms/testing';
import { creatorBody, type Client } from './harness';
import { inboxClient, record, Stack, until, type InboxClient, type VelvetProcess } from './stack';

const CLIENT_ID = 'velvet-e2e-client';
const CLIENT_SECRET = 'velvet-e2e-client-secret-0123456789';
const SECRET = 'fanvue-e2e-webhook-signing-secret';
/** The seed's 10 a minute, shortened to 5 a second (the seed's figures: fanvue.connector.test.ts). */
const PER_MINUTE = 300;
const DRAFT = 'Coucou toi, contente de te lire 😘';
const WELCOME_MS = 2000;
const SLOW = 45_000;

/**
 * Fanvue through its stand-in, on real hub and workers processes: the OAuth connection,
 * signed webhooks in, approved replies out, a paid message sold once, Fanvue's 429 and 410,
 * and a refresh token Fanvue refuses.
 */
describe('Fanvue → inbox → Fanvue (official API, OAuth)', () => {
  let fanvue: FanvueStandin;
  let ollama: OllamaStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let creatorId: string;
  let accountId: string;
  let webhookUrl: string;
  /** The pack's files, served as a CDN would: the connector fetches them to upload to Fanvue. */
  let cdn: Server;
  let cdnUrl: string;
  // Over 10 MiB, so the photo goes up as 2 parts of Fanvue's upload session.
  const packFiles: Record<string, Buffer> = {
    '/packs/pied-1.jpg': randomBytes(10 * 1024 * 1024 + 4321),
    '/packs/pied-2.jpg': randomBytes(2048),
  };

  const fan = (n: number) => ({
    uuid: `00000000-0000-4000-9000-${String(n).padStart(12, '0')}`,
    handle: `fan${n}`,
    displayName: `Fan ${n}`,
  });
  const say = (n: number, text: string) =>
    deliverFanvueWebhook(webhookUrl, fanvueEvents.message({ fan: fan(n), text }), SECRET);
  const sentTo = (n: number) => fanvue.sent.filter((m) => m.chatId === fan(n).uuid);
  const conversationOf = (n: number) =>
    until(
      async () =>
        (
          await stack.query<{ id: string }>(
            `select id from conversations where account_id = '${accountId}' and platform_chat_id = '${fan(n).uuid}'`,
          )
        )[0]?.id,
      10_000,
      `conversation with fan ${n}`,
    );
  const hubAuth = () => ({ url: hub.url!, accessToken: admin.token! });

  beforeAll(async () => {
    fanvue = await startFanvueStandin({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
    cdn = createServer((req, res) => {
      const file = packFiles[req.url ?? ''];
      if (!file) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': file.length }).end(file);
    });
    await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
    cdnUrl = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
    ollama = await startOllamaStandin({ tokensPerSecond: 400, reply: () => DRAFT });
    stack = await Stack.create({
      env: {
        // Every request logged, so the test can see the callback's line carries no code.
        LOG_LEVEL: 'debug',
        FANVUE_API_ROOT: fanvue.apiRoot,
        FANVUE_AUTH_ROOT: fanvue.authRoot,
        FANVUE_CLIENT_ID: CLIENT_ID,
        FANVUE_CLIENT_SECRET: CLIENT_SECRET,
        FANVUE_WEBHOOK_SECRET: SECRET,
        OLLAMA_HOST: ollama.url,
      },
      config: (yaml) =>
        yaml
          .replace(/(fanvue:\s*\n(?:\s*#.*\n)*\s*messages_per_minute:)\s*\d+/, `$1 ${PER_MINUTE}`)
          // The seed's 30 s welcome delay, shortened the same way.
          .replace(/(welcome:\s*\n\s*after:[\s\S]*?fanvue:) 30s/, `$1 ${WELCOME_MS}ms`),
    });
    hub = await stack.start('hub');
    await stack.start('workers');
    admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Fiona'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    expect(creator.status).toBe(201);
    creatorId = creator.body.id;
    socket = await inboxClient(hub.url!, admin.token);
    events = record(socket);
  }, 120_000);

  afterAll(async () => {
    socket?.close();
    await stack?.destroy();
    await ollama?.close();
    await fanvue?.close();
    await new Promise<void>((resolve) => (cdn ? cdn.close(() => resolve()) : resolve()));
  });

  it('connects through OAuth + PKCE; a replayed or unknown state is refused; tokens never come back', async () => {
    const {
      accountId: connected,
      landing,
      authorizeUrl,
    } = await connectFanvueThroughHub(hubAuth(), creatorId);
    expect(landing).toBe(`/accounts?connected=${connected}`);
    const consent = new URL(authorizeUrl);
    expect(`${consent.origin}${consent.pathname}`).toBe(`${fanvue.authRoot}/oauth2/auth`);
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('redirect_uri')).toBe(`${hub.url}/api/oauth/fanvue/callback`);
    expect(consent.searchParams.get('scope')).toContain('offline_access');
    accountId = connected!;

    // The browser's callback URL again (a replay), and a made-up state: refused, nothing added.
    const replay = await fetch(authorizeUrl, { redirect: 'manual' });
    const replayed = await fetch(replay.headers.get('location')!, { redirect: 'manual' });
    expect(replayed.headers.get('location')).toBe('/accounts?error=invalid_state');
    const made = await fetch(`${hub.url}/api/oauth/fanvue/callback?code=abc&state=made-up-state`, {
      redirect: 'manual',
    });
    expect(made.status).toBe(303);
    expect(made.headers.get('location')).toBe('/accounts?error=invalid_state');
    // A creator saying no on Fanvue's page.
    const started = await admin.post('/api/accounts/fanvue/oauth', { creatorId });
    const denied = await fetch(`${started.body.url}&deny=1`, { redirect: 'manual' });
    const back = await fetch(denied.headers.get('location')!, { redirect: 'manual' });
    expect(back.headers.get('location')).toBe('/accounts?error=denied');

    const listed = await admin.get(`/api/creators/${creatorId}/accounts`);
    expect(listed.body.accounts).toHaveLength(1);
    expect(listed.body.accounts[0]).toMatchObject({
      id: accountId,
      platform: 'fanvue',
      status: 'active',
      label: `Fanvue @${fanvue.creator.handle}`,
    });
    webhookUrl = listed.body.accounts[0].webhookUrl;
    expect(webhookUrl).toBe(`${hub.url}/webhooks/fanvue/${accountId}`);
    const [row] = await stack.query<{ credentials_enc: string }>(
      `select credentials_enc from platform_accounts where id = '${accountId}'`,
    );
    for (const token of fanvue.issued) {
      expect(JSON.stringify(listed.body)).not.toContain(token);
      expect(row!.credentials_enc).not.toContain(token);
    }

    // The form route says how Fanvue connects instead.
    const form = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'fanvue',
      credentials: {},
    });
    expect(form.status).toBe(422);
    expect(JSON.stringify(form.body)).toContain('/api/accounts/fanvue/oauth');
  });

  it('shows a signed fan message live; a bad or stale signature stores nothing; approve sends it', async () => {
    const forged = JSON.stringify(fanvueEvents.message({ fan: fan(61), text: 'intrus' }));
    for (const header of [
      signFanvueWebhook(forged, 'wrong-secret'),
      signFanvueWebhook(forged, SECRET, Math.floor(Date.now() / 1000) - 600),
      '',
    ]) {
      const refused = await fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-fanvue-signature': header },
        body: forged,
      });
      expect(refused.status).toBe(401);
    }

    expect((await say(60, 'Salut, tu es là ?')).status).toBe(200);
    const incoming = await until(
      () => events.find((e) => e.event === 'message:new' && e.payload.message.text === 'Salut, tu es là ?'),
      10_000,
      'message:new',
    );
    const conversationId: string = incoming.payload.conversationId;
    const done = await until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId),
      20_000,
      'draft:done',
    );
    expect(done.payload).toMatchObject({ text: DRAFT, status: 'pending_approval' });
    expect(sentTo(60)).toEqual([]);
    expect(await stack.query(`select 1 from messages where text = 'intrus'`)).toEqual([]);

    expect(await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId })).toMatchObject({
      ok: true,
    });
    await until(
      () => events.find((e) => e.event === 'message:sent' && e.payload.conversationId === conversationId),
      SLOW,
      'message:sent',
    );
    expect(sentTo(60)).toHaveLength(1);
    expect(sentTo(60)[0]!.text).toContain(DRAFT);
    expect(sentTo(60)[0]!.price).toBe(0);
    const call = fanvue.calls.find((c) => c.route === 'send')!;
    expect(call.headers['x-fanvue-api-version']).toBe('2025-06-26');
  });

  it('sells a pack as a paid message; the purchase delivered twice records one sale and stops the follow-up', async () => {
    await say(70, 'Coucou, ça va ?');
    const conversationId = await conversationOf(70);
    await until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId),
      20_000,
      'the first draft',
    );
    // Fanvue does not verify fans' age and has no buttons: the fan is asked to type "18+".
    await say(70, 'tu as des packs pieds ?');
    const asked = await until(
      () => sentTo(70).find((m) => m.text.includes('18+')),
      SLOW,
      'the typed 18+ question',
    );
    expect(asked.text).toMatch(/réponds « 18\+ »/);
    await say(70, '18+');
    await until(
      async () =>
        (
          await stack.query<{ method: string | null }>(
            `select age_verified_method as method from fans
             where id = (select fan_id from conversations where id = '${conversationId}')`,
          )
        )[0]?.method === 'typed' || undefined,
      SLOW,
      'the typed confirmation',
    );
    const pack = await admin.post(`/api/creators/${creatorId}/packs`, {
      name: 'Pack pieds Fanvue',
      type: 'feet',
      price: 15,
      currency: 'EUR',
      platforms: ['fanvue'],
      media: [
        { kind: 'photo', url: `${cdnUrl}/packs/pied-1.jpg` },
        { kind: 'photo', url: `${cdnUrl}/packs/pied-2.jpg` },
      ],
    });
    expect(pack.status).toBe(201);
    const offered = await admin.post(`/api/conversations/${conversationId}/offers`, { packId: pack.body.id });
    expect(offered.status, JSON.stringify(offered.body)).toBe(201);
    const offerId: string = offered.body.offer.id;

    const [paid] = await until(
      () => {
        const got = sentTo(70).filter((m) => m.price > 0);
        return got.length > 0 && got;
      },
      SLOW,
      'the paid message at Fanvue',
    );
    expect(paid).toMatchObject({ price: 1500, text: expect.stringContaining('Pack pieds Fanvue') });
    expect(paid!.mediaUuids).toHaveLength(2);
    // The pack's bytes reached Fanvue intact, through upload sessions: parts PUT to the signed
    // storage URLs (no bearer token there), each session completed, the media ready.
    const [big, small] = paid!.mediaUuids.map((id) => fanvue.uploads.find((u) => u.mediaUuid === id)!);
    expect(big).toMatchObject({ mediaType: 'image', status: 'ready' });
    expect([...big!.parts.keys()]).toEqual([1, 2]);
    expect(fanvue.mediaBytes(big!.mediaUuid)!.equals(packFiles['/packs/pied-1.jpg']!)).toBe(true);
    expect(fanvue.mediaBytes(small!.mediaUuid)!.equals(packFiles['/packs/pied-2.jpg']!)).toBe(true);
    const puts = fanvue.calls.filter((c) => c.route === 'storage');
    expect(puts).toHaveLength(3);
    for (const put of puts) expect(put.headers.authorization).toBeUndefined();
    const followUp = () =>
      stack.query<{ status: string }>(`select status from follow_ups where offer_id = '${offerId}'`);
    expect(await followUp()).toEqual([{ status: 'pending' }]);

    const purchase = fanvueEvents.purchase({
      messageUuid: paid!.messageUuid,
      fan: fan(70),
      amountCents: 1500,
      currency: 'EUR',
    });
    const first = await deliverFanvueWebhook(webhookUrl, purchase, SECRET);
    const again = await deliverFanvueWebhook(webhookUrl, purchase, SECRET);
    expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(
      await stack.query(
        `select amount_cents, currency, provider from purchases where offer_id = '${offerId}'`,
      ),
    ).toEqual([{ amount_cents: 1500, currency: 'EUR', provider: 'fanvue' }]);
    expect(await stack.query(`select status from offers where id = '${offerId}'`)).toEqual([
      { status: 'paid' },
    ]);
    expect(await followUp()).toEqual([{ status: 'cancelled' }]);
    await until(() => events.find((e) => e.event === 'purchase:new'), 10_000, 'purchase:new');
    expect(events.filter((e) => e.event === 'purchase:new')).toHaveLength(1);
  }, 120_000);

  it('welcomes a new subscriber once, after the delay', async () => {
    const event = fanvueEvents.subscriber({ fan: fan(90) });
    const first = await deliverFanvueWebhook(webhookUrl, event, SECRET);
    const at = Date.now();
    const again = await deliverFanvueWebhook(webhookUrl, event, SECRET);
    expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    await new Promise((r) => setTimeout(r, WELCOME_MS / 2));
    expect(sentTo(90)).toEqual([]);
    const [welcome] = await until(() => sentTo(90).length > 0 && sentTo(90), SLOW, 'the welcome');
    expect(welcome!.at - at).toBeGreaterThanOrEqual(WELCOME_MS - 100);
    expect(welcome!.text).toMatch(/Welcome|Bienvenue/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sentTo(90)).toHaveLength(1);
  }, 90_000);

  it("waits as long as Fanvue's Retry-After says, then delivers once", async () => {
    await say(80, 'Tu réponds ?');
    const conversationId = await conversationOf(80);
    fanvue.failNext('send', { status: 429, retryAfter: 3 });
    const text = 'Après la pause';
    expect(await socket.emitWithAck('message:send', { conversationId, text })).toMatchObject({ ok: true });
    const [delivered] = await until(
      () => sentTo(80).filter((m) => m.text === text).length > 0 && sentTo(80).filter((m) => m.text === text),
      SLOW,
      'the reply after the 429',
    );
    const refused = fanvue.calls.find((c) => c.route === 'send' && c.chatId === fan(80).uuid)!;
    expect(delivered!.at - refused.at).toBeGreaterThanOrEqual(2950);
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(80).filter((m) => m.text === text)).toHaveLength(1);
  }, 60_000);

  it('a retired API version (410) fails the send with an alert naming the next version', async () => {
    const conversationId = await conversationOf(80);
    fanvue.failNext('send', { status: 410, nextVersion: '2026-11-01' });
    expect(await socket.emitWithAck('message:send', { conversationId, text: 'Version' })).toMatchObject({
      ok: true,
    });
    const alert = await until(
      () => events.find((e) => e.event === 'alert' && /2026-11-01/.test(e.payload.message)),
      SLOW,
      'the version alert',
    );
    expect(alert.payload).toMatchObject({ kind: 'platform_error', severity: 'critical', accountId });
  }, 60_000);

  it('a refused refresh token marks the account for reconnection with one alert; no retry loop; reconnect resumes', async () => {
    const conversationId = await conversationOf(60);
    // The creator removed the app on Fanvue: every token stops working.
    fanvue.revokeAll();
    fanvue.expireAccessTokens();
    const ack = (await socket.emitWithAck('message:send', { conversationId, text: 'Tu es là ?' })) as {
      messageId: string;
    };
    const alert = await until(
      () => events.find((e) => e.event === 'alert' && e.payload.kind === 'account_attention'),
      SLOW,
      'the reconnect alert',
    );
    expect(alert.payload).toMatchObject({ accountId, creatorId, severity: 'critical' });
    expect(alert.payload.message).toMatch(/refresh token/);
    await until(
      () => events.find((e) => e.event === 'message:failed' && e.payload.messageId === ack.messageId),
      SLOW,
      'the reply failed, saying why',
    );
    const listed = await admin.get(`/api/creators/${creatorId}/accounts`);
    expect(listed.body.accounts[0]).toMatchObject({ id: accountId, status: 'needs_attention' });
    // One refused refresh, then nothing: no loop against Fanvue.
    const refused = fanvue.refreshes.filter((r) => r.refused).length;
    expect(refused).toBe(1);
    const refusedReply = await socket.emitWithAck('message:send', { conversationId, text: 'Encore' });
    expect(refusedReply).toMatchObject({ ok: false });
    await new Promise((r) => setTimeout(r, 2000));
    expect(fanvue.refreshes.filter((r) => r.refused)).toHaveLength(refused);
    // Fans are still heard.
    expect((await say(60, 'Allô ?')).status).toBe(200);

    // "Reconnect": the same OAuth flow, naming the account; its fans and history carry on.
    const again = await connectFanvueThroughHub(hubAuth(), creatorId, { accountId });
    expect(again.accountId).toBe(accountId);
    const after = await admin.get(`/api/creators/${creatorId}/accounts`);
    expect(after.body.accounts).toHaveLength(1);
    expect(after.body.accounts[0].status).toBe('active');
    expect(await socket.emitWithAck('message:send', { conversationId, text: 'Me revoilà' })).toMatchObject({
      ok: true,
    });
    await until(() => sentTo(60).some((m) => m.text === 'Me revoilà'), SLOW, 'a reply after reconnecting');
    expect(events.filter((e) => e.event === 'alert' && e.payload.kind === 'account_attention')).toHaveLength(
      1,
    );

    // No code, token or client secret in any process's log.
    const logs = stack.processes.map((p) => p.output()).join('\n');
    expect(logs).toContain('/api/oauth/fanvue/callback');
    for (const secret of [...fanvue.issued, CLIENT_SECRET, SECRET]) expect(logs).not.toContain(secret);
  }, 90_000);
});
