import { z } from 'zod';

/*
 * The parts of the Bot API `Update` we read (https://core.telegram.org/bots/api#update).
 * Every object is loose: Telegram adds fields often, and a new field must never turn a
 * real update into a 400 that Telegram would keep redelivering.
 */

export const telegramUser = z.looseObject({
  id: z.number().int(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});
export type TelegramUser = z.infer<typeof telegramUser>;

/** Bot API dates are 32-bit Unix seconds; anything else is not from Telegram. */
const unixTime = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

export const telegramChat = z.looseObject({
  id: z.number().int(),
  // Documented as private, group, supergroup or channel; kept open so a new kind is ignored, not rejected.
  type: z.string(),
  /** Groups, supergroups and channels. */
  title: z.string().optional(),
});
export type TelegramChat = z.infer<typeof telegramChat>;

export const telegramMessageEntity = z.looseObject({
  /** 'bot_command', 'mention', 'url'… */
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
});
export type TelegramMessageEntity = z.infer<typeof telegramMessageEntity>;

/*
 * Files a message may carry (https://core.telegram.org/bots/api#photosize and the objects
 * after it). `file_size` may exceed 2^31, which a JavaScript number holds exactly.
 */
const fileFields = {
  file_id: z.string(),
  file_unique_id: z.string(),
  file_size: z.number().int().nonnegative().optional(),
};

export const telegramPhotoSize = z.looseObject({
  ...fileFields,
  width: z.number().int(),
  height: z.number().int(),
});
export type TelegramPhotoSize = z.infer<typeof telegramPhotoSize>;

export const telegramVoice = z.looseObject({
  ...fileFields,
  duration: z.number().int(),
  mime_type: z.string().optional(),
});

export const telegramAudio = z.looseObject({
  ...fileFields,
  duration: z.number().int(),
  performer: z.string().optional(),
  title: z.string().optional(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});

/** Video and animation (a GIF or silent H.264 clip) share their fields. */
export const telegramVideo = z.looseObject({
  ...fileFields,
  width: z.number().int(),
  height: z.number().int(),
  duration: z.number().int(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});

/** A round video message: `length` is both its width and height. */
export const telegramVideoNote = z.looseObject({
  ...fileFields,
  length: z.number().int(),
  duration: z.number().int(),
});

export const telegramDocument = z.looseObject({
  ...fileFields,
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
});

export const telegramSticker = z.looseObject({
  ...fileFields,
  /** regular, mask or custom_emoji */
  type: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  is_animated: z.boolean(),
  is_video: z.boolean(),
  emoji: z.string().optional(),
});

export const telegramMessage = z.looseObject({
  message_id: z.number().int(),
  date: unixTime,
  chat: telegramChat,
  from: telegramUser.optional(),
  edit_date: unixTime.optional(),
  text: z.string().optional(),
  entities: z.array(telegramMessageEntity).optional(),
  photo: z.array(telegramPhotoSize).optional(),
  voice: telegramVoice.optional(),
  audio: telegramAudio.optional(),
  video: telegramVideo.optional(),
  video_note: telegramVideoNote.optional(),
  animation: telegramVideo.optional(),
  document: telegramDocument.optional(),
  sticker: telegramSticker.optional(),
  caption: z.string().optional(),
  caption_entities: z.array(telegramMessageEntity).optional(),
  successful_payment: z
    .looseObject({
      currency: z.string(),
      total_amount: z.number().int(),
      invoice_payload: z.string(),
      telegram_payment_charge_id: z.string(),
      provider_payment_charge_id: z.string().optional(),
    })
    .optional(),
});
export type TelegramMessage = z.infer<typeof telegramMessage>;

/** A callback's message older than 48 h arrives "inaccessible": only chat, message_id and date 0. */
export const telegramMaybeInaccessibleMessage = z.looseObject({
  message_id: z.number().int(),
  date: unixTime,
  chat: telegramChat,
});

export const telegramCallbackQuery = z.looseObject({
  id: z.string(),
  from: telegramUser,
  message: telegramMaybeInaccessibleMessage.optional(),
  inline_message_id: z.string().optional(),
  chat_instance: z.string(),
  data: z.string().optional(),
  game_short_name: z.string().optional(),
});
export type TelegramCallbackQuery = z.infer<typeof telegramCallbackQuery>;

export const telegramPreCheckoutQuery = z.looseObject({
  id: z.string(),
  from: telegramUser,
  currency: z.string(),
  total_amount: z.number().int(),
  invoice_payload: z.string(),
});
export type TelegramPreCheckoutQuery = z.infer<typeof telegramPreCheckoutQuery>;

/** https://core.telegram.org/bots/api#file — `file_path` is absent when the file cannot be downloaded. */
export const telegramFile = z.looseObject({
  ...fileFields,
  file_path: z.string().optional(),
});
export type TelegramFile = z.infer<typeof telegramFile>;

/** Other kinds (channel_post, my_chat_member, poll…) pass through the loose object and are ignored. */
export const telegramUpdate = z.looseObject({
  update_id: z.number().int(),
  message: telegramMessage.optional(),
  edited_message: telegramMessage.optional(),
  callback_query: telegramCallbackQuery.optional(),
  pre_checkout_query: telegramPreCheckoutQuery.optional(),
});
export type TelegramUpdate = z.infer<typeof telegramUpdate>;
