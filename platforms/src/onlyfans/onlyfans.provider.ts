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

/** A post of the account, in the publisher's words. */
export interface ProviderPost {
  id: string;
  /** The text as fans read it (the provider's HTML made plain). */
  text: string;
  postedAt?: Date;
  mediaCount: number;
  likes?: number;
  comments?: number;
  /** The account's OnlyFans username, where the provider names the author. */
  username?: string;
}

/**
 * A post to create now: text and single-use upload ids. (The provider also takes a
 * `scheduledDate` for OnlyFans' own queue; Velvet's engine keeps the schedule instead.)
 */
export interface ProviderNewPost {
  text: string;
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
  /** Uploads bytes (form-data `file`); the id it returns works once. */
  uploadFile(
    credentials: ProviderCredentials,
    file: { bytes: Buffer; name: string; mime: string },
  ): Promise<string>;
  /**
   * Creates a post. A lost answer throws `PlatformError` with code `outcome_unknown`: the post
   * may exist, and only `listPosts` can tell.
   */
  createPost(credentials: ProviderCredentials, post: ProviderNewPost): Promise<ProviderPost>;
  /** The account's own posts, newest first, one page. */
  listPosts(
    credentials: ProviderCredentials,
    page: { limit: number; offset: number },
  ): Promise<{ posts: ProviderPost[]; hasMore: boolean }>;
  /** One post of the account, or undefined when the provider says there is none (deleted). */
  getPost(credentials: ProviderCredentials, postId: string): Promise<ProviderPost | undefined>;
  /** The bytes of a file a fan sent, fetched by the provider from the OnlyFans CDN address. */
  downloadMedia(credentials: ProviderCredentials, cdnUrl: string): Promise<FetchedFile>;
  /** Constant-time check of the call's signature, and that it is about this account. */
  verifyWebhook(request: WebhookRequest, credentials: ProviderCredentials): boolean;
  parseWebhook(body: unknown): ProviderEvent;
}
