import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody } from '../harness';
import { connectTelegram, postTelegram, Stack, until, type VelvetProcess } from '../stack';

const TOKEN = '7940000001:AAH-redis-flush-fault-bot-token-for-tests';
const FANS = 90;
const FIRST_CHAT = 540_000;

/**
 * Injected: every Redis key of this deployment deleted twice while fans write and workers
 * run (queues, job locks, rate-limit counters, socket session and event logs). This is
 * FLUSHALL as far as this deployment can tell; a real FLUSHALL would also wipe the test
 * suites running in parallel against the same Redis, so the test deletes its own prefix.
 * Replies wait their turn under a lowered per-bot send limit, so the flushes catch jobs
 * waiting in Redis. Survives: the outbox relay re-enqueues what the queue lost; every fan message is
 * processed and answered once (`/help`), nothing is left pending, no chat gets two replies.
 */
describe('fault: Redis flushed mid-run', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let hub: VelvetProcess;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({
      env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' },
      config: (yaml) =>
        yaml
          .replace('lock_duration: 30s', 'lock_duration: 2s')
          .replace('outbox_stale_after: 5s', 'outbox_stale_after: 1s')
          .replace('outbox_sweep_interval: 2s', 'outbox_sweep_interval: 500ms')
          // Replies queue up behind the bot's send limit, so the flushes do catch jobs waiting in Redis.
          .replace('messages_per_second_per_bot: 30', 'messages_per_second_per_bot: 10'),
    });
    hub = await stack.start('hub');
    await stack.start('workers');
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    await telegram?.close();
  });

  it('restores the queue from the outbox and answers every fan once', async () => {
    const admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Flush'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);

    let flushes = 0;
    for (let i = 0; i < FANS; i++) {
      if (i === FANS / 3 || i === (2 * FANS) / 3) {
        await stack.redis.cleanup();
        flushes++;
      }
      const chatId = FIRST_CHAT + i;
      const update = telegramUpdates.command({
        updateId: i + 1,
        chatId,
        fromId: chatId,
        text: '/help',
        languageCode: 'en',
      });
      expect((await postTelegram(hub.url!, accountId, secret, update)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(flushes).toBe(2);

    await until(
      async () => {
        const [row] = await stack.query<{ pending: number; open: number }>(
          `select (select count(*)::int from outbox where processed_at is null) as pending,
                  (select count(*)::int from messages where direction = 'out'
                     and status not in ('sent', 'unconfirmed')) as open`,
        );
        const answered = new Set(telegram.sent.map((m) => String(m.chat_id))).size;
        return row!.pending === 0 && row!.open === 0 && answered === FANS;
      },
      45_000,
      'every fan answered and the outbox drained',
    );
    await new Promise((r) => setTimeout(r, 2000));

    const inbound = await stack.query<{ n: number; classified: number }>(
      `select count(*)::int as n, count(intent)::int as classified from messages where direction = 'in'`,
    );
    expect(inbound[0]).toEqual({ n: FANS, classified: FANS });
    // The relay did restore work: some rows were handed to the queue again after the flushes.
    const [swept] = await stack.query<{ n: number }>(
      `select count(*)::int as n from outbox where attempts > 0`,
    );
    expect(swept!.n).toBeGreaterThan(0);
    const replies = await stack.query<{ chat: string; n: number }>(
      `select c.platform_chat_id as chat, count(*)::int as n from messages m
       join conversations c on c.id = m.conversation_id where m.direction = 'out' group by 1`,
    );
    expect(replies).toHaveLength(FANS);
    expect(replies.filter((r) => r.n !== 1)).toEqual([]);
    const perChat = new Map<string, number>();
    for (const m of telegram.sent) perChat.set(String(m.chat_id), (perChat.get(String(m.chat_id)) ?? 0) + 1);
    expect(perChat.size).toBe(FANS);
    expect([...perChat].filter(([, n]) => n !== 1)).toEqual([]);
    expect(telegram.sent.every((m) => String(m.text).startsWith('Commands: /packs'))).toBe(true);
  }, 120_000);
});
