import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import type { Client } from './harness';
import {
  inboxClient,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type Stack,
  type TelegramStack,
  type VelvetProcess,
} from './stack';

const TOKEN = '7700000009:AAH-sales-engine-test-bot-token-for-tests';
const FEET = 'Salut, tu as des photos de pieds ?';

/**
 * The "model" answers with the catalog facts it was given, as a well-behaved model would:
 * the test then proves the reply names the pack and price the offer holds.
 */
function reply(request: { messages?: { role: string; content: string }[] }): string {
  const prompt = request.messages?.map((m) => m.content).join('\n') ?? '';
  const fact = /Catalogue \(seuls prix autorisés\) :\n- ([^:]+) : ([^\n(—]+)/.exec(prompt);
  if (fact) return `Oui ! Mon ${fact[1]!.trim()} est à ${fact[2]!.trim()}, tu vas adorer 👣`;
  return 'Coucou toi, dis-moi tout 😘';
}

/** The sales engine end to end: Telegram and Ollama stand-ins, separate hub and workers processes. */
describe('a fan conversation turns into a sale, and follow-ups stop when they should', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let creatorId: string;
  let followUps: Queue;
  let redis: Redis;

  const post = (body: unknown) => env.post(body);
  const say = (chatId: number, text: string) => env.say(chatId, text);
  const sentTo = (chatId: number) => telegram.sent.filter((m) => String(m.chat_id) === String(chatId));

  /** Age confirmed with the button, then the feet request drafted with an offer and approved. */
  async function offerFeet(chatId: number) {
    await post(
      telegramUpdates.callback({
        updateId: env.nextUpdateId(),
        chatId,
        fromId: chatId,
        data: 'age:yes',
        languageCode: 'fr',
      }),
    );
    await until(
      () => sentTo(chatId).find((m) => String(m.text).startsWith('Merci !')),
      15_000,
      'age confirmed',
    );
    await say(chatId, FEET);
    const done = await until(
      () =>
        events.find(
          (e) =>
            e.event === 'draft:done' &&
            e.payload.status === 'pending_approval' &&
            e.payload.text.includes('Pack pieds'),
        ),
      20_000,
      'feet draft',
    );
    events.splice(events.indexOf(done), 1);
    const [offer] = await stack.query<{
      id: string;
      price_cents: number;
      price_stars: number;
      status: string;
    }>(
      `select o.id, o.price_cents, o.price_stars, o.status from offers o join fans f on f.id = o.fan_id
       where f.platform_user_id = '${chatId}'`,
    );
    // Shown before approval: the invoice that will follow the reply.
    expect(done.payload.preview?.offer).toEqual({
      pack: 'Pack pieds',
      amountCents: offer!.price_cents,
      currency: expect.any(String),
      how: 'invoice',
    });
    const ack = await socket.timeout(10_000).emitWithAck('draft:approve', { draftId: done.payload.draftId });
    expect(ack).toMatchObject({ ok: true });
    // The person who approved the AI's pitch is the seller of record.
    const me = (await admin.get('/api/me')).body.user;
    const [credited] = await stack.query<{ offered_by: string; offered_by_user_id: string }>(
      `select offered_by, offered_by_user_id from offers where id = '${offer!.id}'`,
    );
    expect(credited).toEqual({ offered_by: 'ai', offered_by_user_id: me.id });
    const bySeller = await admin.get(`/api/sales/metrics?creatorId=${creatorId}&by=seller`);
    expect(bySeller.body.rows.map((r: { label: string }) => r.label)).toContain(me.email);
    const invoice = await until(
      () =>
        telegram.invoices.find(
          (i) => String(i.chat_id) === String(chatId) && i.payload === `offer:${offer!.id}`,
        ),
      15_000,
      'invoice',
    );
    const followUp = await until(async () => {
      const [row] = await stack.query<{ id: string; status: string; due_at: Date; kind: string }>(
        `select id, status, due_at, kind from follow_ups where offer_id = '${offer!.id}'`,
      );
      return row;
    }, 10_000);
    return { done, offer: offer!, invoice, followUp };
  }

  /** Time passes for a follow-up: its row is due now and its delayed job is promoted. */
  async function elapse(followUpId: string) {
    await stack.query(`update follow_ups set due_at = now() where id = '${followUpId}'`);
    const job = await followUps.getJob(`followup-${followUpId}`);
    if ((await job?.getState()) === 'delayed') await job!.promote();
    await until(
      async () => {
        const state = await (await followUps.getJob(`followup-${followUpId}`))?.getState();
        return state === 'completed' || state === undefined ? true : undefined;
      },
      10_000,
      'follow-up job finished',
    );
  }

  const followUpRow = async (id: string) =>
    (
      await stack.query<{ status: string; cancel_reason: string | null; message_id: string | null }>(
        `select status, cancel_reason, message_id from follow_ups where id = '${id}'`,
      )
    )[0]!;

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, reply },
      creator: { name: 'Sales' },
      fanName: 'Noa',
    });
    ({ telegram, stack, hub, admin, creatorId } = env);
    const packs = [
      {
        name: 'Pack pieds',
        type: 'feet',
        price: 10,
        description: '10 photos de mes pieds',
        media: [
          { kind: 'photo', url: 'https://cdn.example.test/feet/1.jpg' },
          { kind: 'photo', url: 'https://cdn.example.test/feet/2.jpg' },
        ],
      },
      { name: 'Pack lingerie', type: 'lingerie', price: 15 },
      { name: 'Pack nu artistique', type: 'nude_art', price: 25 },
    ];
    for (const pack of packs) {
      const created = await admin.post(`/api/creators/${creatorId}/packs`, pack);
      expect(created.status).toBe(201);
    }
    socket = await inboxClient(hub.url!, admin.token);
    events = record(socket);
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    followUps = new Queue('followup.send', { connection: redis, prefix: `${stack.redis.prefix}:bull` });
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await followUps?.close();
    redis?.disconnect();
    await env?.destroy();
  });

  it('sells the feet pack for Stars: reply, invoice, pre-checkout, one purchase for two notices, media, no follow-up', async () => {
    const chatId = 6101;
    // Before the 18+ button: no offer, only the age gate.
    await say(chatId, FEET);
    await until(() => sentTo(chatId).find((m) => m.reply_markup !== undefined), 15_000, 'age gate');
    expect(
      await stack.query(
        `select 1 from offers o join fans f on f.id = o.fan_id where f.platform_user_id = '${chatId}'`,
      ),
    ).toHaveLength(0);

    const { done, offer, invoice, followUp } = await offerFeet(chatId);
    expect(done.payload.text).toBe('Oui ! Mon Pack pieds est à 10 €, tu vas adorer 👣');
    expect(offer).toMatchObject({ price_cents: 1000, price_stars: 500, status: 'open' });
    // The first AI-drafted message carries the AI disclosure before the reply.
    const replied = sentTo(chatId).find((m) => String(m.text).endsWith(done.payload.text));
    expect(replied).toBeDefined();
    // The reply reaches the fan before its invoice, never after.
    expect(replied!.at).toBeLessThanOrEqual(invoice.at);
    expect(invoice).toMatchObject({
      currency: 'XTR',
      title: 'Pack pieds',
      prices: [{ label: 'Pack pieds', amount: 500 }],
    });
    expect(followUp).toMatchObject({ kind: 'offer', status: 'pending' });
    // Seed: the feet follow-up is planned one hour out.
    const inMinutes = (new Date(followUp.due_at).getTime() - Date.now()) / 60_000;
    expect(inMinutes).toBeGreaterThan(55);
    expect(inMinutes).toBeLessThanOrEqual(60);

    // Telegram asks before charging; the answer is given before the webhook returns.
    const pre = await post(
      telegramUpdates.preCheckout({
        updateId: env.nextUpdateId(),
        fromId: chatId,
        totalAmount: 500,
        payload: invoice.payload,
        queryId: 'pcq-6101',
      }),
    );
    expect(pre.status).toBe(200);
    expect(telegram.preCheckoutAnswers.find((a) => a.pre_checkout_query_id === 'pcq-6101')).toMatchObject({
      ok: true,
    });

    const paid = (messageId: number) =>
      post(
        telegramUpdates.successfulPayment({
          updateId: env.nextUpdateId(),
          chatId,
          fromId: chatId,
          messageId,
          totalAmount: 500,
          payload: invoice.payload,
          chargeId: 'stxCharge6101',
        }),
      );
    expect((await paid(900)).body).toMatchObject({ ok: true, duplicate: false });
    // Telegram redelivers the same payment: still one purchase.
    expect((await paid(901)).body).toMatchObject({ ok: true, duplicate: true });
    const purchases = await stack.query<{ amount_cents: number; provider: string }>(
      `select amount_cents, provider from purchases where offer_id = '${offer.id}'`,
    );
    expect(purchases).toEqual([{ amount_cents: 1000, provider: 'telegram_stars' }]);
    const [fan] = await stack.query<{ lifetime_spend_cents: number; purchase_count: number }>(
      `select lifetime_spend_cents, purchase_count from fans where platform_user_id = '${chatId}'`,
    );
    expect(fan).toEqual({ lifetime_spend_cents: 1000, purchase_count: 1 });
    expect(
      (await stack.query<{ status: string }>(`select status from offers where id = '${offer.id}'`))[0]!
        .status,
    ).toBe('paid');
    await until(() => events.find((e) => e.event === 'purchase:new' && e.payload.offerId === offer.id), 5000);

    // The pack's media reaches the fan once, with the thank-you as caption.
    const album = await until(
      () => telegram.media.find((m) => String(m.chat_id) === String(chatId)),
      15_000,
      'media',
    );
    expect(album.method).toBe('sendMediaGroup');
    expect(album.media.map((m) => m.media)).toEqual([
      'https://cdn.example.test/feet/1.jpg',
      'https://cdn.example.test/feet/2.jpg',
    ]);
    expect(album.media[0]!.caption).toContain('Merci pour ton achat');
    await until(
      async () => {
        const [row] = await stack.query<{ delivered_at: Date | null }>(
          `select delivered_at from purchases where offer_id = '${offer.id}'`,
        );
        return row?.delivered_at ?? undefined;
      },
      10_000,
      'delivery recorded',
    );
    expect(telegram.media.filter((m) => String(m.chat_id) === String(chatId))).toHaveLength(1);

    // The 1 h follow-up was cancelled by the purchase: even when its time comes, nothing goes out.
    expect(await followUpRow(followUp.id)).toMatchObject({ status: 'cancelled', cancel_reason: 'purchased' });
    const before = sentTo(chatId).length;
    await elapse(followUp.id);
    expect(sentTo(chatId)).toHaveLength(before);
    // One suggestion of another pack is planned instead, within the weekly budget.
    const suggestions = await stack.query<{ kind: string; status: string }>(
      `select kind, status from follow_ups f join fans x on x.id = f.fan_id where x.platform_user_id = '${chatId}' and kind = 'suggestion'`,
    );
    expect(suggestions).toEqual([{ kind: 'suggestion', status: 'pending' }]);
  }, 90_000);

  it('refuses a pre-checkout for an offer that is no longer open', async () => {
    const chatId = 6102;
    const { offer, invoice } = await offerFeet(chatId);
    await stack.query(`update offers set expires_at = now() - interval '1 minute' where id = '${offer.id}'`);
    await post(
      telegramUpdates.preCheckout({
        updateId: env.nextUpdateId(),
        fromId: chatId,
        totalAmount: 500,
        payload: invoice.payload,
        queryId: 'pcq-6102',
        languageCode: 'fr',
      }),
    );
    expect(telegram.preCheckoutAnswers.find((a) => a.pre_checkout_query_id === 'pcq-6102')).toMatchObject({
      ok: false,
      error_message: 'Cette offre a expiré, écris-moi pour en recevoir une nouvelle.',
    });
  }, 60_000);

  it('sends the follow-up when it is due and the fan has not answered', async () => {
    const chatId = 6103;
    const { followUp } = await offerFeet(chatId);
    await elapse(followUp.id);
    const nudge = await until(
      () => sentTo(chatId).find((m) => String(m.text).includes('Tu as pu jeter un œil')),
      15_000,
      'follow-up',
    );
    expect(nudge.text).toBe("Tu as pu jeter un œil à mon Pack pieds ? 👣 Il t'attend toujours (10 €).");
    expect(await followUpRow(followUp.id)).toMatchObject({ status: 'sent' });
    // The activity log says automation sent it, and the creator's people got a notice.
    const logged = await admin.get(
      `/api/activity?actor=automation&action=followup.send&creatorId=${creatorId}`,
    );
    expect(logged.body.entries.find((e: any) => e.targetId === followUp.id)).toMatchObject({
      actor: { kind: 'automation' },
      fan: { name: 'Noa' },
      data: { kind: 'offer' },
    });
    const notices = await admin.get('/api/notifications');
    expect(notices.body.notifications.find((n: any) => n.kind === 'followup_sent')).toMatchObject({
      severity: 'info',
      fan: { name: 'Noa' },
      creatorId,
    });
  }, 60_000);

  it('sends no follow-up to a fan who replied before the delay', async () => {
    const chatId = 6104;
    const { followUp } = await offerFeet(chatId);
    await say(chatId, 'ok merci, je vais y penser');
    await until(
      async () => ((await followUpRow(followUp.id)).status === 'cancelled' ? true : undefined),
      10_000,
    );
    expect(await followUpRow(followUp.id)).toMatchObject({ cancel_reason: 'fan_replied' });
    const cancelled = await admin.get(`/api/activity?actor=automation&action=followup.cancel`);
    expect(cancelled.body.entries.find((e: any) => e.targetId === followUp.id)).toMatchObject({
      data: { reason: 'fan_replied' },
    });
    await elapse(followUp.id);
    expect(sentTo(chatId).filter((m) => String(m.text).includes('Tu as pu jeter un œil'))).toHaveLength(0);
  }, 60_000);

  it('sends no follow-up to a fan who opted out', async () => {
    const chatId = 6105;
    const { followUp } = await offerFeet(chatId);
    await say(chatId, 'STOP');
    await until(
      async () => ((await followUpRow(followUp.id)).status === 'cancelled' ? true : undefined),
      10_000,
    );
    expect(await followUpRow(followUp.id)).toMatchObject({ cancel_reason: 'opted_out' });
    await elapse(followUp.id);
    expect(sentTo(chatId).filter((m) => String(m.text).includes('Tu as pu jeter un œil'))).toHaveLength(0);
  }, 60_000);
});
