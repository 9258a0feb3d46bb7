import { formatIssues, type InboundAttachment, type InboundMessage, type WebhookParse } from '@velvet/shared';
import {
  telegramUpdate,
  type TelegramPhotoSize,
  type TelegramCallbackQuery,
  type TelegramChat,
  type TelegramMessage,
  type TelegramUser,
} from './telegram.schema';

type Fan = InboundMessage['fan'];

/** Message kinds that carry no `text`, named in the ignore reason so an operator sees what was dropped. */
const NON_TEXT_KINDS = [
  'photo',
  'sticker',
  'video',
  'video_note',
  'voice',
  'audio',
  'animation',
  'document',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
  'story',
  'paid_media',
] as const;

const COMMAND_PATTERN = /^\/([A-Za-z0-9_]{1,64})(?:@[A-Za-z0-9_]+)?(?=\s|$)/;

const ignored = (reason: string): WebhookParse => ({ kind: 'ignored', reason });

export function parseTelegramUpdate(body: unknown): WebhookParse {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { kind: 'invalid', reason: 'body is not a JSON object' };
  }
  const parsed = telegramUpdate.safeParse(body);
  if (!parsed.success) {
    return { kind: 'invalid', reason: `not a Telegram Update: ${formatIssues(parsed.error)}` };
  }
  const update = parsed.data;
  const raw = body as Record<string, unknown>;
  if (update.message) return fromMessage(update.message, 'text', raw);
  if (update.edited_message) return fromMessage(update.edited_message, 'edit', raw);
  if (update.callback_query) return fromCallback(update.callback_query, raw);
  if (update.pre_checkout_query) {
    const query = update.pre_checkout_query;
    return {
      kind: 'pre_checkout',
      query: {
        queryId: query.id,
        fan: fanOf(query.from),
        currency: query.currency,
        totalAmount: query.total_amount,
        payload: query.invoice_payload,
      },
    };
  }
  const kind = Object.keys(update).find((key) => key !== 'update_id');
  return ignored(kind ? `${kind} updates are not handled` : 'update carries nothing');
}

function fromMessage(
  message: TelegramMessage,
  as: 'text' | 'edit',
  raw: Record<string, unknown>,
): WebhookParse {
  const what = as === 'edit' ? 'edited message' : 'message';
  const group = groupOf(message.chat);
  if (message.chat.type !== 'private' && !group) {
    return ignored(`${what} in a ${message.chat.type} chat: only private and group chats are handled`);
  }
  if (!message.from) return ignored(`${what} has no sender`);
  if (message.from.is_bot) return ignored(`${what} from a bot`);
  if (message.successful_payment && as === 'text') {
    const paid = message.successful_payment;
    return {
      kind: 'payment',
      payment: {
        platformMessageId: `${message.chat.id}:${message.message_id}`,
        chatId: String(message.chat.id),
        fan: fanOf(message.from),
        currency: paid.currency,
        totalAmount: paid.total_amount,
        payload: paid.invoice_payload,
        chargeId: paid.telegram_payment_charge_id,
        ...(paid.provider_payment_charge_id ? { providerChargeId: paid.provider_payment_charge_id } : {}),
      },
    };
  }
  const attachment = attachmentOf(message);
  if (message.text === undefined && !attachment) {
    const media = NON_TEXT_KINDS.find((key) => key in message);
    return ignored(`${what} has no text${media ? ` (${media})` : ''}`);
  }

  const chatId = String(message.chat.id);
  const base = {
    platform: 'telegram' as const,
    chatId,
    fan: fanOf(message.from),
    // A media message's words are its caption.
    text: message.text ?? message.caption ?? '',
    ...(attachment ? { attachments: [attachment] } : {}),
    ...(group ? { group } : {}),
    raw,
  };
  if (as === 'edit') {
    // The edit time makes each edit of the same message a distinct, idempotent delivery.
    const editDate = message.edit_date ?? message.date;
    return {
      kind: 'message',
      message: {
        ...base,
        kind: 'edit',
        platformMessageId: `${chatId}:${message.message_id}:edit:${editDate}`,
        editOf: `${chatId}:${message.message_id}`,
        sentAt: unixToDate(editDate),
      },
    };
  }
  const command = commandOf(message);
  return {
    kind: 'message',
    message: {
      ...base,
      kind: command ? 'command' : 'text',
      platformMessageId: `${chatId}:${message.message_id}`,
      ...(command ? { command } : {}),
      sentAt: unixToDate(message.date),
    },
  };
}

/**
 * The file a message carries, normalised. Telegram sends one per message (an album
 * arrives as several messages); an animation also fills `document`, so it is read first.
 */
