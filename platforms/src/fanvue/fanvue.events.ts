import { formatIssues, type WebhookParse } from '@velvet/shared';
import {
  FANVUE_EVENTS,
  fvMessageReceived,
  fvNewSubscriber,
  fvPurchaseReceived,
  fvTipReceived,
  fvWebhookEnvelope,
} from './fanvue.schema';

const is = (list: readonly string[], type: string) => list.includes(type);

function fanOf(user: { uuid: string; handle?: string | undefined; displayName?: string | null | undefined }) {
  return {
    platformUserId: user.uuid,
    displayName: user.displayName || user.handle || user.uuid,
    ...(user.handle ? { username: user.handle } : {}),
  };
}

function dateOf(value: string | undefined): Date {
  const at = value ? new Date(value) : new Date();
  return Number.isNaN(at.getTime()) ? new Date() : at;
}

/** One verified webhook body, in Velvet's words. */
export function parseFanvueEvent(body: unknown): WebhookParse {
  const envelope = fvWebhookEnvelope.safeParse(body);
  if (!envelope.success) return { kind: 'invalid', reason: formatIssues(envelope.error) };
  const { id, type, data } = envelope.data;
  const raw = (body ?? {}) as Record<string, unknown>;
  if (is(FANVUE_EVENTS.message, type)) {
    const m = fvMessageReceived.safeParse(data);
    if (!m.success) return { kind: 'invalid', reason: formatIssues(m.error) };
    return {
      kind: 'message',
      message: {
        platform: 'fanvue',
        platformMessageId: m.data.messageUuid,
        chatId: m.data.sender.uuid,
        fan: fanOf(m.data.sender),
        kind: 'text',
        text: m.data.text ?? '',
        sentAt: dateOf(m.data.sentAt),
        raw,
      },
    };
  }
  if (is(FANVUE_EVENTS.subscriber, type)) {
    const s = fvNewSubscriber.safeParse(data);
    if (!s.success) return { kind: 'invalid', reason: formatIssues(s.error) };
    return {
      kind: 'message',
      message: {
        platform: 'fanvue',
        // The fan and the start of the period name a subscription, whatever the event id.
        platformMessageId: `subscription:${s.data.subscriber.uuid}:${s.data.subscribedAt ?? id}`,
        chatId: s.data.subscriber.uuid,
        fan: fanOf(s.data.subscriber),
        kind: 'subscriber',
        text: '',
        sentAt: dateOf(s.data.subscribedAt),
        raw,
      },
    };
  }
  if (is(FANVUE_EVENTS.tip, type)) {
    const t = fvTipReceived.safeParse(data);
    if (!t.success) return { kind: 'invalid', reason: formatIssues(t.error) };
    return {
      kind: 'message',
      message: {
        platform: 'fanvue',
        platformMessageId: `tip:${t.data.tipUuid}`,
        chatId: t.data.sender.uuid,
        fan: fanOf(t.data.sender),
        kind: 'tip',
        text: t.data.message ?? '',
        tip: { amountCents: t.data.amount, currency: t.data.currency.toUpperCase() },
        sentAt: new Date(),
        raw,
      },
    };
  }
  if (is(FANVUE_EVENTS.purchase, type)) {
    const p = fvPurchaseReceived.safeParse(data);
    if (!p.success) return { kind: 'invalid', reason: formatIssues(p.error) };
    if (!p.data.messageUuid)
      return { kind: 'ignored', reason: 'a purchase of something other than a chat message' };
    return {
      kind: 'payment',
      payment: {
        platformMessageId: `purchase:${p.data.purchaseUuid}`,
        chatId: p.data.buyer.uuid,
        fan: fanOf(p.data.buyer),
        currency: p.data.currency.toUpperCase(),
        totalAmount: p.data.amount,
        payload: '',
        chargeId: `fanvue:${p.data.purchaseUuid}`,
        paidMessageId: p.data.messageUuid,
      },
    };
  }
  return { kind: 'ignored', reason: `event ${type.slice(0, 100)} is not used` };
}
