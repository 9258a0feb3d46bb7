import type { ConformanceKit, ConformanceStandIn } from '../conformance';
import { onlyfansEvents, signOnlyFansWebhook, startOnlyFansStandin } from './onlyfans.standin';

const API_KEY = 'ofapi_conformance_key_0123456789abcdef';
const ACCOUNT = 'acct_conformance01';
const SECRET = 'conformance-webhook-signing-secret-0001';

/** The OnlyFansAPI.com stand-in, driven by the connector conformance suite. */
export const onlyfansConformance: ConformanceKit = {
  platform: 'onlyfans',
  // At the seed's 5 a minute the suite's sends would take minutes (one a second keeps the
  // order-and-pacing check meaningful); the budget itself
  // is tested with its own shortened window.
  config: (yaml) => {
    // Comment lines may sit between the block's name and its key.
    const fast = yaml.replace(/(onlyfans:\s*\n(?:\s*#.*\n)*\s*messages_per_minute:)\s*\d+/, '$1 60');
    if (fast === yaml)
      throw new Error('config/velvet.yaml: platforms.onlyfans.messages_per_minute not found');
    return fast;
  },
  async start(): Promise<ConformanceStandIn> {
    const provider = await startOnlyFansStandin({ keys: { [API_KEY]: [ACCOUNT] } });
    let next = 1;
    return {
      env: { ONLYFANS_API_ROOT: provider.apiRoot },
      credentials: { apiKey: API_KEY, accountId: ACCOUNT, webhookSecret: SECRET },
      secrets: () => [API_KEY, SECRET],
      sign: (raw) => ({ signature: signOnlyFansWebhook(raw, SECRET) }),
      forge: (raw) => ({ signature: signOnlyFansWebhook(raw, `${SECRET}x`) }),
      samples() {
        const fan = { id: 770_000 + next++, name: 'Conf' };
        const subscriber = { id: 770_000 + next++, name: 'Nouvelle' };
        const id = () => 5_000_000 + next++;
        return [
          {
            name: 'text message',
            chatId: String(fan.id),
            body: onlyfansEvents.message(ACCOUNT, { id: id(), fan, text: 'Salut toi' }),
            expect: { kind: 'text', text: 'Salut toi' },
          },
          {
            name: 'message with markup and entities',
            chatId: String(fan.id),
            body: onlyfansEvents.message(ACCOUNT, { id: id(), fan, text: 'Tu es <belle> & douce' }),
            expect: { kind: 'text', text: 'Tu es <belle> & douce' },
          },
          {
            name: 'new subscriber',
            chatId: String(subscriber.id),
            body: onlyfansEvents.subscribed(ACCOUNT, { fan: subscriber }),
            expect: { kind: 'subscriber', text: '' },
          },
        ];
      },
      delivered: (chatId) =>
        provider.sent.filter((m) => m.chatId === chatId).map((m) => ({ text: m.text, at: m.at })),
      attempts: (chatId) => provider.calls.filter((c) => c.route === 'send' && c.chatId === chatId),
      failNextSend(fault) {
        provider.failNext(
          'send',
          'rateLimited' in fault
            ? { status: 429, retryAfter: fault.rateLimited.retryAfterSeconds }
            : 'serverError' in fault
              ? { status: 500 }
              : { processThenClose: true },
        );
      },
      close: () => provider.close(),
    };
  },
};
