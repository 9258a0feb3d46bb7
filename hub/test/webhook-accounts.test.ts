import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody } from './harness';
import { connectTelegram, postTelegram, Stack, type VelvetProcess } from './stack';

const BOT = '7400000077:AAH-account-cache-bot-token-for-the-test';

/**
 * Hubs keep a webhook's account and credentials for a moment; a change made on one hub
 * must hold on every other at once, not two seconds later.
 */
describe('webhook accounts across hubs', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let a: VelvetProcess;
  let b: VelvetProcess;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [BOT] });
    stack = await Stack.create({ env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' } });
    [a, b] = await Promise.all([stack.start('hub'), stack.start('hub')]);
  }, 60_000);
  afterAll(async () => {
    await stack?.destroy();
    await telegram?.close();
  });

  it('stops deliveries on every hub the moment one disconnects, and takes the new secret after a reconnect', async () => {
    const admin = await stack.admin(a.url!);
    const creator = await admin.post('/api/creators', creatorBody('Cache'));
    const { accountId, secret } = await connectTelegram(admin, telegram, BOT, creator.body.id);
    let updateId = 1;
    const deliver = (hub: VelvetProcess, withSecret: string, text: string) =>
      postTelegram(
        hub.url!,
        accountId,
        withSecret,
        telegramUpdates.text({ updateId: updateId++, chatId: 4242, fromId: 4242, text }),
      );

    // Hub b has the account in hand.
    expect((await deliver(b, secret, 'one')).status).toBe(200);
    expect((await deliver(b, secret, 'two')).status).toBe(200);

    expect((await admin.delete(`/api/accounts/${accountId}`)).status).toBe(200);
    expect((await deliver(b, secret, 'after disconnect')).status).toBe(404);

    // Reconnected: Telegram was given a new secret; b answers to it, and no longer to the old one.
    expect(
      (await admin.post(`/api/accounts/${accountId}/reconnect`, { credentials: { botToken: BOT } })).status,
    ).toBe(200);
    const renewed = telegram.webhooks.get(BOT)!.secret_token!;
    expect(renewed).not.toBe(secret);
    expect((await deliver(b, renewed, 'after reconnect')).status).toBe(200);
    expect((await deliver(b, secret, 'old secret')).status).toBe(401);

    const stored = await stack.query<{ text: string }>(
      `select text from messages where account_id = '${accountId}' order by created_at`,
    );
    expect(stored.map((m) => m.text)).toEqual(['one', 'two', 'after reconnect']);
  });
});
