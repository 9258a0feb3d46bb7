import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { Client, creatorBody } from './harness';
import {
  inboxClient,
  record,
  startTelegramStack,
  until,
  type InboxClient,
  type TelegramStack,
} from './stack';

const TOKEN = '7300000001:AAH-media-bot-token-for-tests-000000001';
const SECRET_PART = TOKEN.split(':')[1]!;
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.from('a fan photo, not really a jpeg'),
]);
const OGG = Buffer.from('OggS\u0000\u0002 a voice note');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('operator picture bytes'),
]);

/**
 * A fan's photos and voice notes reach the inbox with their captions, their bytes come
 * through the hub (never a Telegram URL), and an operator's upload reaches the fan.
 */
describe('Telegram media, in and out', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let chatId = 880_001;

  const raw = (url: string, token: string | undefined, init: RequestInit = {}) =>
    fetch(`${env.hub.url}${url}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
    });

  const seenMessages = new Set<string>();
  const seenChats = new Map<string, number>();

  /** A new fan, in a new chat, sends `update`; resolves with its `message:new`. */
  async function fanSends(update: (input: { updateId: number; chatId: number; fromId: number }) => unknown) {
    const chat = chatId++;
    const response = await env.post(update({ updateId: env.nextUpdateId(), chatId: chat, fromId: chat }));
    expect(response.status).toBe(200);
    const incoming = await until(
      () =>
        events.find(
          (e) =>
            e.event === 'message:new' &&
            e.payload.message.direction === 'in' &&
            !seenMessages.has(e.payload.message.id),
        ),
      10_000,
      'message:new',
    );
    seenMessages.add(incoming.payload.message.id);
    seenChats.set(incoming.payload.conversationId, chat);
    return incoming;
  }

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 300, reply: () => 'Trop belle ta photo !' },
      creator: { name: 'Mila' },
      fanName: 'Hugo',
    });
    telegram = env.telegram;
    socket = await inboxClient(env.hub.url!, env.admin.token);
    events = record(socket);
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await env?.destroy();
  });

  it('shows a photo with its caption and streams its exact bytes to a signed-in operator only', async () => {
    const file = telegram.addFile(JPEG, { path: 'photos/file_1.jpg' });
    const incoming = await fanSends((ids) =>
      telegramUpdates.photo({ ...ids, caption: 'regarde ça 😍', fileId: file.fileId, fileSize: JPEG.length }),
    );
    const message = incoming.payload.message;
    expect(message).toMatchObject({ direction: 'in', sender: 'fan', text: 'regarde ça 😍' });
    expect(message.attachments).toEqual([
      {
        index: 0,
        kind: 'photo',
        mimeType: 'image/jpeg',
        width: 1280,
        height: 1280,
        size: JPEG.length,
        url: `/api/messages/${message.id}/attachments/0`,
      },
    ]);
    expect(JSON.stringify(incoming.payload)).not.toContain(file.fileId);

    const response = await raw(message.attachments[0].url, env.admin.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-disposition')).toMatch(/^inline; filename="photo-1\.jpg"/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toMatch(/private/);
    expect(Buffer.from(await response.arrayBuffer())).toEqual(JPEG);

    const anonymous = await raw(message.attachments[0].url, undefined);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await raw(`/api/messages/${message.id}/attachments/1`, env.admin.token)).status).toBe(404);
    expect(
      (await raw('/api/messages/00000000-0000-4000-8000-000000000000/attachments/0', env.admin.token)).status,
    ).toBe(404);

    // The thread over HTTP says the same, without the file id either.
    const thread = await env.admin.get(`/api/conversations/${incoming.payload.conversationId}/messages`);
    expect(thread.body.messages[0]).toMatchObject({
      text: 'regarde ça 😍',
      attachments: message.attachments,
    });
    expect(JSON.stringify(thread.body)).not.toContain(file.fileId);

    // The drafter reads the caption, told that a photo came with it.
    await until(
      () =>
        env.ollama.requests.some((r) =>
          r.body.messages?.some((m) => m.content.includes('[photo] regarde ça 😍')),
        ),
      10_000,
      'a draft from the caption',
    );
  });

  it('refuses another creator’s chatter the file', async () => {
    const other = await env.admin.post('/api/creators', creatorBody('Bella'));
    await env.admin.post('/api/users', {
      email: 'chatter-bella@test.velvet',
      password: 'chatter-password-123',
      role: 'chatter',
      creatorIds: [other.body.id],
    });
    const chatter = new Client(env.hub.url!);
    await chatter.login('chatter-bella@test.velvet', 'chatter-password-123');
    const file = telegram.addFile(JPEG, { path: 'photos/file_2.jpg' });
    const incoming = await fanSends((ids) => telegramUpdates.photo({ ...ids, fileId: file.fileId }));
    const response = await raw(incoming.payload.message.attachments[0].url, chatter.token);
    expect([403, 404]).toContain(response.status);
    expect(Buffer.from(await response.arrayBuffer()).includes(JPEG)).toBe(false);
  });

  it('keeps a voice note without caption, shows it, and leaves the reply to a human', async () => {
    const file = telegram.addFile(OGG, { path: 'voice/file_3.oga' });
    const requestsBefore = env.ollama.requests.length;
    const incoming = await fanSends((ids) =>
      telegramUpdates.voice({ ...ids, fileId: file.fileId, duration: 4 }),
    );
    const { message, conversationId } = incoming.payload;
    expect(message).toMatchObject({
      text: '',
      attachments: [{ index: 0, kind: 'voice', mimeType: 'audio/ogg', duration: 4 }],
    });
    // The inbound job ran (intent set) and queued no draft.
    await until(
      () => events.find((e) => e.event === 'message:intent' && e.payload.messageId === message.id),
      10_000,
      'message:intent',
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(events.some((e) => e.event === 'draft:start' && e.payload.conversationId === conversationId)).toBe(
      false,
    );
    expect(env.ollama.requests.length).toBe(requestsBefore);
    const [stored] = await env.stack.query<{ text: string; attachments: unknown[] }>(
      `select text, attachments from messages where id = '${message.id}'`,
    );
    expect(stored).toMatchObject({ text: '', attachments: [{ kind: 'voice', fileId: file.fileId }] });

    // The conversation list says a voice note came, though it has no text.
    const list = await env.admin.get(`/api/conversations?creatorId=${env.creatorId}`);
    const row = list.body.conversations.find((c: { id: string }) => c.id === conversationId);
    expect(row.lastMessage).toMatchObject({ text: '', attachment: 'voice' });

    const response = await raw(message.attachments[0].url, env.admin.token);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await response.arrayBuffer())).toEqual(OGG);
  });

  it('answers 502 when Telegram cannot give the file, and 422 over 20 MB, without leaking the token', async () => {
    const lost = await fanSends((ids) => telegramUpdates.document({ ...ids, fileId: 'never-registered' }));
    const failed = await raw(lost.payload.message.attachments[0].url, env.admin.token);
    expect(failed.status).toBe(502);
    const body = await failed.text();
    expect(JSON.parse(body)).toMatchObject({
      error: { code: 'upstream_error', message: expect.any(String) },
    });
    expect(body).not.toContain(SECRET_PART);

    const huge = await fanSends((ids) => telegramUpdates.document({ ...ids, fileSize: 25 * 1024 * 1024 }));
    const refused = await raw(huge.payload.message.attachments[0].url, env.admin.token);
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { code: 'file_too_large', message: /20 MB/ } });
  });

  it('sends an operator’s picture to the fan as a photo with its caption', async () => {
    const incoming = await fanSends((ids) =>
      telegramUpdates.text({ ...ids, text: 'tu m’envoies une photo ?' }),
    );
    const { conversationId } = incoming.payload;
    const fanChat = seenChats.get(conversationId)!;
    const form = new FormData();
    form.set('caption', 'Rien que pour toi 💋');
    form.set('clientMessageId', 'upload-0001');
    form.set('file', new Blob([PNG], { type: 'image/png' }), 'pour-toi.png');
    const uploaded = await raw(`/api/conversations/${conversationId}/attachments`, env.admin.token, {
      method: 'POST',
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const { messageId } = (await uploaded.json()) as { messageId: string };

    const sent = await until(
      () => events.find((e) => e.event === 'message:sent' && e.payload.messageId === messageId),
      10_000,
      'message:sent',
    );
    expect(sent.payload.platformMessageId).toMatch(new RegExp(`^${fanChat}:\\d+$`));
    const photos = telegram.media.filter((m) => m.method === 'sendPhoto' && m.chat_id === String(fanChat));
    expect(photos).toHaveLength(1);
    expect(photos[0]!.token).toBe(TOKEN);
    expect(photos[0]!.media[0]).toMatchObject({ caption: 'Rien que pour toi 💋' });
    expect(photos[0]!.media[0]!.upload!.bytes).toEqual(PNG);

    const shown = events.find((e) => e.event === 'message:new' && e.payload.message.id === messageId)!;
    expect(shown.payload.message).toMatchObject({
      direction: 'out',
      sender: 'human',
      text: 'Rien que pour toi 💋',
      attachments: [
        { index: 0, kind: 'photo', mimeType: 'image/png', fileName: 'pour-toi.png', size: PNG.length },
      ],
    });
    const back = await raw(shown.payload.message.attachments[0].url, env.admin.token);
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await back.arrayBuffer())).toEqual(PNG);

    // The same upload retried with its key is sent once.
    const again = new FormData();
    again.set('clientMessageId', 'upload-0001');
    again.set('file', new Blob([PNG], { type: 'image/png' }), 'pour-toi.png');
    const retried = await raw(`/api/conversations/${conversationId}/attachments`, env.admin.token, {
      method: 'POST',
      body: again,
    });
    expect(await retried.json()).toEqual({ messageId });
    await new Promise((r) => setTimeout(r, 300));
    expect(telegram.media.filter((m) => m.chat_id === String(fanChat))).toHaveLength(1);
  });

  it('sends any other file as a document', async () => {
    const incoming = await fanSends((ids) => telegramUpdates.text({ ...ids, text: 'le menu ?' }));
    const form = new FormData();
    form.set('file', new Blob(['plain text menu'], { type: 'text/plain' }), 'menu.txt');
    const uploaded = await raw(
      `/api/conversations/${incoming.payload.conversationId}/attachments`,
      env.admin.token,
      {
        method: 'POST',
        body: form,
      },
    );
    expect(uploaded.status).toBe(201);
    const { messageId } = (await uploaded.json()) as { messageId: string };
    await until(() => events.find((e) => e.event === 'message:sent' && e.payload.messageId === messageId));
    const documents = telegram.media.filter((m) => m.method === 'sendDocument');
    expect(documents.at(-1)!.media[0]!.upload).toMatchObject({ filename: 'menu.txt' });
    expect(documents.at(-1)!.media[0]!.caption).toBeUndefined();
    const back = await raw(`/api/messages/${messageId}/attachments/0`, env.admin.token);
    expect(back.headers.get('content-type')).toBe('text/plain');
    expect(back.headers.get('content-disposition')).toMatch(/^attachment; filename="menu\.txt"/);
  });

  it('refuses an upload over 10 MB with 413 and keeps nothing', async () => {
    const incoming = await fanSends((ids) => telegramUpdates.text({ ...ids, text: 'une vidéo ?' }));
    const { conversationId } = incoming.payload;
    const uploads = path.join(env.stack.dataDir, 'media', 'uploads');
    const filesBefore = readdirSync(uploads).length;
    const form = new FormData();
    form.set('caption', 'trop lourd');
    form.set('file', new Blob([Buffer.alloc(10 * 1024 * 1024 + 1, 1)], { type: 'image/png' }), 'big.png');
    const response = await raw(`/api/conversations/${conversationId}/attachments`, env.admin.token, {
      method: 'POST',
      body: form,
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'payload_too_large', message: /10 MB/ } });
    const thread = await env.admin.get(`/api/conversations/${conversationId}/messages`);
    const messages: { text: string; attachments: unknown[] }[] = thread.body.messages;
    expect(messages.filter((m) => m.text === 'trop lourd' || m.attachments.length > 0)).toEqual([]);
    expect(readdirSync(uploads)).toHaveLength(filesBefore);

    const noFile = new FormData();
    noFile.set('caption', 'sans fichier');
    const invalid = await raw(`/api/conversations/${conversationId}/attachments`, env.admin.token, {
      method: 'POST',
      body: noFile,
    });
    expect(invalid.status).toBe(400);

    const longCaption = new FormData();
    longCaption.set('caption', 'x'.repeat(1025));
    longCaption.set('file', new Blob([PNG], { type: 'image/png' }), 'ok.png');
    const refused = await raw(`/api/conversations/${conversationId}/attachments`, env.admin.token, {
      method: 'POST',
      body: longCaption,
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: { message: /caption/ } });
    expect(readdirSync(uploads)).toHaveLength(filesBefore);
  });

  it('never prints the bot token', () => {
    for (const process of env.stack.processes) expect(process.output()).not.toContain(SECRET_PART);
  });
});
