import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Api, GrammyError } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { z } from 'zod';
import {
  PlatformError,
  type MediaItem,
  type OutboundInvoice,
  type InlineButton,
  type OutboundMessage,
  type SendResult,
  type VelvetConfig,
} from '@velvet/shared';
import {
  CredentialsRejected,
  type ConnectOptions,
  type ConnectResult,
  type PlatformConnector,
  type PreCheckoutAnswer,
  type StoredCredentials,
  type WebhookRequest,
  type SendLimits,
} from '../connector';
import { INVALID_TOKEN_MESSAGE, toPlatformError } from './telegram.errors';
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

/** What an operator types to connect a bot. */
export const telegramCredentials = z.strictObject({
  botToken: z
    .string()
    .trim()
    .regex(/^\d{5,}:[A-Za-z0-9_-]{30,}$/, 'must be a bot token from @BotFather (123456:ABC…)'),
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
    connectsWith: 'credentials' as const,
    credentialsSchema: telegramCredentials,
    capabilities: {
      aiAutoSend: true,
      // Telegram knows nothing of its users' age: fans confirm 18+ with a button first.
      verifiesAge: false,
      packSales: { kind: 'invoice' as const, currency: 'XTR', provider: 'telegram_stars' },
      buttons: true,
      media: {
        receive: [] as const,
        send: ['photo', 'video', 'document'] as const,
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
              ? await call(credentials, 'sendVideo', (api) => api.sendVideo(chatId, item.url, take(item)))
              : await call(credentials, 'sendPhoto', (api) => api.sendPhoto(chatId, item.url, take(item)));
          ids.push(`${sent.chat.id}:${sent.message_id}`);
        } else {
          const sent = await call(credentials, 'sendMediaGroup', (api) =>
            api.sendMediaGroup(
              chatId,
              chunk.map((item) => ({ type: item.kind as 'photo' | 'video', media: item.url, ...take(item) })),
            ),
          );
          ids.push(...sent.map((m) => `${m.chat.id}:${m.message_id}`));
        }
      }
      for (const item of media.filter((m) => m.kind === 'document')) {
        const sent = await call(credentials, 'sendDocument', (api) =>
          api.sendDocument(chatId, item.url, take(item)),
        );
        ids.push(`${sent.chat.id}:${sent.message_id}`);
      }
      if (ids.length === 0) {
        const sent = await call(credentials, 'sendMessage', (api) => api.sendMessage(chatId, text));
        ids.push(`${sent.chat.id}:${sent.message_id}`);
      }
      return { platformMessageId: ids[0]! };
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

    /** Stops Telegram's deliveries to this deployment; updates wait on Telegram's side. */
    async disconnect(credentials: StoredCredentials): Promise<void> {
      await call(credentials, 'deleteWebhook', (api) => api.deleteWebhook({ drop_pending_updates: false }));
    },
  };
  return connector satisfies PlatformConnector;
}

export type TelegramConnector = ReturnType<typeof createTelegramConnector>;

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
