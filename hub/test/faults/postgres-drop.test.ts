import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { TEST_PG_ADMIN_URL } from '@velvet/shared/testing';
import { creatorBody } from '../harness';
import { connectTelegram, postTelegram, Stack, until, type VelvetProcess } from '../stack';

const TOKEN = '7950000001:AAH-postgres-fault-bot-token-for-tests01';
const FANS = 40;
const ROUNDS = 6;

interface Delivery {
  update: ReturnType<typeof telegramUpdates.text>;
  answers: { status: number; sentAt: number; answeredAt: number }[];
}

/**
 * Injected: while fans write, every connection of the test database is terminated
 * (pg_terminate_backend) and new ones are refused for 1.5 s (ALLOW_CONNECTIONS false), then
 * allowed again. Webhook deliveries answered 5xx are redelivered, as Telegram does.
 * Survives: 5xx answers only for deliveries made while the database was down (plus the
 * in-flight ones it cut), 2xx again without any restart, each update stored once with its
 * fan, conversation and outbox row (nothing half-written), and every message processed.
 */
describe('fault: PostgreSQL connections dropped mid-traffic', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: pg.Client;
  let dbName: string;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({ env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' } });
    hub = await stack.start('hub');
    await stack.start('workers');
    dbName = new URL(stack.db.url).pathname.slice(1);
    admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await admin?.query(`alter database "${dbName}" allow_connections true`).catch(() => {});
    await admin?.end();
    await stack?.destroy();
    await telegram?.close();
  });

  it('answers 5xx only while the database is down, then recovers with nothing half-written', async () => {
    const client = await stack.admin(hub.url!);
    const creator = await client.post('/api/creators', {
      ...creatorBody('Drop'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const { accountId, secret } = await connectTelegram(client, telegram, TOKEN, creator.body.id);

    const deliveries: Delivery[] = [];
    const deliver = async (delivery: Delivery) => {
      // Telegram redelivers until it gets a 2xx; so does this fan.
      for (;;) {
        const sentAt = Date.now();
        const { status } = await postTelegram(hub.url!, accountId, secret, delivery.update).catch(() => ({
          status: 0,
        }));
        delivery.answers.push({ status, sentAt, answeredAt: Date.now() });
        if (status >= 200 && status < 300) return;
        expect(status, 'a refused delivery is a 5xx, never a 4xx').toBeGreaterThanOrEqual(500);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    const inflight: Promise<void>[] = [];
    let outage = { downAt: 0, upAt: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      if (round === 2) {
        outage.downAt = Date.now();
        await admin.query(`alter database "${dbName}" allow_connections false`);
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`,
          [dbName],
        );
        setTimeout(() => {
          void admin.query(`alter database "${dbName}" allow_connections true`).then(() => {
            outage = { ...outage, upAt: Date.now() };
          });
        }, 1500);
      }
      for (let fan = 0; fan < FANS / ROUNDS + 1 && deliveries.length < FANS * 2; fan++) {
        const chatId = 550_000 + ((round * 7 + fan) % FANS);
        const delivery: Delivery = {
          update: telegramUpdates.text({
            updateId: deliveries.length + 1,
            chatId,
            fromId: chatId,
            text: `message ${deliveries.length + 1}`,
          }),
          answers: [],
        };
        deliveries.push(delivery);
        inflight.push(deliver(delivery));
        await new Promise((r) => setTimeout(r, 40));
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    await Promise.all(inflight);
    expect(outage.upAt).toBeGreaterThan(outage.downAt);

    const answers = deliveries.flatMap((d) => d.answers);
    const refused = answers.filter((a) => a.status >= 500 || a.status === 0);
    expect(refused.length, 'the outage was felt').toBeGreaterThan(0);
    for (const a of refused) {
      // Cut in flight when the connections were terminated, or sent before they were allowed again
      // (the pool reconnects on the next query, so a little slack after `upAt`).
      expect(a.answeredAt).toBeGreaterThanOrEqual(outage.downAt);
      expect(a.sentAt).toBeLessThanOrEqual(outage.upAt + 1000);
    }
    expect(answers.filter((a) => a.sentAt > outage.upAt + 1000).every((a) => a.status === 200)).toBe(true);

    // Each update stored once, whole: message, fan, conversation and its outbox row; all processed.
    await until(
      async () => {
        const [row] = await stack.query<{ pending: number }>(
          `select count(*)::int as pending from outbox where processed_at is null`,
        );
        return row!.pending === 0;
      },
      45_000,
      'every stored message processed',
    ).catch(async (error: unknown) => {
      console.error(
        await stack.query(
          `select id, topic, attempts, enqueued_at, payload from outbox where processed_at is null`,
        ),
      );
      console.error(stack.processes.map((p) => p.output().slice(-6000)).join('\n----\n'));
      throw error;
    });
    const stored = await stack.query<{
      text: string;
      outbox: number;
      fan: string | null;
      intent: string | null;
    }>(
      `select m.text, f.id as fan, m.intent,
              (select count(*)::int from outbox o where o.topic = 'inbound.process'
                 and o.payload->>'messageId' = m.id::text) as outbox
       from messages m join conversations c on c.id = m.conversation_id
       left join fans f on f.id = c.fan_id where m.direction = 'in'`,
    );
    expect(stored.map((s) => s.text).sort()).toEqual(
      deliveries.map((d) => String(d.update.message!.text)).sort(),
    );
    expect(stored.filter((s) => s.outbox !== 1 || !s.fan || !s.intent)).toEqual([]);
  }, 120_000);
});
