import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import {
  deliverOnlyFansWebhook,
  onlyfansEvents,
  signOnlyFansWebhook,
  startOnlyFansStandin,
  type OnlyFansStandin,
} from '@velvet/platforms/testing';
import { creatorBody, type Client } from './harness';
import { inboxClient, record, Stack, until, type InboxClient, type VelvetProcess } from './stack';

const API_KEY = 'ofapi_e2e_key_0123456789abcdef';
const ACCOUNT = 'acct_e2e_velvet01';
const SECRET = 'e2e-onlyfans-webhook-signing-secret';
/**
 * The seed's 5 a minute, shortened to 5 a second: the same spacing rule, measured in seconds
 * (the seed's own scale is checked slot by slot in workers/src/send-limiter.onlyfans.test.ts).
 */
const PER_MINUTE = 300;
const INTERVAL_MS = 60_000 / PER_MINUTE;
const DRAFT = 'Coucou toi, contente de te lire 😘';
const WELCOME_MS = 2000;
const BURST = 50;
/** Room for a slow machine: sends that waited for a slot come back through BullMQ's delayed set. */
const SLOW = 45_000;

/**
 * OnlyFans through the provider stand-in, on real hub and workers processes: signed webhooks
 * in, drafts held for a human whatever the settings, PPV sales recorded once, the per-account
 * budget, and an expired provider session.
 */
