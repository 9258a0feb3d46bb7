import { createHash, timingSafeEqual } from 'node:crypto';
import { Api, GrammyError, InputFile } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import {
  PlatformError,
  type FetchedFile,
  type MediaItem,
  type OutboundInvoice,
  type InlineButton,
  type OutboundMessage,
  type SendResult,
  type WebhookParse,
} from '@velvet/shared';
import { INVALID_TOKEN_MESSAGE, redact, toPlatformError } from './telegram.errors';
import { parseTelegramUpdate } from './telegram.parse';

/** Header Telegram echoes the `secret_token` given to setWebhook in, on every webhook call. */
export const TELEGRAM_SECRET_HEADER = 'x-telegram-bot-api-secret-token';
export const TELEGRAM_ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'pre_checkout_query',
] as const;
const DEFAULT_TIMEOUT_SECONDS = 15;
const TOKEN_FORMAT = /^\d+:[A-Za-z0-9_-]+$/;
/** https://core.telegram.org/bots/api#getfile — bots may download files up to 20 MB. */
export const TELEGRAM_MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** Captions are limited to 1024 characters. */
const MAX_CAPTION = 1024;

export interface TelegramConnectorOptions {
  /** `https://api.telegram.org`, or a stand-in / proxy (TELEGRAM_API_ROOT). */
  apiRoot: string;
  /** Per-call limit so a stalled Telegram cannot hang a worker; defaults to 15 s. */
  timeoutSeconds?: number;
}

export interface TelegramCredentials {
  botToken: string;
}

export interface TelegramConnectCredentials extends TelegramCredentials {
  webhookSecret: string;
}

export interface TelegramBotIdentity {
  botId: string;
  username: string;
  displayName: string;
}

