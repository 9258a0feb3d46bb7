import type { Platform } from './domain';

/** One fan message, normalised from any platform's webhook payload. */
export interface InboundMessage {
  platform: Platform;
  /** Unique within the account; a repeated delivery carries the same id. */
  platformMessageId: string;
  /** Where replies to this fan go (a Telegram chat id, a Discord DM channel…). */
  chatId: string;
  fan: {
    platformUserId: string;
    displayName: string;
    username?: string;
    language?: string;
  };
  kind: 'text' | 'edit' | 'command' | 'callback';
  text: string;
  /** `/start payload` → { name: 'start', args: 'payload' }. */
  command?: { name: string; args: string };
  /** Callback queries must be answered so the fan's button stops spinning. */
  callbackId?: string;
  sentAt: Date;
  raw: Record<string, unknown>;
}

export type WebhookParse =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'ignored'; reason: string }
  /** Not a payload this platform sends: answered 400, nothing stored. */
  | { kind: 'invalid'; reason: string };

export interface InlineButton {
  text: string;
  url?: string;
  callbackData?: string;
}

export interface OutboundMessage {
  chatId: string;
  text: string;
  /** Rows of inline buttons under the message. */
  keyboard?: InlineButton[][];
}

export interface SendResult {
  platformMessageId: string;
}

/**
 * A failed platform call. `retryable` failures are retried with backoff (at least
 * `retryAfterMs` when the platform says so); `permanent` ones (blocked by the user,
 * chat not found, bad token) are not.
 */
export class PlatformError extends Error {
  constructor(
    message: string,
    readonly kind: 'retryable' | 'permanent',
    readonly retryAfterMs?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}