describe('OnlyFans → inbox → OnlyFans (through the API provider)', () => {
  let provider: OnlyFansStandin;
  let ollama: OllamaStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let creatorId: string;
  let accountId: string;
  let webhookUrl: string;
  let nextId = 100_000;

  const say = (fanId: number, text: string) =>
    deliverOnlyFansWebhook(
      webhookUrl,
      onlyfansEvents.message(ACCOUNT, { id: nextId++, fan: { id: fanId, name: 'Hugo' }, text }),
      SECRET,
    );
  const sentTo = (fanId: number) => provider.sent.filter((m) => m.chatId === String(fanId));
  const conversationOf = (fanId: number) =>
    until(
      async () =>
        (
          await stack.query<{ id: string }>(
            `select id from conversations where account_id = '${accountId}' and platform_chat_id = '${fanId}'`,
          )
        )[0]?.id,
      10_000,
      `conversation with ${fanId}`,
    );

  beforeAll(async () => {
    provider = await startOnlyFansStandin({ keys: { [API_KEY]: [ACCOUNT] } });
    ollama = await startOllamaStandin({ tokensPerSecond: 400, reply: () => DRAFT });
    stack = await Stack.create({
      env: { ONLYFANS_API_ROOT: provider.apiRoot, OLLAMA_HOST: ollama.url },
      config: (yaml) =>
        yaml
          .replace(/(onlyfans:\s*\n(?:\s*#.*\n)*\s*messages_per_minute:)\s*\d+/, `$1 ${PER_MINUTE}`)
          // The seed's 45 s welcome delay, shortened the same way.
          .replace(/(welcome:\s*\n\s*after:[\s\S]*?onlyfans:) 45s/, `$1 ${WELCOME_MS}ms`)
          // Everything that could let a draft out on its own, switched on.
          .replace(/(send_policy:\s*\n\s*default:)\s*approve/, '$1 auto')
          .replace(/auto_min_confidence: [\d.]+/, 'auto_min_confidence: 0'),
    });
    hub = await stack.start('hub');
    await stack.start('workers');
    admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Olivia'),
      quietHours: { start: '00:00', end: '00:00' },
      sendPolicy: { '*': { '*': 'auto' }, onlyfans: { '*': 'auto' } },
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
    await provider?.close();
  });

  it('connects an account with the provider key; the key and secret never come back', async () => {
    const refused = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'onlyfans',
      credentials: { apiKey: 'ofapi_not_a_real_key_000000', accountId: ACCOUNT, webhookSecret: SECRET },
    });
    expect(refused.status).toBe(422);
    expect(JSON.stringify(refused.body)).toContain('credentials.apiKey');

    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'onlyfans',
      credentials: { apiKey: API_KEY, accountId: ACCOUNT, webhookSecret: SECRET },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    expect(connected.body).toMatchObject({ platform: 'onlyfans', status: 'active' });
    accountId = connected.body.id;
    webhookUrl = connected.body.webhookUrl;
    expect(webhookUrl).toBe(`${hub.url}/webhooks/onlyfans/${accountId}`);
    const listed = await admin.get(`/api/creators/${creatorId}/accounts`);
    for (const body of [connected.body, listed.body]) {
      expect(JSON.stringify(body)).not.toContain(API_KEY);
      expect(JSON.stringify(body)).not.toContain(SECRET);
    }
    const [row] = await stack.query<{ credentials_enc: string }>(
      `select credentials_enc from platform_accounts where id = '${accountId}'`,
    );
    expect(row!.credentials_enc).not.toContain(API_KEY);
    expect(row!.credentials_enc).not.toContain(SECRET);
  });

  it('shows a signed fan message live; the draft waits for a human even with every setting on auto', async () => {
    const forged = JSON.stringify(
      onlyfansEvents.message(ACCOUNT, { id: nextId++, fan: { id: 61 }, text: 'intrus' }),
    );
    const refused = await fetch(webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', signature: signOnlyFansWebhook(forged, 'wrong-secret') },
      body: forged,
    });
    expect(refused.status).toBe(401);

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
    await new Promise((r) => setTimeout(r, 1000));
    expect(sentTo(60)).toEqual([]);
    expect(await stack.query(`select 1 from messages where text = 'intrus'`)).toEqual([]);

    const ack = await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId });
    expect(ack).toMatchObject({ ok: true });
    await until(
      () => events.find((e) => e.event === 'message:sent' && e.payload.conversationId === conversationId),
      10_000,
      'message:sent',
    );
    expect(sentTo(60)).toHaveLength(1);
    expect(sentTo(60)[0]!.text).toContain(DRAFT);
    expect(sentTo(60)[0]!.price).toBe(0);
  });

  it('shows the photo a fan sent, fetched through the provider, to people who may see it', async () => {
    const address = 'https://cdn2.onlyfans.com/files/c/cd/photo/1080x1350_fan.jpg?Tag=2&Policy=p&Signature=s';
    const jpeg = Buffer.from('a fan photo, as jpeg bytes');
    provider.addCdnFile(address, { bytes: jpeg, contentType: 'image/jpeg' });
    const photo = onlyfansEvents.message(ACCOUNT, {
      id: nextId++,
      fan: { id: 62, name: 'Iris' },
      text: '',
      media: [onlyfansEvents.media({ id: 9001, type: 'photo', url: address })],
    });
    expect((await deliverOnlyFansWebhook(webhookUrl, photo, SECRET)).status).toBe(200);
    const incoming = await until(
      () =>
        events.find((e) => e.event === 'message:new' && e.payload.message.attachments?.[0]?.kind === 'photo'),
      10_000,
      'the photo message',
    );
    const { message } = incoming.payload;
    // The inbox learns the kind and size, never the CDN address.
    expect(message.attachments[0]).toMatchObject({ index: 0, kind: 'photo', width: 1080, height: 1350 });
    expect(JSON.stringify(incoming.payload)).not.toContain('cdn2.onlyfans.com');

    const file = await fetch(`${hub.url}/api/messages/${message.id}/attachments/0`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await file.arrayBuffer())).toEqual(jpeg);
    const anonymous = await fetch(`${hub.url}/api/messages/${message.id}/attachments/0`);
    expect(anonymous.status).toBe(401);
  });

  it('sells a pack as a PPV; the unlock delivered twice records one sale and stops the follow-up', async () => {
    await say(70, 'Tu as des photos de pieds ?');
    const conversationId = await conversationOf(70);
    // Its draft is written before the catalog exists: this sale is the operator's.
    await until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId),
      20_000,
      'the first draft',
    );
    const pack = (price: number, currency: string, media = 2) =>
      admin.post(`/api/creators/${creatorId}/packs`, {
        name: `Pack pieds ${price} ${currency}`,
        type: 'feet',
        price,
        currency,
        platforms: ['onlyfans'],
        media: Array.from({ length: media }, (_, i) => ({
          kind: 'photo',
          url: `https://cdn.example.test/${i}.jpg`,
        })),
      });
    for (const [price, currency, media] of [
      [2, 'USD', 2],
      [250, 'USD', 2],
      [25, 'EUR', 2],
      [25, 'USD', 0],
    ] as const) {
      const created = await pack(price, currency, media);
      expect(created.status).toBe(201);
      const offered = await admin.post(`/api/conversations/${conversationId}/offers`, {
        packId: created.body.id,
      });
      expect(offered.status, `${price} ${currency}, ${media} media`).toBe(409);
      expect(offered.body.error.message).toMatch(media ? /3 to 200 USD/ : /needs media/);
    }
    const good = await pack(25, 'USD');
    const offered = await admin.post(`/api/conversations/${conversationId}/offers`, { packId: good.body.id });
    expect(offered.status, JSON.stringify(offered.body)).toBe(201);
    const offerId: string = offered.body.offer.id;

    const [ppv] = await until(
      () => {
        const paid = sentTo(70).filter((m) => m.price > 0);
        return paid.length > 0 && paid;
      },
      SLOW,
      'the PPV at the provider',
    );
    expect(ppv).toMatchObject({ price: 25, text: expect.stringContaining('Pack pieds 25 USD') });
    expect(ppv!.mediaFiles).toHaveLength(2);
    const followUp = () =>
      stack.query<{ status: string }>(`select status from follow_ups where offer_id = '${offerId}'`);
    expect(await followUp()).toEqual([{ status: 'pending' }]);

    const unlock = onlyfansEvents.unlocked(ACCOUNT, {
      messageId: ppv!.id,
      fan: { id: 70, name: 'Hugo' },
      price: 25,
    });
    const first = await deliverOnlyFansWebhook(webhookUrl, unlock, SECRET);
    const again = await deliverOnlyFansWebhook(webhookUrl, unlock, SECRET);
    expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });

    const purchases = await stack.query<{ amount_cents: number; currency: string; provider: string }>(
      `select amount_cents, currency, provider from purchases where offer_id = '${offerId}'`,
    );
    expect(purchases).toEqual([{ amount_cents: 2500, currency: 'USD', provider: 'onlyfans' }]);
    expect(await stack.query(`select status from offers where id = '${offerId}'`)).toEqual([
      { status: 'paid' },
    ]);
    expect(await followUp()).toEqual([{ status: 'cancelled' }]);
    await until(() => events.find((e) => e.event === 'purchase:new'), 10_000, 'purchase:new');
    // A thank-you follows; the media came with the unlock, so it is not sent again for free.
    await until(() => sentTo(70).length === 2, SLOW, 'the thank-you');
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo(70)).toHaveLength(2);
    expect(sentTo(70)[1]).toMatchObject({ price: 0, mediaFiles: [] });
    expect(events.filter((e) => e.event === 'purchase:new')).toHaveLength(1);

    // The AI offers only a pack OnlyFans can sell (the cheapest feet packs here cannot), and
    // its PPV follows the approved reply.
    await say(75, 'Tu as des photos de pieds ?');
    const pitched = await conversationOf(75);
    const done = await until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.conversationId === pitched),
      20_000,
      'the feet draft',
    );
    expect(done.payload.status).toBe('pending_approval');
    const [aiOffer] = await stack.query<{ pack_id: string }>(
      `select pack_id from offers where conversation_id = '${pitched}'`,
    );
    expect(aiOffer!.pack_id).toBe(good.body.id);
    expect(await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId })).toMatchObject({
      ok: true,
    });
    const [aiPpv] = await until(
      () => {
        const paid = sentTo(75).filter((m) => m.price > 0);
        return paid.length > 0 && paid;
      },
      SLOW,
      'the AI offer as a PPV',
    );
    expect(aiPpv).toMatchObject({ price: 25 });
    expect(sentTo(75).indexOf(aiPpv!)).toBe(1);
  }, 180_000);

  it('welcomes a new subscriber once, after the delay, however often the provider repeats it', async () => {
    const event = onlyfansEvents.subscribed(ACCOUNT, { fan: { id: 90, name: 'Nina' } });
    const first = await deliverOnlyFansWebhook(webhookUrl, event, SECRET);
    const at = Date.now();
    const again = await deliverOnlyFansWebhook(webhookUrl, event, SECRET);
    expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    await until(
      () => events.find((e) => e.event === 'message:new' && e.payload.message.event?.kind === 'subscriber'),
      10_000,
      'the subscription in the inbox',
    );
    await new Promise((r) => setTimeout(r, WELCOME_MS / 2));
    expect(sentTo(90)).toEqual([]);
    const [welcome] = await until(() => sentTo(90).length > 0 && sentTo(90), SLOW, 'the welcome');
    expect(welcome!.at - at).toBeGreaterThanOrEqual(WELCOME_MS - 100);
    expect(welcome!.text).toMatch(/Welcome|Bienvenue/);
    expect(welcome!.price).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sentTo(90)).toHaveLength(1);
  }, 90_000);

  it('spreads a burst of replies to one account by its budget, none lost, none doubled', async () => {
    await say(80, 'Raconte-moi ta journée');
    const conversationId = await conversationOf(80);
    // Fifty end to end at the shortened scale; at the seed's real scale, slot by slot, in
    // workers/src/send-limiter.onlyfans.test.ts.
    const texts = Array.from({ length: BURST }, (_, i) => `Réponse ${i + 1}`);
    for (const text of texts) {
      expect(await socket.emitWithAck('message:send', { conversationId, text })).toMatchObject({ ok: true });
    }
    const delivered = await until(
      () => {
        const got = sentTo(80).filter((m) => texts.includes(m.text));
        return got.length >= texts.length && got;
      },
      60_000,
      'every reply delivered',
    );
    expect(new Set(delivered.map((m) => m.text))).toEqual(new Set(texts));
    expect(delivered).toHaveLength(BURST);
    const times = delivered.map((m) => m.at).sort((a, b) => a - b);
    // Slots are one interval apart and a send never leaves before its slot; one that ran late
    // (the first, say, on a loaded machine) may catch up with later slots, never pass them.
    // So from the first send on, the k-th comes at least k intervals later, give or take the
    // first send's own lag (a second here; at the seed's 12 s spacing, a fraction of a slot).
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((BURST - 1) * INTERVAL_MS - 1000);
    for (let k = 1; k < times.length; k++) {
      expect(times[k]! - times[0]!).toBeGreaterThanOrEqual(k * INTERVAL_MS - 1000);
    }
  }, 120_000);

  it('an expired provider session marks the account for attention with one alert; replies wait', async () => {
    const conversationId = await conversationOf(60);
    const first = await deliverOnlyFansWebhook(webhookUrl, onlyfansEvents.sessionExpired(ACCOUNT), SECRET);
    const again = await deliverOnlyFansWebhook(webhookUrl, onlyfansEvents.otpRequired(ACCOUNT), SECRET);
    expect(first).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(again).toMatchObject({ status: 200, body: { duplicate: true } });
    const alert = await until(
      () => events.find((e) => e.event === 'alert' && e.payload.kind === 'account_attention'),
      10_000,
      'the alert',
    );
    expect(alert.payload).toMatchObject({ accountId, creatorId, severity: 'critical' });
    expect(alert.payload.message).toMatch(/session expired/);
    const listed = await admin.get(`/api/creators/${creatorId}/accounts`);
    expect(listed.body.accounts ?? listed.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: accountId,
          status: 'needs_attention',
          lastError: expect.stringMatching(/session expired/),
        }),
      ]),
    );

    // Fans are still heard; a reply is refused with the reason rather than lost.
    expect((await say(60, 'Tu es partie ?')).status).toBe(200);
    const refused = await socket.emitWithAck('message:send', { conversationId, text: 'Je reviens' });
    expect(refused).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/needs attention/) },
    });

    const reconnected = await admin.post(`/api/accounts/${accountId}/reconnect`, {
      credentials: { apiKey: API_KEY, accountId: ACCOUNT, webhookSecret: SECRET },
    });
    expect(reconnected.status, JSON.stringify(reconnected.body)).toBe(200);
    expect(reconnected.body.status).toBe('active');
    expect(reconnected.body.lastError).toBeNull();
    expect(events.filter((e) => e.event === 'alert' && e.payload.kind === 'account_attention')).toHaveLength(
      1,
    );
  });
});
