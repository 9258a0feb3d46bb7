import { describe, expect, it } from 'vitest';
import { createTelegramConnector } from './telegram.connector';
import { telegramUpdates } from './telegram.updates';

const telegram = createTelegramConnector({ apiRoot: 'http://127.0.0.1:9' });
const parse = (body: unknown) => telegram.parseWebhook({ headers: {}, rawBody: Buffer.alloc(0), body });
const fan = { updateId: 1001, chatId: 5550001, fromId: 5550001, date: 1_760_000_000 };

describe('telegram parseWebhook', () => {
  it('turns a private text message into an inbound message', () => {
    const update = telegramUpdates.text({
      ...fan,
      text: 'hi there',
      firstName: 'Léa',
      lastName: 'Martin',
      username: 'lea_m',
      languageCode: 'fr',
      messageId: 42,
    });
    expect(parse(update)).toEqual({
      kind: 'message',
      message: {
        platform: 'telegram',
        platformMessageId: '5550001:42',
        chatId: '5550001',
        fan: { platformUserId: '5550001', displayName: 'Léa Martin', username: 'lea_m', language: 'fr' },
        kind: 'text',
        text: 'hi there',
        sentAt: new Date(1_760_000_000_000),
        raw: update,
      },
    });
  });

  it('gives the same id to a redelivered update, so it is stored once', () => {
    const update = telegramUpdates.text({ ...fan, text: 'again', messageId: 7 });
    const first = parse(update);
    const second = parse(JSON.parse(JSON.stringify(update)));
    expect(first.kind === 'message' && first.message.platformMessageId).toBe('5550001:7');
    expect(second.kind === 'message' && second.message.platformMessageId).toBe('5550001:7');
  });

  it('reads a deep-link /start with its payload as a command', () => {
    const parsed = parse(telegramUpdates.command({ ...fan, text: '/start promo_summer' }));
    expect(parsed).toMatchObject({
      kind: 'message',
      message: {
        kind: 'command',
        command: { name: 'start', args: 'promo_summer' },
        text: '/start promo_summer',
      },
    });
  });

  it('lower-cases the command and strips the @botname suffix', () => {
    const parsed = parse(telegramUpdates.command({ ...fan, text: '/Help@Velvet_Test_Bot' }));
    expect(parsed).toMatchObject({
      kind: 'message',
      message: { kind: 'command', command: { name: 'help', args: '' }, text: '/Help@Velvet_Test_Bot' },
    });
  });

  it('treats a slash that Telegram did not mark as a command as plain text', () => {
    const update = telegramUpdates.text({ ...fan, text: '/ 2 is half' });
    const parsed = parse({ ...update, message: { ...update.message, entities: [] } });
    expect(parsed).toMatchObject({ kind: 'message', message: { kind: 'text', text: '/ 2 is half' } });
    expect(parsed.kind === 'message' && parsed.message.command).toBeUndefined();
  });

  it('keys an edit by message and edit time, dated when the fan edited', () => {
    const update = telegramUpdates.edited({
      ...fan,
      messageId: 42,
      text: 'hi (edited)',
      editDate: 1_760_000_090,
    });
    expect(parse(update)).toMatchObject({
      kind: 'message',
      message: {
        kind: 'edit',
        platformMessageId: '5550001:42:edit:1760000090',
        chatId: '5550001',
        text: 'hi (edited)',
        sentAt: new Date(1_760_000_090_000),
      },
    });
  });

  it('turns a button press into a callback carrying its data and id', () => {
    const update = telegramUpdates.callback({ ...fan, data: 'pack:lingerie', callbackId: '9876543210' });
    expect(parse(update)).toMatchObject({
      kind: 'message',
      message: {
        kind: 'callback',
        platformMessageId: 'callback:9876543210',
        callbackId: '9876543210',
        chatId: '5550001',
        text: 'pack:lingerie',
        fan: { platformUserId: '5550001', displayName: 'Alex' },
      },
    });
  });

  it('takes the chat from the sender for an inline callback without a message', () => {
    const update = telegramUpdates.callback({ ...fan, data: 'x', callbackId: '1' });
    const { message: _message, ...query } = update.callback_query as Record<string, unknown>;
    const parsed = parse({
      ...update,
      callback_query: { ...query, inline_message_id: 'AAA' },
    });
    expect(parsed).toMatchObject({ kind: 'message', message: { chatId: '5550001', kind: 'callback' } });
  });

  it('keeps a photo with its caption and the largest size', () => {
    const update = telegramUpdates.photo({ ...fan, caption: 'regarde ça 😍', fileId: 'big-photo' });
    expect(parse(update)).toMatchObject({
      kind: 'message',
      message: {
        kind: 'text',
        text: 'regarde ça 😍',
        platformMessageId: '5550001:1001',
        attachments: [
          {
            kind: 'photo',
            fileId: 'big-photo',
            fileUniqueId: 'AQADq7Ex',
            mimeType: 'image/jpeg',
            width: 1280,
            height: 1280,
            size: 183_744,
          },
        ],
      },
    });
  });

  it('picks the largest photo size even when Telegram lists it first', () => {
    const update = telegramUpdates.photo({ ...fan, fileId: 'big' });
    const sizes = (update.message as { photo: unknown[] }).photo;
    const reordered = { ...update, message: { ...update.message, photo: [...sizes].reverse() } };
    const parsed = parse(reordered);
    expect(parsed.kind === 'message' && parsed.message.attachments?.[0]?.fileId).toBe('big');
  });

  it('keeps a voice note without caption as a message with empty text', () => {
    const parsed = parse(telegramUpdates.voice({ ...fan, fileId: 'voice-1', duration: 7 }));
    expect(parsed).toMatchObject({
      kind: 'message',
      message: {
        kind: 'text',
        text: '',
        attachments: [{ kind: 'voice', fileId: 'voice-1', mimeType: 'audio/ogg', duration: 7, size: 9_120 }],
      },
    });
  });

  it('keeps a document with its name and type, and a sticker as an image', () => {
    const document = parse(
      telegramUpdates.document({ ...fan, fileName: 'facture.pdf', caption: 'ma facture' }),
    );
    expect(document).toMatchObject({
      kind: 'message',
      message: {
        text: 'ma facture',
        attachments: [
          { kind: 'document', fileName: 'facture.pdf', mimeType: 'application/pdf', size: 48_213 },
        ],
      },
    });
    const sticker = parse(telegramUpdates.sticker(fan));
    expect(sticker).toMatchObject({
      kind: 'message',
      message: { text: '', attachments: [{ kind: 'sticker', mimeType: 'image/webp', width: 512 }] },
    });
    const videoSticker = parse(telegramUpdates.sticker({ ...fan, isVideo: true }));
    expect(videoSticker.kind === 'message' && videoSticker.message.attachments?.[0]?.mimeType).toBe(
      'video/webm',
    );
  });

  it('reads audio, video, round videos and animations', () => {
    const base = telegramUpdates.text({ ...fan, text: 'x' }).message!;
    const { text: _text, ...message } = base;
    const file = { file_id: 'f', file_unique_id: 'u', file_size: 10 };
    const attachmentOf = (extra: Record<string, unknown>) => {
      const parsed = parse({ update_id: 9, message: { ...message, ...extra } });
      return parsed.kind === 'message' ? parsed.message.attachments?.[0] : parsed;
    };
    expect(
      attachmentOf({ audio: { ...file, duration: 180, mime_type: 'audio/mpeg', file_name: 'song.mp3' } }),
    ).toEqual({
      kind: 'audio',
      fileId: 'f',
      fileUniqueId: 'u',
      size: 10,
      mimeType: 'audio/mpeg',
      fileName: 'song.mp3',
      duration: 180,
    });
    expect(
      attachmentOf({ video: { ...file, width: 640, height: 360, duration: 12, mime_type: 'video/mp4' } }),
    ).toMatchObject({
      kind: 'video',
      width: 640,
      duration: 12,
    });
    expect(attachmentOf({ video_note: { ...file, length: 240, duration: 5 } })).toMatchObject({
      kind: 'video',
      mimeType: 'video/mp4',
      width: 240,
      height: 240,
    });
    // An animation also fills `document` (for old clients); it is a video, not a file.
    const animation = {
      ...file,
      width: 320,
      height: 240,
      duration: 2,
      mime_type: 'video/mp4',
      file_name: 'a.mp4',
    };
    expect(
      attachmentOf({ animation, document: { ...file, file_name: 'a.mp4', mime_type: 'video/mp4' } }),
    ).toMatchObject({
      kind: 'video',
      fileName: 'a.mp4',
    });
  });

  it('still ignores locations, polls and contacts and says why', () => {
    const base = telegramUpdates.text({ ...fan, text: 'x' }).message!;
    const { text: _text, ...message } = base;
    const location = parse({
      update_id: 10,
      message: { ...message, location: { latitude: 48.85, longitude: 2.35 } },
    });
    expect(location).toEqual({ kind: 'ignored', reason: 'message has no text (location)' });
    const contact = parse({
      update_id: 11,
      message: { ...message, contact: { phone_number: '+33600000000', first_name: 'A' } },
    });
    expect(contact).toEqual({ kind: 'ignored', reason: 'message has no text (contact)' });
  });

  it('refuses a photo whose sizes are malformed rather than storing a broken attachment', () => {
    const update = telegramUpdates.photo(fan);
    const parsed = parse({
      ...update,
      message: { ...update.message, photo: [{ width: 1 }] },
    });
    expect(parsed.kind).toBe('invalid');
  });

  it('marks group messages with their group, from their writer, and ignores channels', () => {
    const parsed = parse(
      telegramUpdates.text({ ...fan, chatId: -1001234567890, chatType: 'supergroup', text: 'hello all' }),
    );
    expect(parsed).toMatchObject({
      kind: 'message',
      message: {
        chatId: '-1001234567890',
        group: { title: 'Test group' },
        fan: { platformUserId: '5550001' },
        text: 'hello all',
      },
    });
    const channel = parse(
      telegramUpdates.text({ ...fan, chatId: -100777, chatType: 'channel', text: 'news' }),
    );
    expect(channel.kind).toBe('ignored');
    expect(channel.kind === 'ignored' && channel.reason).toMatch(/channel chat.*private and group/);
  });

  it('names the message an edit replaces', () => {
    const parsed = parse(
      telegramUpdates.edited({ ...fan, messageId: 42, text: 'hello again', editDate: 1_760_000_100 }),
    );
    expect(parsed).toMatchObject({
      kind: 'message',
      message: {
        kind: 'edit',
        platformMessageId: '5550001:42:edit:1760000100',
        editOf: '5550001:42',
        text: 'hello again',
      },
    });
  });

  it('ignores messages sent by bots', () => {
    const parsed = parse(telegramUpdates.text({ ...fan, isBot: true, text: 'beep' }));
    expect(parsed).toEqual({ kind: 'ignored', reason: 'message from a bot' });
  });

  it('ignores update kinds it does not handle, without calling them invalid', () => {
    const parsed = parse({
      update_id: 77,
      my_chat_member: { chat: { id: 1, type: 'private' }, date: 1, from: { id: 1, is_bot: false } },
    });
    expect(parsed).toEqual({ kind: 'ignored', reason: 'my_chat_member updates are not handled' });
  });

  it('rejects bodies that are not Telegram updates', () => {
    expect(parse('update_id=1').kind).toBe('invalid');
    expect(parse(null).kind).toBe('invalid');
    expect(parse([{ update_id: 1 }]).kind).toBe('invalid');
    const missing = parse({ message: telegramUpdates.text({ ...fan, text: 'x' }).message });
    expect(missing.kind).toBe('invalid');
    expect(missing.kind === 'invalid' && missing.reason).toMatch(/update_id/);
    expect(parse({ update_id: 1.5 }).kind).toBe('invalid');
  });

  it('rejects an update whose message is malformed', () => {
    const parsed = parse({ update_id: 3, message: { message_id: 'x', text: 'hi' } });
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.reason).toMatch(/message\.(message_id|date|chat)/);
  });

  it('lets unknown fields through and keeps them in raw', () => {
    const update = telegramUpdates.text({ ...fan, text: 'hi' });
    const withExtra = { ...update, future_field: { a: 1 }, message: { ...update.message, link_preview: {} } };
    const parsed = parse(withExtra);
    expect(parsed).toMatchObject({ kind: 'message', message: { raw: withExtra } });
  });
});
