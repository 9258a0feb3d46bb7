import type { AttachmentKind, Platform } from './domain';

/** Kinds of media a platform carries in chats. */
export type ChatMediaKind = AttachmentKind;

/**
 * How a pack is paid for: an in-chat invoice the platform collects (its currency and the
 * provider name purchases are recorded under), a locked paid message, or Velvet's signed
 * checkout link.
 */
export type PackSales =
  | { kind: 'invoice'; currency: string; provider: string }
  | { kind: 'paid_message' }
  | { kind: 'checkout_link' };

export interface ConnectorCapabilities {
  /** May an AI-drafted reply go out without a human approving it (the platform's terms)? */
  aiAutoSend: boolean;
  /** Does the platform verify its users' age? If not, fans confirm 18+ before any offer. */
  verifiesAge: boolean;
  packSales: PackSales;
  /** Inline buttons under a message (the 18+ gate, pack buttons). */
  buttons: boolean;
  media: {
    receive: readonly ChatMediaKind[];
    send: readonly ChatMediaKind[];
    /** The largest file a bot may download from the platform, in bytes. */
    maxDownloadBytes?: number;
  };
  /** The platform waits for an answer inside the webhook call (a payment pre-check). */
  answersInWebhook: boolean;
}

/** One fan message, normalised from any platform's webhook payload. */
export interface InboundMessage {
  platform: Platform;
  /** Unique within the account; a repeated delivery carries the same id. */
  platformMessageId: string;
  /** Where replies to this fan go (a chat id, a DM channel id…). */
  chatId: string;
  fan: {
    platformUserId: string;
    displayName: string;
    username?: string;
    language?: string;
  };
  /**
   * What the fan did: wrote (`text`, `edit`, `command`), pressed a button (`callback`),
   * subscribed (`subscriber`) or tipped (`tip`, its words in `text`).
   */
  kind: 'text' | 'edit' | 'command' | 'callback' | 'subscriber' | 'tip';
  text: string;
  /** For `kind: 'tip'`: what the fan gave, in the currency's minor units. */
  tip?: { amountCents: number; currency: string };
  /** For `kind: 'edit'`: the platform message id of the message the fan edited. */
  editOf?: string;
  /** Written in a group chat (`chatId` is the group's), not in private with the bot. */
  group?: { title: string };
  /** `/start payload` → { name: 'start', args: 'payload' }. */
  command?: { name: string; args: string };
  /** Callback queries must be answered so the fan's button stops spinning. */
  callbackId?: string;
  /** Photos, voice notes, files… the fan sent; `text` is then their caption ('' when none). */
  attachments?: InboundAttachment[];
  sentAt: Date;
  raw: Record<string, unknown>;
}

/** A file a fan sent, described without its bytes; the connector fetches those on demand. */
export interface InboundAttachment {
  kind: AttachmentKind;
  /**
   * The platform's file reference, read back only by its connector's `fetchFile`: a file id
   * (Telegram), or the OnlyFans CDN address the provider downloads from. Never sent to clients.
   */
  fileId: string;
  /** Stable across bots and time where the platform has one, unlike `fileId`. */
  fileUniqueId?: string;
  mimeType?: string;
  fileName?: string;
  /** Bytes. */
  size?: number;
  width?: number;
  height?: number;
  /** Seconds. */
  duration?: number;
}

/** An operator's upload, kept under MEDIA_DIR until (and after) it is sent. */
export interface UploadedAttachment extends Omit<InboundAttachment, 'fileId'> {
  /** Path of the bytes relative to MEDIA_DIR. */
  mediaKey: string;
  fileId?: undefined;
}

/** What a message's `attachments` column holds: a platform file or a local upload. */
export type MessageAttachment = InboundAttachment | UploadedAttachment;

/** What a fan message's row keeps of the platform's event, read by the inbound job. */
export interface InboundRaw {
  kind: InboundMessage['kind'];
  tip?: InboundMessage['tip'];
  command?: { name: string; args: string };
  callbackId?: string;
  group?: { title: string };
  /** The platform's payload, as it came. */
  update?: Record<string, unknown>;
}

