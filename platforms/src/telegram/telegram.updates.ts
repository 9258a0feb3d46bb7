import type { TelegramUpdate } from './telegram.schema';

/*
 * Exact Bot API Update objects for tests, shaped like the ones Telegram POSTs to a webhook.
 * Only the ids and text are required; the rest defaults to a private chat with a person.
 */

export interface UpdateInput {
  updateId: number;
  chatId: number;
  fromId: number;
  firstName?: string;
  lastName?: string;
  username?: string;
  languageCode?: string;
  isBot?: boolean;
  chatType?: 'private' | 'group' | 'supergroup' | 'channel';
  /** Defaults to updateId. */
  messageId?: number;
  /** Unix seconds; defaults to now. */
  date?: number;
}

export interface TextUpdateInput extends UpdateInput {
  text: string;
}

export interface EditedUpdateInput extends TextUpdateInput {
  /** Unix seconds; defaults to date + 60. */
  editDate?: number;
}

export interface CallbackUpdateInput extends UpdateInput {
  data: string;
  /** Defaults to a value derived from fromId and updateId. */
  callbackId?: string;
}

export interface MediaUpdateInput extends UpdateInput {
  caption?: string;
  /** The file's id, as a stand-in's `addFile` returned it; defaults to a fixed one. */
  fileId?: string;
  fileUniqueId?: string;
  /** Bytes; defaults to a small file. */
  fileSize?: number;
}

export type PhotoUpdateInput = MediaUpdateInput;

export interface VoiceUpdateInput extends MediaUpdateInput {
  duration?: number;
  mimeType?: string;
}

export interface DocumentUpdateInput extends MediaUpdateInput {
  fileName?: string;
  mimeType?: string;
}

export interface StickerUpdateInput extends MediaUpdateInput {
  emoji?: string;
  isAnimated?: boolean;
  isVideo?: boolean;
}

function user(input: UpdateInput) {
  return {
    id: input.fromId,
    is_bot: input.isBot ?? false,
    first_name: input.firstName ?? 'Alex',
    ...(input.lastName !== undefined ? { last_name: input.lastName } : {}),
    ...(input.username !== undefined ? { username: input.username } : {}),
    ...(input.languageCode !== undefined ? { language_code: input.languageCode } : {}),
  };
}

function chat(input: UpdateInput) {
  const type = input.chatType ?? 'private';
  if (type !== 'private') return { id: input.chatId, type, title: 'Test group' };
  return {
    id: input.chatId,
    type,
    first_name: input.firstName ?? 'Alex',
    ...(input.lastName !== undefined ? { last_name: input.lastName } : {}),
    ...(input.username !== undefined ? { username: input.username } : {}),
  };
}

function message(input: UpdateInput) {
  return {
    message_id: input.messageId ?? input.updateId,
    from: user(input),
    chat: chat(input),
    date: input.date ?? Math.floor(Date.now() / 1000),
  };
}

function media(input: MediaUpdateInput, file: Record<string, unknown>): TelegramUpdate {
  return {
    update_id: input.updateId,
    message: {
      ...message(input),
      ...file,
      ...(input.caption !== undefined ? { caption: input.caption } : {}),
    },
  };
}

/** Telegram's bot_command entity covers `/name` or `/name@bot`, never the arguments. */
function commandEntities(text: string) {
  const head = /^\/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?/.exec(text)?.[0];
  return head ? [{ offset: 0, length: head.length, type: 'bot_command' }] : [];
}

export interface PreCheckoutInput {
  updateId: number;
  fromId: number;
  firstName?: string;
  languageCode?: string;
  queryId?: string;
  currency?: string;
  totalAmount: number;
  payload: string;
}

export interface SuccessfulPaymentInput extends UpdateInput {
  currency?: string;
  totalAmount: number;
  payload: string;
  chargeId: string;
}

