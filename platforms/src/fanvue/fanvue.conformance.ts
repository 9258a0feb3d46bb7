import type { ConformanceKit, ConformanceStandIn } from '../conformance';
import { fanvueEvents, signFanvueWebhook, startFanvueStandin, type FanvueStandin } from './fanvue.standin';

const CLIENT_ID = 'velvet-conformance-client';
const CLIENT_SECRET = 'velvet-conformance-client-secret-0001';
const SECRET = 'fanvue-conformance-webhook-secret-0001';

/**
 * Connects a Fanvue account the way an operator's browser does: the hub's start route,
 * Fanvue's consent page (the stand-in consents at once), the hub's callback.
 */
export async function connectFanvueThroughHub(
  hub: { url: string; accessToken: string },
  creatorId: string,
  body: Record<string, unknown> = {},
): Promise<{ accountId?: string; landing: string; authorizeUrl: string }> {
  const started = await fetch(`${hub.url}/api/accounts/fanvue/oauth`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hub.accessToken}` },
    body: JSON.stringify({ creatorId, ...body }),
  });
  const { url } = (await started.json()) as { url: string };
  if (started.status !== 200) throw new Error(`the OAuth start answered ${started.status}`);
  const consent = await fetch(url, { redirect: 'manual' });
  const callback = consent.headers.get('location')!;
  const back = await fetch(callback, { redirect: 'manual' });
  const landing = back.headers.get('location') ?? '';
  const accountId = new URL(landing, hub.url).searchParams.get('connected') ?? undefined;
  return { ...(accountId ? { accountId } : {}), landing, authorizeUrl: url };
}

/** The Fanvue stand-in, driven by the connector conformance suite. */
export const fanvueConformance: ConformanceKit = {
  platform: 'fanvue',
  // At the seed's 10 a minute the suite's sends would take minutes; one a second keeps the
  // order-and-pacing check meaningful (the seed's figures are checked in the connector test).
  config: (yaml) => {
    const fast = yaml.replace(/(fanvue:\s*\n(?:\s*#.*\n)*\s*messages_per_minute:)\s*\d+/, '$1 60');
    if (fast === yaml) throw new Error('config/velvet.yaml: platforms.fanvue.messages_per_minute not found');
    return fast;
  },
  async start(): Promise<ConformanceStandIn> {
    const fanvue: FanvueStandin = await startFanvueStandin({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    let next = 1;
    const fan = (name: string) => ({
      uuid: `00000000-0000-4000-8000-${String(next++).padStart(12, '0')}`,
      displayName: name,
    });
    return {
      env: {
        FANVUE_API_ROOT: fanvue.apiRoot,
        FANVUE_AUTH_ROOT: fanvue.authRoot,
        FANVUE_CLIENT_ID: CLIENT_ID,
        FANVUE_CLIENT_SECRET: CLIENT_SECRET,
        FANVUE_WEBHOOK_SECRET: SECRET,
      },
      credentials: {},
      async connect(hub, creatorId) {
        const { accountId, landing } = await connectFanvueThroughHub(hub, creatorId);
        if (!accountId) throw new Error(`Fanvue did not connect: ${landing}`);
        return accountId;
      },
      secrets: () => [CLIENT_SECRET, SECRET, ...fanvue.issued],
      sign: (raw) => ({ 'x-fanvue-signature': signFanvueWebhook(raw, SECRET) }),
      forge: (raw) => ({ 'x-fanvue-signature': signFanvueWebhook(raw, `${SECRET}x`) }),
      samples() {
        const writer = fan('Conf');
        const subscriber = fan('Nouvelle');
        const tipper = fan('Généreux');
        return [
          {
            name: 'text message',
            chatId: writer.uuid,
            body: fanvueEvents.message({ fan: writer, text: 'Salut toi' }),
            expect: { kind: 'text', text: 'Salut toi' },
          },
          {
            name: 'message with markup and entities',
            chatId: writer.uuid,
            body: fanvueEvents.message({ fan: writer, text: 'Tu es <belle> & douce' }),
            expect: { kind: 'text', text: 'Tu es <belle> & douce' },
          },
          {
            name: 'new subscriber',
            chatId: subscriber.uuid,
            body: fanvueEvents.subscriber({ fan: subscriber }),
            expect: { kind: 'subscriber', text: '' },
          },
          {
            name: 'tip with a note',
            chatId: tipper.uuid,
            body: fanvueEvents.tip({ fan: tipper, amountCents: 500, currency: 'EUR', message: 'Pour toi' }),
            expect: { kind: 'tip', text: 'Pour toi' },
          },
        ];
      },
      delivered: (chatId) =>
        fanvue.sent.filter((m) => m.chatId === chatId).map((m) => ({ text: m.text, at: m.at })),
      attempts: (chatId) => fanvue.calls.filter((c) => c.route === 'send' && c.chatId === chatId),
      failNextSend(fault) {
        fanvue.failNext(
          'send',
          'rateLimited' in fault
            ? { status: 429, retryAfter: fault.rateLimited.retryAfterSeconds }
            : 'serverError' in fault
              ? { status: 500 }
              : { processThenClose: true },
        );
      },
      close: () => fanvue.close(),
    };
  },
};
