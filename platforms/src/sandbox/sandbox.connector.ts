import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { formatIssues, type WebhookParse } from '@velvet/shared';
import {
  fieldLabel,
  type ConnectionCheck,
  type PlatformConnector,
  type StoredCredentials,
  type WebhookRequest,
} from '../connector';

/** Header a sandbox webhook call carries the account's token in. */
export const SANDBOX_TOKEN_HEADER = 'x-velvet-sandbox-token';

const credentials = z.strictObject({
  token: z.string().trim().min(1, 'must be a token').max(4096).meta(fieldLabel('Token', 'Jeton')),
});

/** A fan message posted to a sandbox account's webhook, by hand or by a script. */
const sandboxMessage = z.strictObject({
  id: z.string().min(1).max(200),
  chatId: z.string().min(1).max(200),
  from: z.strictObject({
    id: z.string().min(1).max(200),
    name: z.string().max(200),
    language: z.string().max(16).optional(),
  }),
  text: z.string().max(4096).default(''),
  /** A press on a button of an earlier reply (its callback data), instead of text. */
  button: z.string().min(1).max(64).optional(),
  /** Something other than a message: the fan subscribed, or tipped (`text` is its note). */
  event: z.enum(['subscriber', 'tip']).optional(),
  tip: z
    .strictObject({
      amountCents: z.number().int().positive().max(100_000_00),
      currency: z.string().regex(/^[A-Z]{3}$/),
    })
    .optional(),
});

/**
 * A platform that lives inside Velvet: fan messages (and button presses) are posted to its
 * webhook with the account's token, and replies go nowhere. For trying Velvet and for tests, with no
 * account anywhere else.
 */
export function createSandboxConnector() {
  return {
    platform: 'sandbox' as const,
    label: 'Sandbox',
    // Posted to by hand or by a script on this machine: no public address needed.
    local: true,
    connectsWith: 'credentials' as const,
    credentialsSchema: credentials,
    capabilities: {
      aiAutoSend: true,
      // Like most chat apps: fans confirm 18+ with a button before any offer.
      verifiesAge: false,
      packSales: { kind: 'checkout_link' as const },
      buttons: true,
      media: { receive: [] as const, send: [] as const },
      answersInWebhook: false,
    },
    limits: () => ({ rules: [] }),

    async connect(input: Record<string, unknown>) {
      return { credentials: credentials.parse(input), settings: {}, label: 'Sandbox' };
    },
    async disconnect() {},
    /** Nothing to reach: the sandbox lives inside Velvet. */
    async check(): Promise<ConnectionCheck> {
      return { ok: true };
    },

    verifyWebhook(request: WebhookRequest, stored: StoredCredentials): boolean {
      const header = request.headers[SANDBOX_TOKEN_HEADER];
      const token = typeof stored.token === 'string' ? stored.token : '';
      if (typeof header !== 'string' || !token) return false;
      return timingSafeEqual(digest(header), digest(token));
    },

    parseWebhook(request: WebhookRequest): WebhookParse {
      const parsed = sandboxMessage.safeParse(request.body);
      if (!parsed.success) return { kind: 'invalid', reason: formatIssues(parsed.error) };
      const message = parsed.data;
      if (message.event === 'tip' && !message.tip)
        return { kind: 'invalid', reason: 'a tip needs its amount' };
      const what = message.button
        ? { kind: 'callback' as const, text: message.button, callbackId: message.id }
        : message.event === 'tip'
          ? { kind: 'tip' as const, text: message.text, tip: message.tip! }
          : { kind: message.event ?? ('text' as const), text: message.text };
      return {
        kind: 'message',
        message: {
          platform: 'sandbox',
          platformMessageId: message.id,
          chatId: message.chatId,
          fan: {
            platformUserId: message.from.id,
            displayName: message.from.name,
            ...(message.from.language ? { language: message.from.language } : {}),
          },
          ...what,
          sentAt: new Date(),
          raw: parsed.data,
        },
      };
    },

    async send() {
      return { platformMessageId: `sandbox:${randomUUID()}` };
    },
    async sendMedia() {
      return { platformMessageId: `sandbox:${randomUUID()}` };
    },
  } satisfies PlatformConnector;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
