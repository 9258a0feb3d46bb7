import type { FetchedFile, InboundAttachment, InboundMessage } from '@velvet/shared';
import type { WebhookRequest } from '../connector';

/** What Velvet keeps to talk to an OnlyFans account through a provider. */
export interface ProviderCredentials {
  apiKey: string;
  /** The provider's id for the OnlyFans account (`acct_…` for OnlyFansAPI.com). */
  accountId: string;
  /** The signing secret the provider signs webhook calls with. */
  webhookSecret: string;
}

export type ProviderFan = InboundMessage['fan'];

/** A webhook call, in the connector's words rather than the provider's. */
export type ProviderEvent =
  | {
      kind: 'message';
      id: string;
      chatId: string;
      fan: ProviderFan;
      text: string;
      /** Photos, videos and audio the fan sent; `fileId` is the OnlyFans CDN address. */
      attachments?: InboundAttachment[];
      sentAt: Date;
    }
  | { kind: 'subscribed'; id: string; chatId: string; fan: ProviderFan; sentAt: Date }
  | { kind: 'unlocked'; messageId: string; chatId: string; fan: ProviderFan; priceCents: number }
  | { kind: 'needs_attention'; reason: string }
  | { kind: 'ignored'; reason: string }
  | { kind: 'invalid'; reason: string };

/** One message to a fan: free, or locked at `priceUsd` with `media` (single-use upload ids). */
export interface ProviderMessage {
  text: string;
  priceUsd?: number;
  media?: readonly string[];
}

/**
 * How one provider's API and webhooks look. The OnlyFans connector only speaks this shape,
 * so a provider with other URLs, headers or event names is one more implementation.
 */
export interface OnlyFansProvider {
  readonly name: string;
  /** Checks the key and account id; throws `CredentialsRejected` naming the wrong field. */
  checkAccount(credentials: ProviderCredentials): Promise<void>;
  sendMessage(
    credentials: ProviderCredentials,
    chatId: string,
    message: ProviderMessage,
  ): Promise<{ messageId: string }>;
  /** Uploads a file the provider fetches from `url`; the id it returns works once. */
  uploadMedia(credentials: ProviderCredentials, url: string): Promise<string>;
  /** The bytes of a file a fan sent, fetched by the provider from the OnlyFans CDN address. */
  downloadMedia(credentials: ProviderCredentials, cdnUrl: string): Promise<FetchedFile>;
  /** Constant-time check of the call's signature, and that it is about this account. */
  verifyWebhook(request: WebhookRequest, credentials: ProviderCredentials): boolean;
  parseWebhook(body: unknown): ProviderEvent;
}
