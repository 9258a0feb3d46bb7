// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { launchChromium, signIn } from './browser';
import { ADMIN, type Client } from './harness';
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

const TOKEN = '7700000011:AAH-satisfaction-test-bot-token-for-tests';
const FEET = 'Salut, tu as des photos de pieds ?';
const QUESTION = 'Petite question 💕 Tu es satisfait de nos échanges ? Donne-moi une note de 1 à 5 :';
const THANKS = 'Merci pour ta note 💕';

/** The model names the pack and price it was given, so the offer it presents is the feet pack. */
function reply(request: { messages?: { role: string; content: string }[] }): string {
  const prompt = request.messages?.map((m) => m.content).join('\n') ?? '';
  const fact = /Catalogue \(seuls prix autorisés\) :\n- ([^:]+) : ([^\n(—]+)/.exec(prompt);
  if (fact) return `Oui ! Mon ${fact[1]!.trim()} est à ${fact[2]!.trim()} 👣`;
  return 'Coucou toi, dis-moi tout 😘';
}

interface Survey {
  id: string;
  trigger: string;
  status: string;
  score: number | null;
  user_id: string | null;
  cancel_reason: string | null;
}

/**
 * The fans' satisfaction question end to end: real hub and workers processes, the Telegram and
 * Ollama stand-ins, PostgreSQL and Redis; the dashboard in Chromium at the end.
 */
describe('fans rate their chats with one tap, and the dashboard shows the scores', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let creatorId: string;
  let packs: Record<string, string>;
  let adminId: string;
  let browser: Browser | undefined;
  let redis: Redis;
  let asks: Queue;

  const post = (body: unknown) => env.post(body);
  const sentTo = (chatId: number) => telegram.sent.filter((m) => String(m.chat_id) === String(chatId));
  const ratingKeyboards = (chatId: number) =>
    sentTo(chatId).filter((m) => JSON.stringify(m.reply_markup ?? null).includes('"callback_data":"rate:1"'));
  const surveys = (chatId: number) =>
    stack.query<Survey>(
      `select s.id, s.trigger, s.status, s.score, s.user_id, s.cancel_reason from satisfaction_surveys s
       join fans f on f.id = s.fan_id where f.platform_user_id = '${chatId}' order by s.created_at`,
    );
  const conversationOf = async (chatId: number) =>
    (
      await stack.query<{ id: string }>(
        `select c.id from conversations c join fans f on f.id = c.fan_id where f.platform_user_id = '${chatId}'`,
      )
    )[0]!.id;
  const press = (chatId: number, data: string, callbackId?: string) =>
    post(
      telegramUpdates.callback({
        updateId: env.nextUpdateId(),
        chatId,
        fromId: chatId,
        data,
        languageCode: 'fr',
        ...(callbackId ? { callbackId } : {}),
      }),
    );

  async function confirmAge(chatId: number) {
    await press(chatId, 'age:yes');
    await until(
      () => sentTo(chatId).find((m) => String(m.text).startsWith('Merci !')),
      15_000,
      'age confirmed',
    );
  }

  /** Telegram's pre-checkout, then its payment notice for the invoice sent to the fan. */
  async function pay(chatId: number, invoice: { payload: string }, charge: string) {
    await post(
      telegramUpdates.preCheckout({
        updateId: env.nextUpdateId(),
        fromId: chatId,
        totalAmount: 500,
        payload: invoice.payload,
        queryId: `pcq-${charge}`,
      }),
    );
    const paid = await post(
      telegramUpdates.successfulPayment({
        updateId: env.nextUpdateId(),
        chatId,
        fromId: chatId,
        messageId: 900,
        totalAmount: 500,
        payload: invoice.payload,
        chargeId: charge,
      }),
    );
    expect(paid.body).toMatchObject({ ok: true, duplicate: false });
  }

  const invoiceFor = (chatId: number, after: number) =>
    until(
      () => telegram.invoices.find((i) => String(i.chat_id) === String(chatId) && i.at >= after),
      15_000,
      'invoice',
    );

  /** The catalog's pack button: an offer and its invoice at once, no person involved. */
  async function buyWithButton(chatId: number, pack: string, charge: string) {
    const at = Date.now();
    await press(chatId, `pack:${packs[pack]}`);
    await pay(chatId, await invoiceFor(chatId, at), charge);
  }

  const optedOut = (chatId: number) =>
    until(
      async () => {
        const [fan] = await stack.query<{ opted_out_at: Date | null }>(
          `select opted_out_at from fans where platform_user_id = '${chatId}'`,
        );
        return fan?.opted_out_at ?? undefined;
      },
      10_000,
      'opted out',
    );

  const mediaCount = (chatId: number) =>
    telegram.media.filter((m) => String(m.chat_id) === String(chatId)).length;

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, reply },
      creator: { name: 'Sat' },
      fanName: 'Lou',
      // The seed's delays (1 h after a purchase, 30 min after a person), shortened.
      config: (yaml) =>
        yaml
          .replace('after_purchase: 1h', 'after_purchase: 1500ms')
          .replace('after_handled: 30m', 'after_handled: 1500ms'),
    });
    ({ telegram, stack, hub, admin, creatorId } = env);
    packs = {};
    for (const pack of [
      {
        name: 'Pack pieds',
        type: 'feet',
        price: 10,
        media: [{ kind: 'photo', url: 'https://cdn.example.test/f/1.jpg' }],
      },
      {
        name: 'Pack lingerie',
        type: 'lingerie',
        price: 15,
        media: [{ kind: 'photo', url: 'https://cdn.example.test/l/1.jpg' }],
      },
    ]) {
      const created = await admin.post(`/api/creators/${creatorId}/packs`, pack);
      expect(created.status).toBe(201);
      packs[pack.type] = created.body.id;
    }
    socket = await inboxClient(hub.url!, admin.token);
    events = record(socket);
    adminId = (await admin.get('/api/me')).body.user.id;
    redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    asks = new Queue('satisfaction.ask', { connection: redis, prefix: `${stack.redis.prefix}:bull` });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    socket?.disconnect();
    await asks?.close();
    redis?.disconnect();
    await env?.destroy();
  });

  it('asks after a purchase with buttons; a tap is recorded, thanked and shown, never drafted', async () => {
    const chatId = 6201;
    await confirmAge(chatId);
    // The feet pitch drafted by the AI and approved by a person: the seller of record.
    const at = Date.now();
    await env.say(chatId, FEET);
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
    expect(
      await socket.timeout(10_000).emitWithAck('draft:approve', { draftId: done.payload.draftId }),
    ).toMatchObject({
      ok: true,
    });
    await pay(chatId, await invoiceFor(chatId, at), 'stxSat6201');
    // Planned with the purchase, credited to the person who approved the pitch.
    expect(await surveys(chatId)).toEqual([
      expect.objectContaining({ trigger: 'purchase', status: 'pending', user_id: adminId }),
    ]);

    const question = await until(() => ratingKeyboards(chatId)[0], 15_000, 'satisfaction question');
    // In the fan's language, five buttons in one row, after the pack itself.
    expect(question.text).toBe(QUESTION);
    expect(question.reply_markup).toEqual({
      inline_keyboard: [
        ['1', '2', '3', '4', '5 ⭐'].map((text, i) => ({ text, callback_data: `rate:${i + 1}` })),
      ],
    });
    const album = telegram.media.find((m) => String(m.chat_id) === String(chatId))!;
    expect(question.at).toBeGreaterThanOrEqual(album.at);

    await press(chatId, 'rate:4', 'cb-sat-6201');
    await until(
      async () => ((await surveys(chatId))[0]!.status === 'answered' ? true : undefined),
      10_000,
      'answer',
    );
    expect((await surveys(chatId))[0]).toMatchObject({ score: 4 });
    // The button stops spinning with a thank-you.
    await until(() => telegram.callbackAnswers.find((a) => a.callback_query_id === 'cb-sat-6201'), 10_000);
    expect(telegram.callbackAnswers.find((a) => a.callback_query_id === 'cb-sat-6201')).toMatchObject({
      text: THANKS,
    });

    // The press is in the conversation for the team to see, and no draft answers it.
    const thread = await admin.get(`/api/conversations/${await conversationOf(chatId)}/messages`);
    const tap = thread.body.messages.find((m: any) => m.event?.action === 'satisfaction');
    expect(tap).toMatchObject({
      direction: 'in',
      sender: 'fan',
      event: { kind: 'button', action: 'satisfaction', score: 4 },
    });
    expect(await stack.query(`select 1 from drafts where message_id = '${tap.id}'`)).toHaveLength(0);

    const figures = await admin.get(`/api/satisfaction?days=30&creatorId=${creatorId}`);
    expect(figures.status).toBe(200);
    expect(figures.body.creators).toEqual([
      {
        creatorId,
        creatorName: 'Sat',
        asked: 1,
        answered: 1,
        responseRate: 1,
        average: 4,
        scores: [0, 0, 0, 1, 0],
      },
    ]);
    expect(figures.body.chatters).toEqual([
      expect.objectContaining({ userId: adminId, email: ADMIN.email, asked: 1, answered: 1, average: 4 }),
    ]);
  }, 90_000);

  it('asks at most once a month: a second purchase brings no second question', async () => {
    const chatId = 6201;
    const before = mediaCount(chatId);
    await buyWithButton(chatId, 'lingerie', 'stxSat6201b');
    await until(() => (mediaCount(chatId) > before ? true : undefined), 15_000, 'second pack delivered');
    expect(await surveys(chatId)).toHaveLength(1);
    // Well past the question's delay: still one question only.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(ratingKeyboards(chatId)).toHaveLength(1);
  }, 60_000);

  it('takes a typed score; words that are no score flow on as a normal message', async () => {
    const chatId = 6202;
    await confirmAge(chatId);
    await buyWithButton(chatId, 'feet', 'stxSat6202');
    await until(() => ratingKeyboards(chatId)[0], 15_000, 'satisfaction question');

    await env.say(chatId, 'Trop bien, merci pour les photos');
    const conversationId = await conversationOf(chatId);
    await until(
      () => events.find((e) => e.event === 'draft:done' && e.payload.conversationId === conversationId),
      20_000,
      'a draft for the words',
    );
    expect((await surveys(chatId))[0]).toMatchObject({ status: 'sent', score: null });

    await env.say(chatId, '5');
    await until(
      async () => ((await surveys(chatId))[0]!.status === 'answered' ? true : undefined),
      10_000,
      'answer',
    );
    expect((await surveys(chatId))[0]).toMatchObject({ score: 5, user_id: null });
    await until(() => sentTo(chatId).find((m) => m.text === THANKS), 10_000, 'thanks');
    const [typed] = await stack.query<{ id: string }>(
      `select id from messages where conversation_id = '${conversationId}' and direction = 'in' and text = '5'`,
    );
    expect(typed).toBeDefined();
    expect(await stack.query(`select 1 from drafts where message_id = '${typed!.id}'`)).toHaveLength(0);
  }, 90_000);

  it('never asks a fan who opted out, before or after the question was planned', async () => {
    // Opted out before paying: nothing is planned.
    const early = 6203;
    await confirmAge(early);
    const at = Date.now();
    await press(early, `pack:${packs.feet}`);
    const invoice = await invoiceFor(early, at);
    await env.say(early, 'STOP');
    await optedOut(early);
    await pay(early, invoice, 'stxSat6203');
    expect(await surveys(early)).toEqual([]);

    // Opted out while the question waited: it is withdrawn when due.
    const late = 6204;
    await confirmAge(late);
    await buyWithButton(late, 'feet', 'stxSat6204');
    const [planned] = await surveys(late);
    expect(planned).toMatchObject({ status: 'pending' });
    await stack.query(
      `update satisfaction_surveys set due_at = now() + interval '1 hour' where id = '${planned!.id}'`,
    );
    await env.say(late, 'STOP');
    await optedOut(late);
    // Its time comes: the row is due and its delayed job promoted.
    await stack.query(`update satisfaction_surveys set due_at = now() where id = '${planned!.id}'`);
    const job = await asks.getJob(`satisfaction-${planned!.id}`);
    if ((await job?.getState()) === 'delayed') await job!.promote();
    await until(
      async () => ((await surveys(late))[0]!.status === 'cancelled' ? true : undefined),
      20_000,
      'question withdrawn',
    );
    expect((await surveys(late))[0]).toMatchObject({ cancel_reason: 'opted_out' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(ratingKeyboards(early)).toHaveLength(0);
    expect(ratingKeyboards(late)).toHaveLength(0);
  }, 90_000);

  it('asks after a person hands the conversation back, credited to them', async () => {
    const chatId = 6205;
    await confirmAge(chatId);
    const conversationId = await conversationOf(chatId);
    expect(await socket.timeout(10_000).emitWithAck('conversation:assign', { conversationId })).toMatchObject(
      { ok: true },
    );
    expect(
      await socket
        .timeout(10_000)
        .emitWithAck('message:send', { conversationId, text: 'Je suis là, dis-moi 😊' }),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await socket.timeout(10_000).emitWithAck('conversation:release', { conversationId }),
    ).toMatchObject({ ok: true });
    expect(await surveys(chatId)).toEqual([
      expect.objectContaining({ trigger: 'handled', user_id: adminId }),
    ]);
    await until(() => ratingKeyboards(chatId)[0], 15_000, 'satisfaction question');
    await press(chatId, 'rate:5');
    await until(
      async () => ((await surveys(chatId))[0]!.status === 'answered' ? true : undefined),
      10_000,
      'answer',
    );

    const figures = await admin.get('/api/satisfaction?days=30');
    // 6201 (4, the seller), 6202 (5, a catalog button: no person), 6205 (5, the person).
    expect(figures.body.total).toEqual({
      asked: 3,
      answered: 3,
      responseRate: 1,
      average: 4.67,
      scores: [0, 0, 0, 1, 2],
    });
    expect(figures.body.chatters).toEqual([
      expect.objectContaining({ userId: adminId, asked: 2, answered: 2, average: 4.5 }),
    ]);
  }, 90_000);

  it('asks nothing for a creator who switched the question off', async () => {
    const off = await admin.patch(`/api/creators/${creatorId}`, {
      automation: { satisfaction: { enabled: false } },
    });
    expect(off.status).toBe(200);
    const chatId = 6206;
    await confirmAge(chatId);
    await buyWithButton(chatId, 'feet', 'stxSat6206');
    await until(() => (mediaCount(chatId) > 0 ? true : undefined), 15_000, 'pack delivered');
    expect(await surveys(chatId)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(ratingKeyboards(chatId)).toHaveLength(0);
  }, 60_000);

  it('shows the scores on the dashboard in Chromium', async () => {
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, hub.url!, ADMIN, '/dashboard');
    const card = page.getByTestId('satisfaction');
    await card.getByText('Fans’ satisfaction (30 days)').waitFor();
    await expect
      .poll(() => card.locator('[data-figure=satisfaction-average] [data-value]').textContent())
      .toBe('4.67');
    expect(await card.locator('[data-figure=satisfaction-rate] [data-value]').textContent()).toBe('100 %');
    expect(await card.locator(`[data-row="${ADMIN.email}"]`).textContent()).toContain('4.5 (2 answers)');
    expect(await card.locator('[data-row="Sat"]').textContent()).toContain('4.67 (3 answers)');
  }, 60_000);
});
