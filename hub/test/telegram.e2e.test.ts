import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody, type Client } from './harness';
import { inboxClient, postTelegram, record, Stack, until, type VelvetProcess } from './stack';

const TOKEN_A = '7100000001:AAH-creator-a-bot-token-for-tests-0000001';
const TOKEN_B = '7100000002:AAH-creator-b-bot-token-for-tests-0000002';

/**
 * A fan writes on Telegram; operators see it live; a human answers; the fan gets the answer
 * exactly once. Separate hub and workers processes, real PostgreSQL and Redis.
 */
describe('Telegram → inbox → Telegram', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess;
  let admin: Client;
  const accounts: Record<'a' | 'b', { id: string; creatorId: string; secret: string }> = {} as never;
  let updateId = 1000;
  const text = (
    chatId: number,
    body: string,
    extra: Partial<{ firstName: string; languageCode: string }> = {},
  ) =>
    telegramUpdates.text({
      updateId: updateId++,
      chatId,
      fromId: chatId,
      text: body,
      firstName: 'Alex',
      ...extra,
    });

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN_A, TOKEN_B] });
    stack = await Stack.create({
      env: { TELEGRAM_API_ROOT: telegram.apiRoot },
      // Short locks so a killed worker's job is picked up again within the test.
      config: (yaml) =>
        yaml
          .replace('lock_duration: 30s', 'lock_duration: 2s')
          .replace('outbox_stale_after: 5s', 'outbox_stale_after: 1s'),
    });
    hub = await stack.start('hub');
    workers = await stack.start('workers');
    admin = await stack.admin(hub.url!);
    for (const [key, token] of [
      ['a', TOKEN_A],
      ['b', TOKEN_B],
    ] as const) {
      // No quiet hours: command answers are automated messages, held overnight otherwise.
      const creator = await admin.post('/api/creators', {
        ...creatorBody(key === 'a' ? 'Anna' : 'Bella'),
        quietHours: { start: '00:00', end: '00:00' },
      });
      const account = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
        platform: 'telegram',
        credentials: { botToken: token },
      });
      expect(account.status).toBe(201);
      accounts[key] = {
        id: account.body.id,
        creatorId: creator.body.id,
        secret: telegram.webhooks.get(token)!.secret_token!,
      };
    }
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    await telegram?.close();
  });

  it('streams a fan message to the inbox and delivers the human reply once', async () => {
    const socket = await inboxClient(hub.url!, admin.token);
    const events = record(socket);
    const webhook = await postTelegram(
      hub.url!,
      accounts.a.id,
      accounts.a.secret,
      text(501, 'Salut, tu es là ?', { languageCode: 'fr' }),
    );
    expect(webhook.status).toBe(200);

    const incoming = await until(() => events.find((e) => e.event === 'message:new'), 10_000, 'message:new');
    expect(incoming.payload).toMatchObject({
      creatorId: accounts.a.creatorId,
      message: { direction: 'in', sender: 'fan', text: 'Salut, tu es là ?' },
    });
    const conversationId: string = incoming.payload.conversationId;

    const ack = await socket.emitWithAck('message:send', { conversationId, text: 'Oui, je suis là 😊' });
    expect(ack).toMatchObject({ ok: true, messageId: expect.any(String) });
    const sent = await until(() => events.find((e) => e.event === 'message:sent'), 10_000, 'message:sent');
    expect(sent.payload).toMatchObject({
      conversationId,
      messageId: (ack as { messageId: string }).messageId,
    });

    const delivered = telegram.sent.filter((m) => m.text === 'Oui, je suis là 😊');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ token: TOKEN_A, chat_id: '501' });
    expect(sent.payload.platformMessageId).toMatch(/^501:\d+$/);

    const thread = await admin.get(`/api/conversations/${conversationId}/messages`);
    expect(thread.body.messages.map((m: { text: string; status: string }) => [m.text, m.status])).toEqual([
      ['Salut, tu es là ?', 'received'],
      ['Oui, je suis là 😊', 'sent'],
    ]);
    socket.disconnect();
  });

  it('stores a repeated delivery once and refuses bad webhooks without storing anything', async () => {
    const update = text(502, 'Message livré deux fois');
    expect((await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, update)).status).toBe(200);
    const again = await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, update);
    expect(again).toMatchObject({ status: 200, body: { ok: true, duplicate: true } });

    const wrongSecret = await postTelegram(hub.url!, accounts.a.id, 'not-the-secret', text(503, 'intrus'));
    expect(wrongSecret.status).toBe(401);
    expect((await postTelegram(hub.url!, accounts.a.id, undefined, text(503, 'intrus'))).status).toBe(401);
    // Creator B's secret does not open creator A's webhook.
    expect((await postTelegram(hub.url!, accounts.a.id, accounts.b.secret, text(503, 'intrus'))).status).toBe(
      401,
    );
    const malformed = await postTelegram(
      hub.url!,
      accounts.a.id,
      accounts.a.secret,
      '{"update_id": 1, "message": ',
    );
    expect(malformed.status).toBe(400);
    const notAnUpdate = await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, { hello: 'world' });
    expect(notAnUpdate.status).toBe(400);
    const huge = await postTelegram(
      hub.url!,
      accounts.a.id,
      accounts.a.secret,
      text(503, 'x'.repeat(1024 * 1024)),
    );
    expect(huge.status).toBe(413);
    expect(
      (
        await postTelegram(
          hub.url!,
          '00000000-0000-4000-8000-000000000000',
          accounts.a.secret,
          text(503, 'x'),
        )
      ).status,
    ).toBe(404);
    const ignored = await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, {
      update_id: updateId++,
      my_chat_member: {},
    });
    expect(ignored.status).toBe(200);

    const list = await admin.get(`/api/conversations?creatorId=${accounts.a.creatorId}`);
    const fans = list.body.conversations.map((c: { fan: { displayName: string } }) => c.fan.displayName);
    const chat502 = list.body.conversations.find(
      (c: { lastMessage: { text: string } }) => c.lastMessage?.text === 'Message livré deux fois',
    );
    const thread = await admin.get(`/api/conversations/${chat502.id}/messages`);
    expect(thread.body.messages).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain('intrus');
    expect(fans.length).toBeGreaterThanOrEqual(2);
  });

  it('never sends a chatter scoped to creator A any of creator B’s events', async () => {
    const chatterCreated = await admin.post('/api/users', {
      email: 'chatter-a@test.velvet',
      password: 'chatter-password-123',
      role: 'chatter',
      creatorIds: [accounts.a.creatorId],
    });
    expect(chatterCreated.status).toBe(201);
    const { Client: ClientClass } = await import('./harness');
    const chatter = new ClientClass(hub.url!);
    await chatter.login('chatter-a@test.velvet', 'chatter-password-123');
    const chatterSocket = await inboxClient(hub.url!, chatter.token);
    const adminSocket = await inboxClient(hub.url!, admin.token);
    const seen = record(chatterSocket);
    const adminSeen = record(adminSocket);

    await postTelegram(hub.url!, accounts.b.id, accounts.b.secret, text(601, 'Pour Bella seulement'));
    await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, text(602, 'Pour Anna'));
    await until(
      () => adminSeen.filter((e) => e.event === 'message:new').length >= 2,
      10_000,
      'admin sees both',
    );
    await until(
      () => seen.find((e) => e.payload?.message?.text === 'Pour Anna'),
      10_000,
      'chatter sees Anna',
    );
    expect(seen.every((e) => e.payload?.creatorId !== accounts.b.creatorId)).toBe(true);
    expect(JSON.stringify(seen)).not.toContain('Pour Bella');

    // Nor may the chatter act on B's conversation or read it.
    const bConversation = adminSeen.find((e) => e.payload?.message?.text === 'Pour Bella seulement')!.payload
      .conversationId;
    const refused = await chatterSocket.emitWithAck('message:send', {
      conversationId: bConversation,
      text: 'hop',
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect((await chatter.get(`/api/conversations/${bConversation}/messages`)).status).toBe(403);
    const chatterList = await chatter.get('/api/conversations');
    expect(
      chatterList.body.conversations.every(
        (c: { creatorId: string }) => c.creatorId === accounts.a.creatorId,
      ),
    ).toBe(true);
    chatterSocket.disconnect();
    adminSocket.disconnect();
  });

  it('refuses a socket without a valid token', async () => {
    await expect(inboxClient(hub.url!, 'forged.token.value')).rejects.toThrow('unauthorized');
    await expect(inboxClient(hub.url!, undefined)).rejects.toThrow('unauthorized');
  });

  it('retries after Telegram’s 429 retry_after and sends once', async () => {
    const socket = await inboxClient(hub.url!, admin.token);
    const events = record(socket);
    await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, text(701, 'Coucou, ça va ?'));
    const incoming = await until(() =>
      events.find((e) => e.event === 'message:new' && e.payload.message.text === 'Coucou, ça va ?'),
    );
    telegram.failNext(
      'sendMessage',
      { status: 429, retryAfter: 1 },
      1,
      (body) => body.text === 'Après la limite',
    );
    const started = Date.now();
    const ack = (await socket.emitWithAck('message:send', {
      conversationId: incoming.payload.conversationId,
      text: 'Après la limite',
    })) as { messageId: string };
    await until(
      () => events.find((e) => e.event === 'message:sent' && e.payload.messageId === ack.messageId),
      15_000,
      'message:sent after 429',
    );
    const attempts = telegram.calls.filter(
      (c) => c.method === 'sendMessage' && c.body.text === 'Après la limite',
    );
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(telegram.sent.filter((m) => m.text === 'Après la limite')).toHaveLength(1);
    socket.disconnect();
  });

  it('marks a reply failed when the fan blocked the bot, without retrying', async () => {
    const socket = await inboxClient(hub.url!, admin.token);
    const events = record(socket);
    await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, text(702, 'Hello toi'));
    const incoming = await until(() =>
      events.find((e) => e.event === 'message:new' && e.payload.message.text === 'Hello toi'),
    );
    telegram.failNext(
      'sendMessage',
      { status: 403, description: 'Forbidden: bot was blocked by the user' },
      1,
      (body) => body.text === 'Tu es parti ?',
    );
    const ack = (await socket.emitWithAck('message:send', {
      conversationId: incoming.payload.conversationId,
      text: 'Tu es parti ?',
    })) as { messageId: string };
    const failed = await until(
      () => events.find((e) => e.event === 'message:failed'),
      10_000,
      'message:failed',
    );
    expect(failed.payload).toMatchObject({
      messageId: ack.messageId,
      error: expect.stringMatching(/blocked/),
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(
      telegram.calls.filter((c) => c.method === 'sendMessage' && c.body.text === 'Tu es parti ?'),
    ).toHaveLength(1);
    const thread = await admin.get(`/api/conversations/${incoming.payload.conversationId}/messages`);
    expect(thread.body.messages.at(-1)).toMatchObject({ text: 'Tu es parti ?', status: 'failed' });
    socket.disconnect();
  });

  it('answers /start from the configured template in the fan’s language', async () => {
    await postTelegram(
      hub.url!,
      accounts.a.id,
      accounts.a.secret,
      telegramUpdates.command({
        updateId: updateId++,
        chatId: 801,
        fromId: 801,
        text: '/start',
        firstName: 'Léa',
        languageCode: 'fr',
      }),
    );
    const reply = await until(
      () => telegram.sent.find((m) => String(m.chat_id) === '801'),
      10_000,
      '/start reply',
    );
    expect(reply.text).toMatch(/^Coucou Léa ! Ici anna_star/);
  });

  it('assigns, escalates and releases a conversation, live and audited', async () => {
    const socket = await inboxClient(hub.url!, admin.token);
    const events = record(socket);
    await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, text(901, 'J’ai un souci'));
    const conversationId = (
      await until(() =>
        events.find((e) => e.event === 'message:new' && e.payload.message.text === 'J’ai un souci'),
      )
    ).payload.conversationId;
    expect(await socket.emitWithAck('conversation:assign', { conversationId })).toEqual({ ok: true });
    expect(await socket.emitWithAck('conversation:escalate', { conversationId })).toEqual({ ok: true });
    expect(await socket.emitWithAck('conversation:release', { conversationId })).toEqual({ ok: true });
    const bad = await socket.emitWithAck('conversation:assign', { conversationId: 'nope' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const updates = await until(() => {
      const list = events.filter((e) => e.event === 'conversation:update');
      return list.length >= 3 && list;
    });
    expect(updates.map((u) => [u.payload.status, u.payload.assignedTo === null ? null : 'someone'])).toEqual([
      ['human', 'someone'],
      ['escalated', 'someone'],
      ['bot', null],
    ]);
    const escalated = await admin.get(`/api/conversations?status=bot&creatorId=${accounts.a.creatorId}`);
    expect(escalated.body.conversations.map((c: { id: string }) => c.id)).toContain(conversationId);
    socket.disconnect();
  });

  it('delivers exactly one message when the worker is killed mid-send', async () => {
    const socket = await inboxClient(hub.url!, admin.token);
    const events = record(socket);
    await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, text(1001, 'Tu m’écris ?'));
    const conversationId = (
      await until(() =>
        events.find((e) => e.event === 'message:new' && e.payload.message.text === 'Tu m’écris ?'),
      )
    ).payload.conversationId;

    telegram.failNext('sendMessage', { delayMs: 3000 }, 1, (body) => body.text === 'Pendant le crash');
    const killed = new Promise<void>((resolve) => {
      const off = telegram.onCall((call) => {
        if (call.method === 'sendMessage' && call.body.text === 'Pendant le crash') {
          off();
          void workers.stop('SIGKILL').then(() => resolve());
        }
      });
    });
    await socket.emitWithAck('message:send', { conversationId, text: 'Pendant le crash' });
    await killed;
    workers = await stack.start('workers');

    const outcome = await until(
      () =>
        events.find(
          (e) =>
            (e.event === 'message:failed' || e.event === 'message:sent') &&
            e.payload.conversationId === conversationId,
        ),
      20_000,
      'the send outcome after restart',
    );
    expect(outcome.event).toBe('message:failed');
    expect(outcome.payload.error).toMatch(/unconfirmed/i);
    await new Promise((r) => setTimeout(r, 1000));
    expect(telegram.sent.filter((m) => m.text === 'Pendant le crash')).toHaveLength(1);

    // The restarted worker sends new replies normally.
    await socket.emitWithAck('message:send', { conversationId, text: 'Après le redémarrage' });
    await until(() => telegram.sent.find((m) => m.text === 'Après le redémarrage'), 10_000);
    socket.disconnect();
  }, 60_000);

  it('re-enqueues committed work after Redis loses the queue', async () => {
    await workers.stop('SIGTERM');
    await postTelegram(
      hub.url!,
      accounts.a.id,
      accounts.a.secret,
      telegramUpdates.command({
        updateId: updateId++,
        chatId: 1101,
        fromId: 1101,
        text: '/help',
        languageCode: 'en',
      }),
    );
    // Everything this deployment had in Redis is gone (its prefix: other suites share the server).
    await stack.redis.cleanup();
    workers = await stack.start('workers');
    const reply = await until(
      () => telegram.sent.find((m) => String(m.chat_id) === '1101'),
      15_000,
      'the /help reply',
    );
    expect(reply.text).toMatch(/^Commands: \/packs/);
    await new Promise((r) => setTimeout(r, 2500));
    expect(telegram.sent.filter((m) => String(m.chat_id) === '1101')).toHaveLength(1);
  }, 60_000);

  it('recovers missed events when a client reconnects within two minutes', async () => {
    const socket = await inboxClient(hub.url!, admin.token);
    const events = record(socket);
    await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, text(1201, 'Avant la coupure'));
    await until(() => events.find((e) => e.payload?.message?.text === 'Avant la coupure'));
    // Drop the transport as a flaky network would (not a deliberate disconnect).
    socket.io.engine.close();
    await until(() => socket.disconnected || undefined, 5000, 'disconnect');
    await postTelegram(hub.url!, accounts.a.id, accounts.a.secret, text(1202, 'Pendant la coupure'));
    await until(() => socket.connected || undefined, 10_000, 'reconnect');
    expect(socket.recovered).toBe(true);
    await until(
      () => events.find((e) => e.payload?.message?.text === 'Pendant la coupure'),
      5000,
      'missed event',
    );
    socket.disconnect();
  });
});
