import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import type { Client } from './harness';
import {
  inboxClient,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type Stack,
  type TelegramStack,
} from './stack';

const TOKEN = '7700000041:AAH-chats-test-bot-token-for-the-tests';

/** Edited messages and group chats, on the real hub and workers processes. */
describe('Telegram edits and group chats', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let stack: Stack;
  let admin: Client;
  let socket: InboxClient;
  let events: ReturnType<typeof record>;

  const sentTo = (chatId: number) => telegram.sent.filter((m) => String(m.chat_id) === String(chatId));
  const messagesOf = (chatId: string) =>
    stack.query<{ id: string; text: string; edited_at: Date | null; direction: string }>(
      `select m.id, m.text, m.edited_at, m.direction from messages m
       join conversations c on c.id = m.conversation_id
       where c.platform_chat_id = '${chatId}' order by m.created_at`,
    );

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 400, reply: () => 'Coucou toi 😘' },
      creator: { name: 'Chats' },
      fanName: 'Lou',
    });
    ({ telegram, stack, admin } = env);
    socket = await inboxClient(env.hub.url!, admin.token);
    events = record(socket);
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await env?.destroy();
  });

  it('replaces an edited message’s text, marks it edited, and reads the new words for safety', async () => {
    const chatId = 7301;
    const base = { chatId, fromId: chatId, firstName: 'Lou', languageCode: 'fr', messageId: 10 };
    await env.post(telegramUpdates.text({ ...base, updateId: env.nextUpdateId(), text: 'Salut' }));
    await until(() => events.find((e) => e.event === 'message:new' && e.payload.message.text === 'Salut'));
    const edit = telegramUpdates.edited({
      ...base,
      updateId: env.nextUpdateId(),
      text: "Salut, au fait j'ai 16 ans",
      editDate: Math.floor(Date.now() / 1000) + 5,
    });
    expect((await env.post(edit)).body).toMatchObject({ ok: true, duplicate: false });
    const edited = await until(
      () => events.find((e) => e.event === 'message:edited'),
      10_000,
      'message:edited',
    );
    expect(edited.payload).toMatchObject({
      text: "Salut, au fait j'ai 16 ans",
      editedAt: expect.any(String),
    });

    // One message, with the new text; the thread API says it was edited.
    const rows = await messagesOf(String(chatId));
    expect(rows.filter((r) => r.direction === 'in')).toEqual([
      expect.objectContaining({ text: "Salut, au fait j'ai 16 ans", edited_at: expect.any(Date) }),
    ]);
    const thread = await admin.get(`/api/conversations/${edited.payload.conversationId}/messages`);
    expect(thread.body.messages[0]).toMatchObject({
      text: "Salut, au fait j'ai 16 ans",
      editedAt: expect.any(String),
    });

    // The new words are a minor signal: escalated, alerted, selling stopped, the fan told once.
    await until(
      () => events.find((e) => e.event === 'alert' && e.payload.kind === 'minor_signal'),
      15_000,
      'minor alert after the edit',
    );
    const neutral = await until(
      () => sentTo(chatId).find((m) => /réservé aux adultes/.test(String(m.text))),
      15_000,
      'the neutral reply',
    );
    expect(neutral).toBeDefined();
    const [fan] = await stack.query<{ minor_signal_at: Date | null }>(
      `select minor_signal_at from fans where platform_user_id = '${chatId}'`,
    );
    expect(fan!.minor_signal_at).toBeInstanceOf(Date);

    // Telegram delivering the same edit again changes nothing and says nothing more.
    expect((await env.post(edit)).body).toMatchObject({ ok: true, duplicate: true });
    await new Promise((r) => setTimeout(r, 1000));
    expect(sentTo(chatId).filter((m) => /réservé aux adultes/.test(String(m.text)))).toHaveLength(1);
  });

  it('keeps an edit of a message it never saw as a message of its own', async () => {
    const chatId = 7302;
    const edit = telegramUpdates.edited({
      chatId,
      fromId: chatId,
      updateId: env.nextUpdateId(),
      messageId: 3,
      text: 'écrit avant la connexion',
    });
    expect((await env.post(edit)).status).toBe(200);
    await until(async () => (await messagesOf(String(chatId))).length === 1 || undefined, 10_000);
    expect((await messagesOf(String(chatId)))[0]).toMatchObject({ text: 'écrit avant la connexion' });
  });

  it('tells a group once a day that the creator chats in private, and stores nothing', async () => {
    const group = -1009001;
    const inGroup = (text: string, fromId: number) =>
      telegramUpdates.text({
        chatId: group,
        chatType: 'supergroup',
        fromId,
        updateId: env.nextUpdateId(),
        text,
      });
    const first = await env.post(inGroup('coucou tout le monde', 7401));
    expect(first.body).toMatchObject({ ok: true, ignored: expect.stringMatching(/group/) });
    await env.post(inGroup('elle répond ?', 7402));
    const notices = sentTo(group);
    expect(notices).toHaveLength(1);
    expect(String(notices[0]!.text)).toMatch(/en privé|in private/);
    expect(await messagesOf(String(group))).toEqual([]);
  });

  it('turns group chats on: one conversation for humans, nothing automated, replies go to the group', async () => {
    const group = -1009002;
    expect((await admin.patch(`/api/accounts/${env.account.id}`, { groups: true })).status).toBe(200);
    await env.post(
      telegramUpdates.text({
        chatId: group,
        chatType: 'group',
        fromId: 7501,
        firstName: 'Max',
        updateId: env.nextUpdateId(),
        text: 'Tu as des packs ?',
      }),
    );
    const arrived = await until(
      () =>
        events.find((e) => e.event === 'message:new' && e.payload.message.text === 'Max: Tu as des packs ?'),
      10_000,
      'the group message in the inbox',
    );
    const conversationId: string = arrived.payload.conversationId;
    const listed = await admin.get(`/api/conversations/${conversationId}`);
    expect(listed.body.conversation.fan.displayName).toBe('Test group');
    await until(
      () => events.find((e) => e.event === 'message:intent' && e.payload.conversationId === conversationId),
      10_000,
      'the inbound job ran',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(events.some((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId)).toBe(
      false,
    );
    expect(sentTo(group)).toEqual([]);

    const ack = await socket.emitWithAck('message:send', { conversationId, text: 'Bonjour le groupe 👋' });
    expect(ack).toMatchObject({ ok: true });
    await until(
      () => sentTo(group).find((m) => m.text === 'Bonjour le groupe 👋'),
      10_000,
      'reply in the group',
    );
  });
});