/** Why an automated message was written, and what it belongs to. */
export type OutboundRaw =
  | { origin: 'draft'; draftId: string; approvedBy: string; edited?: boolean }
  | { origin: 'safety' | 'command'; inReplyTo: string }
  /** `after`: the reply it follows, which the fan must receive first. */
  | { origin: 'offer'; offerId: string; after?: string }
  | { origin: 'purchase'; purchaseId: string }
  | { origin: 'followup'; followUpId: string }
  /** The satisfaction question, or the thanks for a typed score. */
  | { origin: 'satisfaction'; surveyId: string };

/** A message row's `raw`: the platform's event for a fan message, the origin of a bot's. */
export type MessageRaw = InboundRaw | OutboundRaw;

/** A fan about to pay an invoice: the platform waits a few seconds for a yes or no. */
export interface PreCheckout {
  queryId: string;
  fan: InboundMessage['fan'];
  currency: string;
  totalAmount: number;
  /** What the invoice carried: `offer:<offer id>`. */
  payload: string;
}

/** A completed payment, as the platform reports it. */
export interface PaymentReceived {
  platformMessageId: string;
  chatId: string;
  fan: InboundMessage['fan'];
  currency: string;
  totalAmount: number;
  payload: string;
  /** The platform's charge id: a repeated notification carries the same one. */
  chargeId: string;
  providerChargeId?: string;
  /**
   * A paid message the fan unlocked (`packSales.kind === 'paid_message'`): its platform
   * message id names the offer, where an invoice's `payload` would.
   */
  paidMessageId?: string;
}

/** The platform says the account needs a human (its session expired, a code is awaited). */
export interface AccountAttention {
  reason: string;
}

export type WebhookParse =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'pre_checkout'; query: PreCheckout }
  | { kind: 'payment'; payment: PaymentReceived }
  | { kind: 'account_attention'; attention: AccountAttention }
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
  /** A file uploaded with the message; `text` becomes its caption. */
  attachment?: OutboundFile;
}

/** A local file to upload: shown inline as a photo, or sent as a document. */
export interface OutboundFile {
  kind: 'photo' | 'document';
  /** Absolute path of the bytes. */
  path: string;
  fileName: string;
  mimeType?: string;
}

/** A file's bytes, streamed from the platform. */
export interface FetchedFile {
  body: ReadableStream<Uint8Array> | NodeJS.ReadableStream | Buffer;
  contentType?: string;
  size?: number;
}

/** A payment request for one offer, in the platform's own currency unit (Stars for XTR). */
export interface OutboundInvoice {
  chatId: string;
  title: string;
  description: string;
  payload: string;
  currency: string;
  amount: number;
}

/** A locked message the fan pays to open (PPV): the pack's media, at the offer's price. */
export interface OutboundPaidMessage {
  chatId: string;
  text: string;
  /** In the currency's minor units. */
  priceCents: number;
  currency: string;
  media: readonly MediaItem[];
}

export interface MediaItem {
  kind: 'photo' | 'video' | 'document';
  /** Where the platform can fetch it; for an uploaded file, only a name for messages. */
  url: string;
  caption?: string;
  /** An uploaded file's bytes on this machine: the connector uploads them itself. */
  path?: string;
}

export interface SendResult {
  platformMessageId: string;
}

/**
 * A failed platform call. `retryable`: nothing was delivered (no connection, or the
 * platform answered with an error), so it is retried with backoff, at least `retryAfterMs`
 * when the platform says so. `permanent`: the platform refused for good (blocked by the
 * user, chat not found, bad token). `unknown`: the request was written but no answer came
 * (connection dropped, timeout): the platform may have delivered it, so it is never sent
 * again on its own.
 */
export class PlatformError extends Error {
  constructor(
    message: string,
    readonly kind: 'retryable' | 'permanent' | 'unknown',
    readonly retryAfterMs?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}