function attachmentOf(message: TelegramMessage): InboundAttachment | undefined {
  const ids = (file: { file_id: string; file_unique_id: string; file_size?: number }) => ({
    fileId: file.file_id,
    fileUniqueId: file.file_unique_id,
    ...(file.file_size !== undefined ? { size: file.file_size } : {}),
  });
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;
  if (message.photo?.length) {
    const photo = largest(message.photo);
    // Telegram re-encodes every photo as JPEG.
    return { kind: 'photo', ...ids(photo), mimeType: 'image/jpeg', width: photo.width, height: photo.height };
  }
  const clip = message.animation ?? message.video;
  if (clip) {
    return {
      kind: 'video',
      ...ids(clip),
      mimeType: clip.mime_type ?? 'video/mp4',
      ...optional('fileName', clip.file_name),
      width: clip.width,
      height: clip.height,
      duration: clip.duration,
    };
  }
  if (message.video_note) {
    const note = message.video_note;
    return {
      kind: 'video',
      ...ids(note),
      mimeType: 'video/mp4',
      width: note.length,
      height: note.length,
      duration: note.duration,
    };
  }
  if (message.voice) {
    const voice = message.voice;
    return {
      kind: 'voice',
      ...ids(voice),
      mimeType: voice.mime_type ?? 'audio/ogg',
      duration: voice.duration,
    };
  }
  if (message.audio) {
    const audio = message.audio;
    return {
      kind: 'audio',
      ...ids(audio),
      ...optional('mimeType', audio.mime_type),
      ...optional('fileName', audio.file_name),
      duration: audio.duration,
    };
  }
  if (message.sticker) {
    const sticker = message.sticker;
    const mimeType = sticker.is_video
      ? 'video/webm'
      : sticker.is_animated
        ? 'application/x-tgsticker'
        : 'image/webp';
    return { kind: 'sticker', ...ids(sticker), mimeType, width: sticker.width, height: sticker.height };
  }
  if (message.document) {
    const document = message.document;
    return {
      kind: 'document',
      ...ids(document),
      ...optional('mimeType', document.mime_type),
      ...optional('fileName', document.file_name),
    };
  }
  return undefined;
}

/** Telegram lists a photo's sizes smallest first; compare rather than trust the order. */
function largest(sizes: TelegramPhotoSize[]): TelegramPhotoSize {
  return sizes.reduce((best, size) => {
    const area = size.width * size.height;
    const bestArea = best.width * best.height;
    if (area !== bestArea) return area > bestArea ? size : best;
    return (size.file_size ?? 0) > (best.file_size ?? 0) ? size : best;
  });
}

function fromCallback(query: TelegramCallbackQuery, raw: Record<string, unknown>): WebhookParse {
  if (query.data === undefined) return ignored('callback query without data (game button)');
  if (query.from.is_bot) return ignored('callback query from a bot');
  const group = query.message ? groupOf(query.message.chat) : undefined;
  if (query.message && query.message.chat.type !== 'private' && !group) {
    return ignored(
      `callback query in a ${query.message.chat.type} chat: only private and group chats are handled`,
    );
  }
  return {
    kind: 'message',
    message: {
      platform: 'telegram',
      platformMessageId: `callback:${query.id}`,
      // Inline-mode buttons have no message; the fan's private chat id equals their user id.
      chatId: String(query.message?.chat.id ?? query.from.id),
      fan: fanOf(query.from),
      kind: 'callback',
      text: query.data,
      callbackId: query.id,
      ...(group ? { group } : {}),
      // A callback query carries no timestamp of its own.
      sentAt: new Date(),
      raw,
    },
  };
}

/** `/start payload` → {name:'start', args:'payload'}; `/Help@MyBot` → {name:'help', args:''}. */
function commandOf(message: TelegramMessage): InboundMessage['command'] {
  const text = message.text ?? '';
  let head: string | undefined;
  if (message.entities) {
    // Telegram marks real commands with a bot_command entity; "/ 2" or "/path/x" get none.
    const entity = message.entities.find((e) => e.type === 'bot_command' && e.offset === 0);
    head = entity ? text.slice(0, entity.length) : undefined;
  } else {
    head = COMMAND_PATTERN.exec(text)?.[0];
  }
  if (!head || !head.startsWith('/')) return undefined;
  const name = head.slice(1).split('@')[0]?.toLowerCase();
  if (!name) return undefined;
  return { name, args: text.slice(head.length).trim() };
}

/** A group or supergroup the bot was added to; channels and private chats are not groups. */
function groupOf(chat: TelegramChat): { title: string } | undefined {
  if (chat.type !== 'group' && chat.type !== 'supergroup') return undefined;
  return { title: chat.title ?? '' };
}

function fanOf(user: TelegramUser): Fan {
  const displayName =
    `${user.first_name} ${user.last_name ?? ''}`.trim() || user.username || `Telegram user ${user.id}`;
  return {
    platformUserId: String(user.id),
    displayName,
    ...(user.username ? { username: user.username } : {}),
    ...(user.language_code ? { language: user.language_code } : {}),
  };
}

function unixToDate(seconds: number): Date {
  return new Date(seconds * 1000);
}
