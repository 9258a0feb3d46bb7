import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Api, GrammyError, InputFile } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { z } from 'zod';
import {
  PlatformError,
  type FetchedFile,
  type MediaItem,
  type OutboundInvoice,
  type InlineButton,
  type OutboundMessage,
  type SendResult,
  type VelvetConfig,
} from '@velvet/shared';
import {
  CredentialsRejected,
  fieldLabel,
  type CheckOptions,
  type ConnectionCheck,
  type ConnectOptions,
  type ConnectResult,
  type PlatformConnector,
  type PreCheckoutAnswer,
  type StoredCredentials,
  type WebhookRequest,
  type SendLimits,
} from '../connector';
import { INVALID_TOKEN_MESSAGE, redact, toPlatformError } from './telegram.errors';
import { parseTelegramUpdate } from './telegram.parse';
import { fetchedFile } from '../delivery';

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

/** What an operator types to connect a bot. */
export const telegramCredentials = z.strictObject({
  botToken: z
    .string()
    .trim()
    .regex(/^\d{5,}:[A-Za-z0-9_-]{30,}$/, 'must be a bot token from @BotFather (123456:ABC…)')
    .meta(fieldLabel('Bot token (from @BotFather)', 'Jeton du bot (donné par @BotFather)')),
});

/** As stored: the token and the secret Telegram echoes on each webhook call. */
const storedCredentials = z.object({ botToken: z.string(), webhookSecret: z.string().optional() });

export interface TelegramConnectorOptions {
  /** `https://api.telegram.org`, or a stand-in / proxy (TELEGRAM_API_ROOT). */
  apiRoot: string;
  /** Per-call limit so a stalled Telegram cannot hang a worker; defaults to 15 s. */
  timeoutSeconds?: number;
}

