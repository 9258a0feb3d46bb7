import type { ConformanceKit, ConformanceStandIn } from '../conformance';
import { startTelegramStandin } from './telegram.standin';
import { telegramUpdates } from './telegram.updates';

const TOKEN = '7000000077:AAConformanceTokenForVelvetTests_077';
const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** The Telegram Bot API stand-in, driven by the connector conformance suite. */
export const telegramConformance: ConformanceKit = {
  platform: 'telegram',
  async start(): Promise<ConformanceStandIn> {
    const telegram = await startTelegramStandin({ tokens: [TOKEN] });
    let next = 1;
    // The secret Velvet handed Telegram in setWebhook, which Telegram echoes on each call.
    const secret = () => telegram.webhooks.get(TOKEN)?.secret_token ?? '';
    return {
      env: { TELEGRAM_API_ROOT: telegram.apiRoot },
      credentials: { botToken: TOKEN },
      secrets: () => [TOKEN, TOKEN.split(':')[1]!, ...(secret() ? [secret()] : [])],
      sign: () => ({ [SECRET_HEADER]: secret() }),
      forge: () => ({ [SECRET_HEADER]: `${secret()}x` }),
      samples() {
        const chat = 880_000 + next;
        const id = () => next++;
        const base = { chatId: chat, fromId: chat, firstName: 'Conf', languageCode: 'fr' };
        return [
          {
            name: 'text message',
            chatId: String(chat),
            body: telegramUpdates.text({ ...base, updateId: id(), text: 'Salut toi' }),
            expect: { kind: 'text', text: 'Salut toi' },
          },
          {
            name: 'command',
            chatId: String(chat),
            body: telegramUpdates.command({ ...base, updateId: id(), text: '/help' }),
            expect: { kind: 'command', text: '/help' },
          },
          {
            name: 'edited message',
            chatId: String(chat),
            body: telegramUpdates.edited({ ...base, updateId: id(), messageId: 1, text: 'Salut toi !' }),
            expect: { kind: 'edit', text: 'Salut toi !' },
          },
          {
            name: 'photo with a caption',
            chatId: String(chat),
            body: telegramUpdates.photo({ ...base, updateId: id(), caption: 'Regarde 📸' }),
            expect: { kind: 'text', text: 'Regarde 📸' },
          },
          {
            name: 'button press',
            chatId: String(chat),
            body: telegramUpdates.callback({ ...base, updateId: id(), data: 'noop' }),
            expect: { kind: 'callback', text: 'noop' },
          },
        ];
      },
      delivered: (chatId) =>
        telegram.sent
          .filter((m) => String(m.chat_id) === chatId)
          .map((m) => ({ text: String(m.text), at: m.at })),
      attempts: (chatId) =>
        telegram.calls
          .filter((c) => c.method === 'sendMessage' && String(c.body.chat_id) === chatId)
          .map((c) => ({ at: c.at })),
      failNextSend(fault) {
        telegram.failNext(
          'sendMessage',
          'rateLimited' in fault
            ? { status: 429, retryAfter: fault.rateLimited.retryAfterSeconds }
            : 'serverError' in fault
              ? { status: 500, description: 'Internal Server Error' }
              : { processThenClose: true },
        );
      },
      close: () => telegram.close(),
    };
  },
};
