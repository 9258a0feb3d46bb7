import { randomUUID } from 'node:crypto';
import { fanvueSignature } from './fanvue.signature';

/* What the Fanvue stand-in's tests post: events shaped as Fanvue sends them, signed as it signs them. */

/** The `X-Fanvue-Signature` value for these bytes: `t=<unix>,v0=<hex>`, two `v0` while rotating. */
export function signFanvueWebhook(
  rawBody: string,
  secrets: string | string[],
  t = Math.floor(Date.now() / 1000),
) {
  const list = Array.isArray(secrets) ? secrets : [secrets];
  return `t=${t},v0=${list.map((s) => fanvueSignature(s, t, rawBody)).join(',')}`;
}

/** Posts one webhook call as Fanvue does: the JSON event, signed in `X-Fanvue-Signature`. */
export async function deliverFanvueWebhook(
  url: string,
  event: unknown,
  secret: string | string[],
  t?: number,
): Promise<{ status: number; body: unknown }> {
  const raw = JSON.stringify(event);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-fanvue-signature': signFanvueWebhook(raw, secret, t) },
    body: raw,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

interface Fan {
  uuid: string;
  handle?: string;
  displayName?: string;
}

const user = (fan: Fan) => ({
  uuid: fan.uuid,
  handle: fan.handle ?? `fan_${fan.uuid.slice(0, 6)}`,
  displayName: fan.displayName ?? 'Fan',
});

/** The events Fanvue posts: `{id, type, createdAt, data}`. */
export const fanvueEvents = {
  message(input: { messageUuid?: string; fan: Fan; text: string }) {
    return {
      id: `evt_${randomUUID()}`,
      type: 'creator.message.received',
      createdAt: new Date().toISOString(),
      data: {
        messageUuid: input.messageUuid ?? randomUUID(),
        sender: user(input.fan),
        text: input.text,
        sentAt: new Date().toISOString(),
      },
    };
  },
  subscriber(input: { fan: Fan; subscribedAt?: string }) {
    return {
      id: `evt_${randomUUID()}`,
      type: 'creator.subscriber.new',
      createdAt: new Date().toISOString(),
      data: { subscriber: user(input.fan), subscribedAt: input.subscribedAt ?? new Date().toISOString() },
    };
  },
  purchase(input: {
    messageUuid: string;
    fan: Fan;
    amountCents: number;
    currency: string;
    purchaseUuid?: string;
  }) {
    return {
      id: `evt_${randomUUID()}`,
      type: 'creator.purchase.received',
      createdAt: new Date().toISOString(),
      data: {
        purchaseUuid: input.purchaseUuid ?? randomUUID(),
        buyer: user(input.fan),
        amount: input.amountCents,
        currency: input.currency,
        messageUuid: input.messageUuid,
      },
    };
  },
  tip(input: { fan: Fan; amountCents: number; currency: string; message?: string }) {
    return {
      id: `evt_${randomUUID()}`,
      type: 'creator.tip.received',
      createdAt: new Date().toISOString(),
      data: {
        tipUuid: randomUUID(),
        sender: user(input.fan),
        amount: input.amountCents,
        currency: input.currency,
        message: input.message ?? null,
      },
    };
  },
};