export const telegramUpdates = {
  /** https://core.telegram.org/bots/api#precheckoutquery */
  preCheckout(input: PreCheckoutInput): TelegramUpdate {
    return {
      update_id: input.updateId,
      pre_checkout_query: {
        id: input.queryId ?? `pcq${input.fromId}${input.updateId}`,
        from: user({
          updateId: input.updateId,
          chatId: input.fromId,
          fromId: input.fromId,
          firstName: input.firstName,
          languageCode: input.languageCode,
        }),
        currency: input.currency ?? 'XTR',
        total_amount: input.totalAmount,
        invoice_payload: input.payload,
      },
    };
  },

  /** A service message: https://core.telegram.org/bots/api#successfulpayment */
  successfulPayment(input: SuccessfulPaymentInput): TelegramUpdate {
    return {
      update_id: input.updateId,
      message: {
        ...message(input),
        successful_payment: {
          currency: input.currency ?? 'XTR',
          total_amount: input.totalAmount,
          invoice_payload: input.payload,
          telegram_payment_charge_id: input.chargeId,
          provider_payment_charge_id: '',
        },
      },
    };
  },

  text(input: TextUpdateInput): TelegramUpdate {
    return { update_id: input.updateId, message: { ...message(input), text: input.text } };
  },

  /** `text` is the whole message, e.g. `/start payload` or `/help@velvet_test_bot`. */
  command(input: TextUpdateInput): TelegramUpdate {
    return {
      update_id: input.updateId,
      message: { ...message(input), text: input.text, entities: commandEntities(input.text) },
    };
  },

  edited(input: EditedUpdateInput): TelegramUpdate {
    const base = message(input);
    return {
      update_id: input.updateId,
      edited_message: { ...base, edit_date: input.editDate ?? base.date + 60, text: input.text },
    };
  },

  callback(input: CallbackUpdateInput): TelegramUpdate {
    const { from: _bot, ...original } = message(input);
    return {
      update_id: input.updateId,
      callback_query: {
        id: input.callbackId ?? `${input.fromId}${String(input.updateId).padStart(6, '0')}`,
        from: user(input),
        message: { ...original, text: 'Choose one' },
        chat_instance: `-${input.chatId}`,
        data: input.data,
      },
    };
  },

  /**
   * A photo: Telegram sends several sizes, smallest first, and puts the text, if any, in
   * `caption`. The given file id is the largest size's.
   */
  photo(input: PhotoUpdateInput): TelegramUpdate {
    const fileId = input.fileId ?? 'AgACAgQAAxkBAAIBOGZ';
    const unique = input.fileUniqueId ?? 'AQADq7Ex';
    return media(input, {
      photo: [
        { file_id: `${fileId}-s`, file_unique_id: `${unique}-s`, width: 90, height: 90, file_size: 1432 },
        { file_id: `${fileId}-m`, file_unique_id: `${unique}-m`, width: 320, height: 320, file_size: 20511 },
        {
          file_id: fileId,
          file_unique_id: unique,
          width: 1280,
          height: 1280,
          file_size: input.fileSize ?? 183_744,
        },
      ],
    });
  },

  /** https://core.telegram.org/bots/api#voice — an OGG/Opus voice note. */
  voice(input: VoiceUpdateInput): TelegramUpdate {
    return media(input, {
      voice: {
        file_id: input.fileId ?? 'AwACAgQAAxkBAAIBQmZ',
        file_unique_id: input.fileUniqueId ?? 'AgADv0Ux',
        duration: input.duration ?? 3,
        mime_type: input.mimeType ?? 'audio/ogg',
        file_size: input.fileSize ?? 9_120,
      },
    });
  },

  /** https://core.telegram.org/bots/api#document — any file sent "as a file". */
  document(input: DocumentUpdateInput): TelegramUpdate {
    return media(input, {
      document: {
        file_id: input.fileId ?? 'BQACAgQAAxkBAAIBRGZ',
        file_unique_id: input.fileUniqueId ?? 'AgADw0Ux',
        file_name: input.fileName ?? 'document.pdf',
        mime_type: input.mimeType ?? 'application/pdf',
        file_size: input.fileSize ?? 48_213,
      },
    });
  },

  /** https://core.telegram.org/bots/api#sticker — static WebP unless animated (TGS) or video (WebM). */
  sticker(input: StickerUpdateInput): TelegramUpdate {
    return media(input, {
      sticker: {
        file_id: input.fileId ?? 'CAACAgIAAxkBAAIBRmZ',
        file_unique_id: input.fileUniqueId ?? 'AgADx0Ux',
        type: 'regular',
        width: 512,
        height: 512,
        is_animated: input.isAnimated ?? false,
        is_video: input.isVideo ?? false,
        emoji: input.emoji ?? '😍',
        file_size: input.fileSize ?? 22_480,
      },
    });
  },
};
