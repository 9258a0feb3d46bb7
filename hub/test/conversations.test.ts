import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { postTelegram } from './stack';

const TOKEN = '7300000001:AAH-conversations-test-bot-token-000001';

describe.each(['postgres', 'pglite'] as const)('conversation and message reads on %s', (driver) => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    hub = await startTestHub({ driver, telegramApiRoot: telegram.apiRoot });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Page'))).body.id;
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'telegram',
      credentials: { botToken: TOKEN },
    });
    const secret = telegram.webhooks.get(TOKEN)!.secret_token!;
    let updateId = 1;
    // Three fans; the third writes five times.
    for (const chatId of [11, 12, 13]) {
      const count = chatId === 13 ? 5 : 1;
      for (let i = 0; i < count; i++) {
        const update = telegramUpdates.text({
          updateId: updateId++,
          chatId,
          fromId: chatId,
          text: `fan ${chatId} #${i}`,
          firstName: `Fan${chatId}`,
        });
        expect((await postTelegram(hub.url, account.body.id, secret, update)).status).toBe(200);
      }
    }
  });
  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  it('lists conversations newest first with a working cursor', async () => {
    const first = await admin.get(`/api/conversations?creatorId=${creatorId}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.conversations.map((c: { fan: { displayName: string } }) => c.fan.displayName)).toEqual([
      'Fan13',
      'Fan12',
    ]);
    expect(first.body.conversations[0]).toMatchObject({
      platform: 'telegram',
      status: 'bot',
      unreadCount: 5,
      lastMessage: { text: 'fan 13 #4' },
    });
    const second = await admin.get(
      `/api/conversations?creatorId=${creatorId}&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.conversations.map((c: { fan: { displayName: string } }) => c.fan.displayName)).toEqual(
      ['Fan11'],
    );
    expect(second.body.nextCursor).toBeNull();
  });

  it('filters by status, assignment and unread', async () => {
    const all = await admin.get(`/api/conversations?creatorId=${creatorId}`);
    expect(all.body.conversations).toHaveLength(3);
    expect((await admin.get('/api/conversations?status=escalated')).body.conversations).toHaveLength(0);
    expect((await admin.get('/api/conversations?unread=true')).body.conversations).toHaveLength(3);
    expect((await admin.get('/api/conversations?assigned=me')).body.conversations).toHaveLength(0);
    expect((await admin.get('/api/conversations?assigned=none')).body.conversations).toHaveLength(3);
    const bad = await admin.get('/api/conversations?status=sleeping');
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toMatch(/^status: /);
  });

  it('pages a thread oldest first', async () => {
    const conversation = (await admin.get(`/api/conversations?creatorId=${creatorId}&limit=1`)).body
      .conversations[0];
    const page1 = await admin.get(`/api/conversations/${conversation.id}/messages?limit=3`);
    expect(page1.body.messages.map((m: { text: string }) => m.text)).toEqual([
      'fan 13 #0',
      'fan 13 #1',
      'fan 13 #2',
    ]);
    const page2 = await admin.get(
      `/api/conversations/${conversation.id}/messages?limit=3&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.messages.map((m: { text: string }) => m.text)).toEqual(['fan 13 #3', 'fan 13 #4']);
    expect(page2.body.nextCursor).toBeNull();
    expect((await admin.get(`/api/conversations/${conversation.id}/messages?cursor=garbage`)).status).toBe(
      400,
    );
    expect((await admin.get('/api/conversations/00000000-0000-4000-8000-000000000000/messages')).status).toBe(
      404,
    );
  });

  it('keeps fan-supplied text exactly as sent', async () => {
    const list = await admin.get(`/api/conversations?creatorId=${creatorId}`);
    expect(JSON.stringify(list.body)).not.toContain('botToken');
    expect(
      list.body.conversations.every((c: { fan: { displayName: string } }) =>
        /^Fan1\d$/.test(c.fan.displayName),
      ),
    ).toBe(true);
  });
});