export function createTelegramConnector(options: TelegramConnectorOptions) {
  // grammY refuses an apiRoot with a trailing slash.
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const timeoutSeconds = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
  const apis = new Map<string, Api>();

  function apiFor(token: string): Api {
    // A malformed token would be spliced into the URL path; refuse it before any request.
    if (!TOKEN_FORMAT.test(token)) {
      throw new PlatformError(INVALID_TOKEN_MESSAGE, 'permanent', undefined, 'invalid_token');
    }
    let api = apis.get(token);
    if (!api) {
      api = new Api(token, { apiRoot, timeoutSeconds });
      apis.set(token, api);
    }
    return api;
  }

  async function call<T>(token: string, method: string, run: (api: Api) => Promise<T>): Promise<T> {
    const api = apiFor(token);
    try {
      return await run(api);
    } catch (err) {
      throw toPlatformError(err, method, token);
    }
  }

  return {
    platform: 'telegram' as const,

    /** Constant-time check of the X-Telegram-Bot-Api-Secret-Token header. */
    verifyWebhook(headerValue: string | undefined, webhookSecret: string): boolean {
      if (typeof headerValue !== 'string' || !webhookSecret) return false;
      // Hashing first gives equal-length inputs, so neither a throw nor timing reveals the secret's length.
      return timingSafeEqual(digest(headerValue), digest(webhookSecret));
    },

    parseWebhook(body: unknown): WebhookParse {
      return parseTelegramUpdate(body);
    },

    async send(credentials: TelegramCredentials, message: OutboundMessage): Promise<SendResult> {
      const other = message.keyboard
        ? { reply_markup: { inline_keyboard: message.keyboard.map((row) => row.map(toTelegramButton)) } }
        : undefined;
      const file = message.attachment;
      if (file) {
        // Uploaded as multipart; the name must not break grammY's unquoted header.
        const input = new InputFile(file.path, file.fileName.replace(/[\r\n";\\]/g, '_'));
        const extra = {
          ...other,
          ...(message.text ? { caption: message.text.slice(0, MAX_CAPTION) } : {}),
        };
        const sentFile =
          file.kind === 'photo'
            ? await call(credentials.botToken, 'sendPhoto', (api) =>
                api.sendPhoto(message.chatId, input, extra),
              )
            : await call(credentials.botToken, 'sendDocument', (api) =>
                api.sendDocument(message.chatId, input, extra),
              );
        return { platformMessageId: `${sentFile.chat.id}:${sentFile.message_id}` };
      }
      const sent = await call(credentials.botToken, 'sendMessage', (api) =>
        api.sendMessage(message.chatId, message.text, other),
      );
      return { platformMessageId: `${sent.chat.id}:${sent.message_id}` };
    },

    /**
     * A Telegram Stars invoice (currency XTR: one price, no provider token). The fan pays
     * in the chat; Telegram then sends `pre_checkout_query` and `successful_payment`.
     */
    async sendInvoice(credentials: TelegramCredentials, invoice: OutboundInvoice): Promise<SendResult> {
      const sent = await call(credentials.botToken, 'sendInvoice', (api) =>
        api.sendInvoice(
          invoice.chatId,
          invoice.title.slice(0, 32),
          invoice.description.slice(0, 255) || invoice.title.slice(0, 32),
          invoice.payload,
          invoice.currency,
          [{ label: invoice.title.slice(0, 32), amount: invoice.amount }],
        ),
      );
      return { platformMessageId: `${sent.chat.id}:${sent.message_id}` };
    },

    /** Must come within 10 s of the query; `error` is shown to the fan when refusing. */
    async answerPreCheckout(
      credentials: TelegramCredentials,
      queryId: string,
      answer: { ok: true } | { ok: false; error: string },
    ): Promise<void> {
      await call(credentials.botToken, 'answerPreCheckoutQuery', (api) =>
        answer.ok
          ? api.answerPreCheckoutQuery(queryId, true)
          : api.answerPreCheckoutQuery(queryId, false, { error_message: answer.error }),
      );
    },

    /**
     * A pack's media with `text` as the caption of the first item: photos and videos as
     * albums of up to 10, documents one by one, plain text when there is no media.
     */
    async sendMedia(
      credentials: TelegramCredentials,
      chatId: string,
      text: string,
      media: readonly MediaItem[],
    ): Promise<SendResult> {
      const token = credentials.botToken;
      let caption: string | undefined = text;
      const take = (item: MediaItem) => {
        const value = caption ?? item.caption;
        caption = undefined;
        return value ? { caption: value.slice(0, 1024) } : {};
      };
      const ids: string[] = [];
      const visual = media.filter((m) => m.kind !== 'document');
      for (let i = 0; i < visual.length; i += 10) {
        const chunk = visual.slice(i, i + 10);
        if (chunk.length === 1) {
          const item = chunk[0]!;
          const sent =
            item.kind === 'video'
              ? await call(token, 'sendVideo', (api) => api.sendVideo(chatId, item.url, take(item)))
              : await call(token, 'sendPhoto', (api) => api.sendPhoto(chatId, item.url, take(item)));
          ids.push(`${sent.chat.id}:${sent.message_id}`);
        } else {
          const sent = await call(token, 'sendMediaGroup', (api) =>
            api.sendMediaGroup(
              chatId,
              chunk.map((item) => ({ type: item.kind as 'photo' | 'video', media: item.url, ...take(item) })),
            ),
          );
          ids.push(...sent.map((m) => `${m.chat.id}:${m.message_id}`));
        }
      }
      for (const item of media.filter((m) => m.kind === 'document')) {
        const sent = await call(token, 'sendDocument', (api) =>
          api.sendDocument(chatId, item.url, take(item)),
        );
        ids.push(`${sent.chat.id}:${sent.message_id}`);
      }
      if (ids.length === 0) {
        const sent = await call(token, 'sendMessage', (api) => api.sendMessage(chatId, text));
        ids.push(`${sent.chat.id}:${sent.message_id}`);
      }
      return { platformMessageId: ids[0]! };
    },

    /**
     * A file a fan sent, streamed from Telegram: getFile turns the id into a path, then the
     * bytes come from `<apiRoot>/file/bot<token>/<path>`. Errors never carry that URL.
     */
    async fetchFile(credentials: TelegramCredentials, fileId: string): Promise<FetchedFile> {
      const token = credentials.botToken;
      const file = await call(token, 'getFile', (api) => api.getFile(fileId)).catch((err: unknown) => {
        if (err instanceof PlatformError && /file is too big/i.test(err.message)) throw tooBig();
        throw err;
      });
      if (file.file_size !== undefined && file.file_size > TELEGRAM_MAX_DOWNLOAD_BYTES) throw tooBig();
      if (!file.file_path) {
        throw new PlatformError('Telegram has no download for this file', 'permanent', undefined, 'rejected');
      }
      const filePath = file.file_path.split('/').map(encodeURIComponent).join('/');
      // The timeout covers the wait for an answer, not the download of a large body.
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), timeoutSeconds * 1000);
      let response: Response;
      try {
        response = await fetch(`${apiRoot}/file/bot${token}/${filePath}`, { signal: abort.signal });
      } catch (err) {
        const reason = redact(err instanceof Error ? err.message : String(err), token);
        throw new PlatformError(
          `Could not reach Telegram (file download): ${reason}`,
          'retryable',
          undefined,
          'network',
        );
      } finally {
        clearTimeout(timer);
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new PlatformError(
          `Telegram answered ${response.status} to the file download`,
          response.status >= 500 ? 'retryable' : 'permanent',
          undefined,
          response.status >= 500 ? 'upstream' : 'rejected',
        );
      }
      const length = Number(response.headers.get('content-length'));
      return {
        body: response.body,
        ...(response.headers.get('content-type')
          ? { contentType: response.headers.get('content-type')! }
          : {}),
        // Only what the download itself declares: the hub passes it on as Content-Length.
        ...(Number.isFinite(length) && length > 0 ? { size: length } : {}),
      };
    },

    /** Stops the spinner on the fan's button; `text` shows as a short toast. */
    async answerCallback(credentials: TelegramCredentials, callbackId: string, text?: string): Promise<void> {
      await call(credentials.botToken, 'answerCallbackQuery', (api) =>
        api.answerCallbackQuery(callbackId, text === undefined ? undefined : { text }),
      );
    },

    /** Checks the token and points the bot's webhook at this deployment. */
    async connect(
      credentials: TelegramConnectCredentials,
      connectOptions: { webhookUrl: string },
    ): Promise<TelegramBotIdentity> {
      const me = await call(credentials.botToken, 'getMe', async (api) => {
        try {
          return await api.getMe();
        } catch (err) {
          // Telegram answers 404 rather than 401 to a token it cannot even parse.
          if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
            throw new PlatformError(INVALID_TOKEN_MESSAGE, 'permanent', undefined, 'invalid_token');
          }
          throw err;
        }
      });
      await call(credentials.botToken, 'setWebhook', (api) =>
        api.setWebhook(connectOptions.webhookUrl, {
          secret_token: credentials.webhookSecret,
          allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
          drop_pending_updates: false,
        }),
      );
      return {
        botId: String(me.id),
        username: me.username,
        displayName: `${me.first_name} ${me.last_name ?? ''}`.trim(),
      };
    },
  };
}

export type TelegramConnector = ReturnType<typeof createTelegramConnector>;

function tooBig(): PlatformError {
  return new PlatformError(
    `Telegram lets bots download files up to ${TELEGRAM_MAX_DOWNLOAD_BYTES / 1024 / 1024} MB; this one is larger`,
    'permanent',
    undefined,
    'file_too_large',
  );
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function toTelegramButton(button: InlineButton): InlineKeyboardButton {
  // Telegram needs exactly one action per inline button; failing here beats a vague 400.
  if (button.url !== undefined && button.callbackData === undefined) {
    return { text: button.text, url: button.url };
  }
  if (button.callbackData !== undefined && button.url === undefined) {
    return { text: button.text, callback_data: button.callbackData };
  }
  throw new PlatformError(
    `Inline button "${button.text}" needs exactly one of url or callbackData`,
    'permanent',
    undefined,
    'rejected',
  );
}
