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

  it('ignores a photo without text and says why', () => {
    const parsed = parse(telegramUpdates.photo(fan));
    expect(parsed.kind).toBe('ignored');
    expect(parsed.kind === 'ignored' && parsed.reason).toMatch(/no text \(photo\)/);
  });

  it('ignores group messages and says it only handles private chats', () => {
    const parsed = parse(
      telegramUpdates.text({ ...fan, chatId: -1001234567890, chatType: 'supergroup', text: 'hello all' }),
    );
    expect(parsed.kind).toBe('ignored');
    expect(parsed.kind === 'ignored' && parsed.reason).toMatch(/supergroup chat.*private/);
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
