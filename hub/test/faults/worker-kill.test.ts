import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody } from '../harness';
import {
  connectTelegram,
  inboxClient,
  postTelegram,
  record,
  Stack,
  until,
  type VelvetProcess,
} from '../stack';

const TOKEN = '7910000001:AAH-worker-kill-fault-bot-token-for-tests';
const MESSAGES = 200;
const FIRST_CHAT = 510_000;

/**
 * Injected: SIGKILL of a random one of two worker processes every 0.3–1.5 s (then a fresh
 * one started) while 200 fans each write once to a creator whose policy auto-sends LLM
 * drafts, so kills land in inbound jobs, draft streams and platform sends alike.
 *
 * Survives, by the at-most-once design: every fan message gets exactly one reply row, and
 * that row ends either `sent` (the Telegram stand-in received it exactly once) or
 * `unconfirmed` (a worker died between claiming the send and recording it: nobody can know
 * whether Telegram got it, so it is never sent twice and operators get `message:failed`
 * saying so). None is lost (no row stuck queued/sending, no fan without a reply row), and
 * no chat ever receives two replies.
 */
describe('fault: workers SIGKILLed during drafts and sends', () => {
  let telegram: TelegramStandin;
  let ollama: OllamaStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess[];

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    ollama = await startOllamaStandin({
      tokensPerSecond: 60,
      reply: () => 'Coucou toi ! Contente de te lire, tu passes une bonne journée ?',
    });
    stack = await Stack.create({
      env: { TELEGRAM_API_ROOT: telegram.apiRoot, OLLAMA_HOST: ollama.url, LOG_LEVEL: 'warn' },
      // Short locks and a fast outbox sweep so killed work is picked up within the test.
      config: (yaml) =>
        yaml
          .replace('lock_duration: 30s', 'lock_duration: 2s')
          .replace('outbox_stale_after: 5s', 'outbox_stale_after: 1s')
          .replace('outbox_sweep_interval: 2s', 'outbox_sweep_interval: 500ms'),
    });
    hub = await stack.start('hub');
    workers = await Promise.all([stack.start('workers'), stack.start('workers')]);
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    await ollama?.close();
    await telegram?.close();
  });

  it('gives each of 200 fan messages exactly one reply, sent once or flagged unconfirmed, under random kills', async () => {
    const admin = await stack.admin(hub.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Kill'),
      market: 'US',
      quietHours: { start: '00:00', end: '00:00' },
      sendPolicy: { '*': { '*': 'auto' } },
    });
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    const socket = await inboxClient(hub.url!, admin.token);
    const events = record(socket);

    let killing = true;
    let kills = 0;
    const killer = (async () => {
      while (killing) {
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
        if (!killing) break;
        const victim = Math.floor(Math.random() * workers.length);
        await workers[victim]!.stop('SIGKILL');
        kills++;
        workers[victim] = await stack.start('workers');
      }
    })();

    for (let i = 0; i < MESSAGES; i++) {
      const chatId = FIRST_CHAT + i;
      const update = telegramUpdates.text({ updateId: i + 1, chatId, fromId: chatId, text: 'coucou toi' });
      expect((await postTelegram(hub.url!, accountId, secret, update)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 25));
    }

    type Row = { chat: string; status: string | null };
    const replies = () =>
      stack.query<Row>(
        `select c.platform_chat_id as chat, o.status from messages i
         join conversations c on c.id = i.conversation_id
         left join messages o on o.direction = 'out' and o.conversation_id = i.conversation_id
         where i.direction = 'in'`,
      );
    // Keep killing until most replies are out, so kills also land in late sends, and until
    // four workers have died: a faster pipeline must not get away with fewer kills.
    await until(
      async () => kills > 3 && (await replies()).filter((r) => r.status === 'sent').length >= MESSAGES * 0.8,
      90_000,
      '80% of replies sent and four kills',
    );
    killing = false;
    await killer;

    const settled = await until(
      async () => {
        const rows = await replies();
        const done = rows.filter((r) => r.status === 'sent' || r.status === 'unconfirmed');
        return rows.length >= MESSAGES && done.length === rows.length && rows;
      },
      60_000,
      'every reply sent or unconfirmed',
    ).catch(async (error: unknown) => {
      // What is stuck, and where, before failing.
      const rows = await replies();
      console.error(rows.filter((r) => r.status !== 'sent' && r.status !== 'unconfirmed'));
      console.error(
        await stack.query(
          `select topic, attempts, enqueued_at is not null as enqueued, payload from outbox where processed_at is null`,
        ),
      );
      console.error(await stack.query(`select status, count(*)::int from drafts group by 1`));
      throw error;
    });
    expect(kills).toBeGreaterThan(3);

    // One fan message each, one reply row each.
    const byChat = new Map<string, string[]>();
    for (const row of settled) byChat.set(row.chat, [...(byChat.get(row.chat) ?? []), row.status!]);
    expect(byChat.size).toBe(MESSAGES);
    for (const [chat, statuses] of byChat) expect(statuses, `replies in chat ${chat}`).toHaveLength(1);

    // What Telegram received: never two replies in one chat; every `sent` row arrived once.
    await new Promise((r) => setTimeout(r, 1500));
    const received = new Map<string, number>();
    for (const m of telegram.sent)
      received.set(String(m.chat_id), (received.get(String(m.chat_id)) ?? 0) + 1);
    const duplicates = [...received].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    const sent = [...byChat].filter(([, [s]]) => s === 'sent').map(([chat]) => chat);
    for (const chat of sent) expect(received.get(chat), `chat ${chat} got its sent reply`).toBe(1);

    // Unconfirmed replies are not silent: operators were told, with the reason.
    const unconfirmed = [...byChat].filter(([, [s]]) => s === 'unconfirmed').map(([chat]) => chat);
    const failed = events.filter((e) => e.event === 'message:failed' && /unconfirmed/i.test(e.payload.error));
    expect(failed.length).toBe(unconfirmed.length);
    console.info(
      `worker kill: ${kills} kills, ${sent.length} sent, ${unconfirmed.length} unconfirmed ` +
        `(${unconfirmed.filter((c) => received.has(c)).length} of which Telegram did receive)`,
    );
    socket.disconnect();
  }, 240_000);
});
