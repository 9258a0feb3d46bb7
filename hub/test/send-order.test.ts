import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay, stageOutbound, type StagedOutbound } from '@velvet/shared';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { connectTelegram, postTelegram, until } from './stack';

const TOKEN = '7960000002:AAH-send-order-test-bot-token-for-tests-1';

/**
 * Outbound jobs run several at a time and may start in any order; the fan still reads the
 * replies in the order they were written.
 */
describe('replies to one chat leave in the order they were written', () => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  let conversationId: string;
  let accountId: string;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    hub = await startTestHub({
      telegramApiRoot: telegram.apiRoot,
      workers: true,
      // The relay's sweep must not hand the first reply to the queue behind the test's back.
      config: (c) => void (c.queues.outbox_stale_after = 600_000),
    });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', creatorBody('Order'));
    const connected = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    accountId = connected.accountId;
    const update = telegramUpdates.text({ updateId: 1, chatId: 8801, fromId: 8801, text: 'coucou' });
    expect((await postTelegram(hub.url, accountId, connected.secret, update)).status).toBe(200);
    const conversations = await until(async () => {
      const list = await admin.get('/api/conversations');
      return list.body.conversations.length > 0 ? list.body.conversations : undefined;
    });
    conversationId = conversations[0].id;
  });

  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  const stage = (text: string): Promise<StagedOutbound> =>
    hub.ctx.db.transaction((tx) =>
      stageOutbound(
        tx,
        {
          conversationId,
          accountId,
          direction: 'out',
          sender: 'human',
          text,
          idempotencyKey: `order:${text}`,
        },
        new Date(),
      ),
    );

  it('holds a later reply whose job starts first until the earlier one is sent', async () => {
    const first = await stage('Premier message');
    const second = await stage('Second message');
    const relay = new OutboxRelay(hub.ctx.db, hub.queues, hub.ctx.logger);

    await relay.dispatch([second.outbox!]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(telegram.sent.filter((m) => String(m.chat_id) === '8801').map((m) => m.text)).toEqual([]);

    await relay.dispatch([first.outbox!]);
    const delivered = await until(() => {
      const texts = telegram.sent.filter((m) => String(m.chat_id) === '8801').map((m) => m.text);
      return texts.length === 2 ? texts : undefined;
    }, 10_000);
    expect(delivered).toEqual(['Premier message', 'Second message']);
  });
});