export type TelegramCredentials = z.infer<typeof storedCredentials>;

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

  function tokenOf(credentials: StoredCredentials): string {
    const parsed = storedCredentials.safeParse(credentials);
    if (!parsed.success) {
      throw new PlatformError(
        'The stored Telegram credentials are unusable',
        'permanent',
        undefined,
        'invalid_token',
      );
    }
    return parsed.data.botToken;
  }

  async function call<T>(
    credentials: StoredCredentials,
    method: string,
    run: (api: Api) => Promise<T>,
  ): Promise<T> {
    const token = tokenOf(credentials);
    const api = apiFor(token);
    try {
      return await run(api);
    } catch (err) {
      throw toPlatformError(err, method, token);
    }
  }

  const connector = {
    platform: 'telegram' as const,
    label: 'Telegram',
    connectsWith: 'credentials' as const,
    credentialsSchema: telegramCredentials,
    capabilities: {
      aiAutoSend: true,
      // Telegram knows nothing of its users' age: fans confirm 18+ with a button first.
      verifiesAge: false,
      packSales: { kind: 'invoice' as const, currency: 'XTR', provider: 'telegram_stars' },
      buttons: true,
      media: {
        receive: ['photo', 'voice', 'audio', 'video', 'document', 'sticker'] as const,
        send: ['photo', 'video', 'document'] as const,
        maxDownloadBytes: TELEGRAM_MAX_DOWNLOAD_BYTES,
      },
      answersInWebhook: true,
    },

    limits(config: VelvetConfig['platforms']): SendLimits {
      return {
        rules: [
          { scope: 'chat', intervalMs: 1000 / config.telegram.messages_per_second_per_chat },
          { scope: 'account', intervalMs: 1000 / config.telegram.messages_per_second_per_bot },
        ],
      };
    },

    /** Constant-time check of the X-Telegram-Bot-Api-Secret-Token header. */
    verifyWebhook(request: WebhookRequest, credentials: StoredCredentials): boolean {
      const header = request.headers[TELEGRAM_SECRET_HEADER];
      const secret = storedCredentials.safeParse(credentials).data?.webhookSecret;
      if (typeof header !== 'string' || !secret) return false;
      // Hashing first gives equal-length inputs, so neither a throw nor timing reveals the secret's length.
      return timingSafeEqual(digest(header), digest(secret));
    },

    parseWebhook(request: WebhookRequest) {
      return parseTelegramUpdate(request.body);
    },

    async send(credentials: StoredCredentials, message: OutboundMessage): Promise<SendResult> {
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
            ? await call(credentials, 'sendPhoto', (api) => api.sendPhoto(message.chatId, input, extra))
            : await call(credentials, 'sendDocument', (api) =>
                api.sendDocument(message.chatId, input, extra),
              );
        return { platformMessageId: `${sentFile.chat.id}:${sentFile.message_id}` };
      }
      const sent = await call(credentials, 'sendMessage', (api) =>
        api.sendMessage(message.chatId, message.text, other),
      );
      return { platformMessageId: `${sent.chat.id}:${sent.message_id}` };
    },

    /**
     * A Telegram Stars invoice (currency XTR: one price, no provider token). The fan pays
     * in the chat; Telegram then sends `pre_checkout_query` and `successful_payment`.
     */
    async sendInvoice(credentials: StoredCredentials, invoice: OutboundInvoice): Promise<SendResult> {
      const sent = await call(credentials, 'sendInvoice', (api) =>
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
      credentials: StoredCredentials,
      queryId: string,
      answer: PreCheckoutAnswer,
    ): Promise<void> {
      await call(credentials, 'answerPreCheckoutQuery', (api) =>
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
      credentials: StoredCredentials,
      chatId: string,
      text: string,
      media: readonly MediaItem[],
    ): Promise<SendResult> {
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
              ? await call(credentials, 'sendVideo', (api) => api.sendVideo(chatId, source(item), take(item)))
              : await call(credentials, 'sendPhoto', (api) =>
                  api.sendPhoto(chatId, source(item), take(item)),
                );
          ids.push(`${sent.chat.id}:${sent.message_id}`);
        } else {
          const sent = await call(credentials, 'sendMediaGroup', (api) =>
            api.sendMediaGroup(
              chatId,
              chunk.map((item) => ({
                type: item.kind as 'photo' | 'video',
                media: source(item),
                ...take(item),
              })),
            ),
          );
          ids.push(...sent.map((m) => `${m.chat.id}:${m.message_id}`));
        }
      }
      for (const item of media.filter((m) => m.kind === 'document')) {
        const sent = await call(credentials, 'sendDocument', (api) =>
          api.sendDocument(chatId, source(item), take(item)),
        );
        ids.push(`${sent.chat.id}:${sent.message_id}`);
      }
      if (ids.length === 0) {
        const sent = await call(credentials, 'sendMessage', (api) => api.sendMessage(chatId, text));
        ids.push(`${sent.chat.id}:${sent.message_id}`);
      }
      return { platformMessageId: ids[0]! };
    },

    /**
     * A file a fan sent, streamed from Telegram: getFile turns the id into a path, then the
     * bytes come from `<apiRoot>/file/bot<token>/<path>`. Errors never carry that URL.
     */
    async fetchFile(credentials: StoredCredentials, fileId: string): Promise<FetchedFile> {
      const token = tokenOf(credentials);
      const file = await call(credentials, 'getFile', (api) => api.getFile(fileId)).catch((err: unknown) => {
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
      return fetchedFile(response.headers, response.body);
    },

    /** Stops the spinner on the fan's button; `text` shows as a short toast. */
    async answerCallback(credentials: StoredCredentials, callbackId: string, text?: string): Promise<void> {
      await call(credentials, 'answerCallbackQuery', (api) =>
        api.answerCallbackQuery(callbackId, text === undefined ? undefined : { text }),
      );
    },

    /** Checks the token and points the bot's webhook at this deployment, with a fresh secret. */
    async connect(input: Record<string, unknown>, connectOptions: ConnectOptions): Promise<ConnectResult> {
      const typed = telegramCredentials.safeParse(input);
      if (!typed.success) throw new CredentialsRejected('botToken', typed.error.issues[0]!.message);
      // Telegram echoes this in X-Telegram-Bot-Api-Secret-Token on every webhook call.
      const credentials: TelegramCredentials = {
        botToken: typed.data.botToken,
        webhookSecret: randomBytes(32).toString('base64url'),
      };
      const me = await call(credentials, 'getMe', async (api) => {
        try {
          return await api.getMe();
        } catch (err) {
          // Telegram answers 404 rather than 401 to a token it cannot even parse.
          if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
            throw new CredentialsRejected('botToken', INVALID_TOKEN_MESSAGE);
          }
          throw err;
        }
      });
      await call(credentials, 'setWebhook', (api) =>
        api.setWebhook(connectOptions.webhookUrl, {
          secret_token: credentials.webhookSecret,
          allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
          drop_pending_updates: false,
        }),
      );
      const menu = connectOptions.commands ?? [];
      if (menu.length > 0) {
        // English for everyone, French for fans whose Telegram speaks it.
        for (const lang of ['en', 'fr'] as const) {
          const commands = menu.map((item) => ({
            command: item.command,
            description: item.description[lang],
          }));
          await call(credentials, 'setMyCommands', (api) =>
            api.setMyCommands(commands, lang === 'en' ? {} : { language_code: lang }),
          );
        }
      }
      return {
        credentials,
        settings: { bot: { id: String(me.id), username: me.username } },
        label: `@${me.username}`,
      };
    },

    /**
     * The token still works (`getMe`) and Telegram still delivers here (`getWebhookInfo`):
     * the webhook points at this deployment and its last delivery, if recent, did not fail.
     */
    async check(credentials: StoredCredentials, checkOptions: CheckOptions): Promise<ConnectionCheck> {
      const refused = await call(credentials, 'getMe', async (api) => {
        try {
          await api.getMe();
          return false;
        } catch (err) {
          // Telegram answers 404 rather than 401 to a token it cannot even parse.
          if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) return true;
          throw err;
        }
      }).catch((err: unknown) => {
        if (err instanceof PlatformError && err.code === 'invalid_token') return true;
        throw err;
      });
      if (refused) {
        return {
          ok: false,
          problem:
            'Telegram refuses this bot token: it was revoked or replaced in @BotFather. Reconnect with the current token.',
          reconnect: true,
        };
      }
      const info = await call(credentials, 'getWebhookInfo', (api) => api.getWebhookInfo());
      if (info.url !== checkOptions.webhookUrl) {
        return {
          ok: false,
          problem: info.url
            ? "Telegram delivers this bot's messages to another address: reconnect the account to bring them back here."
            : "Telegram has no webhook for this bot, so fans' messages do not reach Velvet: reconnect the account.",
          reconnect: false,
        };
      }
      // Telegram keeps the last error after deliveries recover; updates waiting say they have not.
      const failedAt = info.last_error_date ? info.last_error_date * 1000 : undefined;
      if (failedAt !== undefined && info.pending_update_count > 0) {
        return {
          ok: false,
          problem: `Telegram could not deliver here at ${new Date(failedAt).toISOString()}: ${info.last_error_message ?? 'no reason given'}. Check that PUBLIC_URL reaches this hub over HTTPS.`,
          reconnect: false,
        };
      }
      return { ok: true };
    },

    /** Stops Telegram's deliveries to this deployment; updates wait on Telegram's side. */
    async disconnect(credentials: StoredCredentials): Promise<void> {
      await call(credentials, 'deleteWebhook', (api) => api.deleteWebhook({ drop_pending_updates: false }));
    },
  };
  return connector satisfies PlatformConnector;
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

/** A URL Telegram fetches itself, or an uploaded file's bytes sent as multipart. */
function source(item: MediaItem): string | InputFile {
  return item.path ? new InputFile(item.path, item.path.split('/').pop()) : item.url;
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
