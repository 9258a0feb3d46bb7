import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody } from '../harness';
import { connectTelegram, inboxClient, postTelegram, record, Stack, until, type InboxClient } from '../stack';

const TOKEN = '7920000001:AAH-telegram-fault-bot-token-for-tests01';

/**
 * Injected: the Telegram stand-in answers operators' replies with 429 + retry_after, with
 * 500/502 errors, with requests it holds then drops unanswered (a gateway timeout), whose
 * connection it resets, or that it processes and then drops unanswered. Survives: a reply
 * Telegram answered with an error is retried with growing backoff (never sooner than
 * retry_after) and reaches the fan exactly once; a reply whose outcome is unknown is never
 * sent twice: it is marked unconfirmed for a human to check.
 */
describe('fault: Telegram 429, 5xx and timeouts', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  const conversations = new Map<number, string>();

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({ env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' } });
    const hub = await stack.start('hub');
    await stack.start('workers');
    const admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', creatorBody('Retry'));
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    socket = await inboxClient(hub.url!, admin.token);
    events = record(socket);
    for (const chatId of [521, 522, 523, 524, 531, 532, 533, 534, 535]) {
      await postTelegram(
        hub.url!,
        accountId,
        secret,
        telegramUpdates.text({ updateId: chatId, chatId, fromId: chatId, text: `fan ${chatId}` }),
      );
      const incoming = await until(() =>
        events.find((e) => e.event === 'message:new' && e.payload.message.text === `fan ${chatId}`),
      );
      conversations.set(chatId, incoming.payload.conversationId);
    }
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await stack?.destroy();
    await telegram?.close();
  });

  it('retries each reply Telegram refused with backoff and delivers it exactly once', async () => {
    const faults = {
      521: { text: 'after 429', faults: [{ status: 429 as const, retryAfter: 2 }] },
      522: {
        text: 'after two 500s and a 502',
        faults: [
          { status: 500, description: 'Internal Server Error' },
          { status: 500, description: 'Internal Server Error' },
          { status: 502, description: 'Bad Gateway' },
        ],
      },
    };
    for (const { text, faults: list } of Object.values(faults)) {
      for (const fault of list) telegram.failNext('sendMessage', fault, 1, (body) => body.text === text);
    }
    const acks = await Promise.all(
      Object.entries(faults).map(async ([chat, { text }]) => {
        const ack = await socket.emitWithAck('message:send', {
          conversationId: conversations.get(Number(chat))!,
          text,
        });
        expect(ack.ok).toBe(true);
        return (ack as { messageId: string }).messageId;
      }),
    );
    for (const messageId of acks) {
      await until(
        () => events.find((e) => e.event === 'message:sent' && e.payload.messageId === messageId),
        30_000,
        `message:sent for ${messageId}`,
      );
    }
    await new Promise((r) => setTimeout(r, 1500));

    for (const [chat, { text, faults: list }] of Object.entries(faults)) {
      const attempts = telegram.calls.filter((c) => c.method === 'sendMessage' && c.body.text === text);
      expect(attempts, `attempts for "${text}"`).toHaveLength(list.length + 1);
      expect(telegram.sent.filter((m) => m.text === text && String(m.chat_id) === chat)).toHaveLength(1);
      const gaps = attempts.slice(1).map((a, i) => a.at - attempts[i]!.at);
      // Exponential from 1 s; never before retry_after.
      gaps.forEach((gap, i) =>
        expect(gap, `gap ${i + 1} for "${text}"`).toBeGreaterThanOrEqual(1000 * 2 ** i),
      );
    }
    const [first] = telegram.calls.filter((c) => c.body.text === 'after 429');
    const [, second] = telegram.calls.filter((c) => c.body.text === 'after 429');
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(2000);
    expect(events.filter((e) => e.event === 'message:failed')).toEqual([]);
  }, 60_000);

  it('never sends twice when the connection drops after the request: unconfirmed, for a human', async () => {
    // Dropped before Telegram processed the request (held then dropped, reset), or after.
    const cases = [
      { chat: 523, text: 'held then dropped', fault: { hangMs: 1500 } },
      { chat: 524, text: 'reset connection', fault: { closeConnection: true as const } },
      ...[531, 532, 533, 534, 535].map((chat) => ({
        chat,
        text: `received then dropped ${chat}`,
        fault: { processThenClose: true as const },
      })),
    ];
    for (const { text, fault } of cases) {
      telegram.failNext('sendMessage', fault, 1, (body) => body.text === text);
    }
    const acks = await Promise.all(
      cases.map(async ({ chat, text }) => {
        const ack = await socket.emitWithAck('message:send', {
          conversationId: conversations.get(chat)!,
          text,
        });
        expect(ack.ok).toBe(true);
        return (ack as { messageId: string }).messageId;
      }),
    );
    for (const messageId of acks) {
      await until(
        () => events.find((e) => e.event === 'message:failed' && e.payload.messageId === messageId),
        30_000,
        `message:failed (unconfirmed) for ${messageId}`,
      );
    }
    // Long enough for any retry to have happened.
    await new Promise((r) => setTimeout(r, 3000));

    let delivered = 0;
    let duplicated = 0;
    for (const { chat, text } of cases) {
      const attempts = telegram.calls.filter((c) => c.method === 'sendMessage' && c.body.text === text);
      expect(attempts, `attempts for "${text}"`).toHaveLength(1);
      const received = telegram.sent.filter((m) => m.text === text && String(m.chat_id) === String(chat));
      if (received.length > 0) delivered++;
      if (received.length > 1) duplicated++;
    }
    const stored = await stack.query<{ status: string }>(
      `select status from messages where direction = 'out' and text in (${cases.map((c) => `'${c.text}'`).join(',')})`,
    );
    console.log(
      `dropped connections: ${cases.length} replies, ${delivered} received by Telegram, ` +
        `${stored.filter((r) => r.status === 'unconfirmed').length} unconfirmed, ${duplicated} duplicated`,
    );
    expect(duplicated).toBe(0);
    expect(delivered).toBe(5);
    expect(stored.map((r) => r.status)).toEqual(cases.map(() => 'unconfirmed'));
    const failed = events.find((e) => e.event === 'message:failed' && e.payload.messageId === acks[2]);
    expect(failed!.payload.error).toMatch(/may have been delivered/);
    // Repeated on one account: supervisors are told.
    await until(
      () => events.find((e) => e.event === 'alert' && e.payload.kind === 'platform_error'),
      5_000,
      'the alert for repeated unconfirmed deliveries',
    );
  }, 60_000);
});
