import type { z } from 'zod';
import type {
  ConnectorCapabilities,
  FetchedFile,
  MediaItem,
  OutboundInvoice,
  OutboundMessage,
  OutboundPaidMessage,
  Platform,
  PostKind,
  PostTextRules,
  SendResult,
  VelvetConfig,
  WebhookParse,
} from '@velvet/shared';

/** Where a live connection hands what it hears; each event is stored like a webhook's. */
export interface LiveSink {
  /** Resolves once the event is durably stored (or known to be ignored). */
  receive(event: WebhookParse): Promise<void>;
  /** Per chat, the newest fan message stored: anything later was missed while no one listened. */
  lastSeen(): Promise<ReadonlyMap<string, string>>;
  warn(message: string, error?: unknown): void;
  /**
   * Where the session's resume point is kept between processes (opaque to the hub): the
   * next holder resumes the session and the platform replays what it sent meanwhile,
   * including a first message from a chat no one has stored yet.
   */
  resumePoint: {
    load(): Promise<string | undefined>;
    save(value: string | undefined): Promise<void>;
  };
}

export interface LiveSession {
  /** `handover`: another process will take the session on, so leave it resumable. */
  close(options?: { handover?: boolean }): Promise<void>;
}

/**
 * A platform that pushes fan events over a connection the bot holds (Discord's gateway)
 * rather than webhooks. The hub keeps exactly one session per account across processes.
 */
export interface LiveConnection {
  open(credentials: StoredCredentials, sink: LiveSink): Promise<LiveSession>;
}

/** One pacing rule: at most one send per `intervalMs` per chat, or per account. */
export interface SendRule {
  scope: 'account' | 'chat';
  intervalMs: number;
}

export interface SendLimits {
  rules: readonly SendRule[];
  /** A fixed daily budget per account. */
  perDay?: number;
}

/** What a webhook call brought: headers (lower-case), the exact bytes, and the JSON they parsed to. */
export interface WebhookRequest {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  rawBody: Buffer;
  body: unknown;
}

/**
 * What the connect form shows beside a credentials field, in both languages; carried in the
 * JSON Schema `GET /api/platforms` serves (`label`), with `secret: false` for a field shown as typed.
 */
export function fieldLabel(en: string, fr: string, options: { secret?: false } = {}) {
  return { label: { en, fr }, ...options };
}

/** Credentials as stored (sealed at rest): what the operator typed plus what `connect` added. */
export type StoredCredentials = Record<string, unknown>;

export interface ConnectResult {
  credentials: StoredCredentials;
  /** Facts learned from the platform (bot id and username…), shown to operators. */
  settings: Record<string, unknown>;
  /** A name for the account when the operator gave none (`@bot_username`). */
  label: string;
  /** The platform's own id for the account: connecting it again updates the same account. */
  identity?: string;
}

/** One entry of the command menu fans see, described in French and English. */
export interface CommandMenuItem {
  command: string;
  description: { fr: string; en: string };
}

export interface ConnectOptions {
  webhookUrl: string;
  commands?: readonly CommandMenuItem[];
}

/** The OAuth 2.0 + PKCE connection of a platform whose accounts connect by redirect. */
export interface OAuthFlow {
  /** Environment variables still missing before anyone can connect (empty when ready). */
  missing(): string[];
  /** The platform's consent page, for this `state` and S256 `codeChallenge`. */
  authorizeUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string;
  /** Trades the code for tokens and learns who they speak for. */
  exchange(input: { code: string; codeVerifier: string; redirectUri: string }): Promise<ConnectResult>;
}

/**
 * Access tokens that expire. The caller refreshes them before use, one process at a time,
 * and stores what `refresh` returns in one write (a rotated refresh token works once).
 */
export interface TokenRefresher {
  /** Whether the stored access token must be refreshed before the next call. */
  expiresSoon(stored: StoredCredentials, now: Date): boolean;
  /**
   * New credentials. A `PlatformError` with code `refresh_refused` means the platform refused
   * the refresh token for good (the account must be reconnected); any other error is transient.
   */
  refresh(stored: StoredCredentials): Promise<StoredCredentials>;
}

export type PreCheckoutAnswer = { ok: true } | { ok: false; error: string };

/** What testing a connection found: nothing wrong, or what is, in words an operator acts on. */
export type ConnectionCheck =
  | { ok: true }
  /** `reconnect`: the platform refused the credentials for good; only new ones help. */
  | { ok: false; problem: string; reconnect: boolean };

export interface CheckOptions {
  /** Where the platform should be delivering this account's events. */
  webhookUrl: string;
}

/**
 * A chat platform. Everything that differs between platforms lives behind this shape, in
 * `platforms/<name>/`; the hub and the workers ask it, never a platform's name.
 */
export interface PlatformConnector {
  readonly platform: Platform;
  /** The platform's name as people write it, shown everywhere the UI names it. */
  readonly label: string;
  /** How operators connect an account: a credentials form, or an OAuth redirect. */
  readonly connectsWith: 'credentials' | 'oauth';
  /** What the operator types to connect; validated before anything is stored or called. */
  readonly credentialsSchema: z.ZodType<Record<string, unknown>>;
  readonly capabilities: ConnectorCapabilities;
  /** Its webhooks are posted from this machine (the sandbox), not from the internet. */
  readonly local?: boolean;
  /** Send limits, from `platforms.<name>` in velvet.yaml. */
  limits(config: VelvetConfig['platforms']): SendLimits;

  /**
   * Checks the credentials with the platform, points its webhooks at `webhookUrl` and, where
   * the platform shows one, sets the fans' command menu.
   */
  connect(credentials: Record<string, unknown>, options: ConnectOptions): Promise<ConnectResult>;
  /** Removes what `connect` registered on the platform side. */
  disconnect(credentials: StoredCredentials): Promise<void>;
  /**
   * Tests the stored credentials with the platform and changes nothing there: they still
   * work, and the platform still delivers to this deployment where it can tell. Throws
   * (`PlatformError`) only when the platform cannot be reached.
   */
  check(credentials: StoredCredentials, options: CheckOptions): Promise<ConnectionCheck>;

  /** Is this call really from the platform (secret header, signature)? Constant time. */
  verifyWebhook(request: WebhookRequest, credentials: StoredCredentials): boolean;
  /** The normalised event a verified call carries. */
  parseWebhook(request: WebhookRequest): WebhookParse;
  /** Fields the platform expects in the webhook's answer (Discord's interaction acknowledgement). */
  webhookAnswer?(request: WebhookRequest): Record<string, unknown> | undefined;
  /** For platforms that deliver over a held connection as well as (or instead of) webhooks. */
  live?: LiveConnection;

  send(credentials: StoredCredentials, message: OutboundMessage): Promise<SendResult>;
  /** Media with `text` as the caption of the first item (plain text when there is none). */
  sendMedia(
    credentials: StoredCredentials,
    chatId: string,
    text: string,
    media: readonly MediaItem[],
  ): Promise<SendResult>;
  /** An in-chat invoice, for `packSales.kind === 'invoice'`. */
  sendInvoice?(credentials: StoredCredentials, invoice: OutboundInvoice): Promise<SendResult>;
  /** Why the platform could not sell a pack at this price (its price range, media it needs), if so. */
  refusesOffer?(offer: { priceCents: number; currency: string; mediaCount: number }): string | undefined;
  /** A locked message with the pack's media, for `packSales.kind === 'paid_message'`. */
  sendPaidMessage?(credentials: StoredCredentials, paid: OutboundPaidMessage): Promise<SendResult>;
  /** The answer the platform waits for inside the webhook call (`answersInWebhook`). */
  answerPreCheckout?(
    credentials: StoredCredentials,
    queryId: string,
    answer: PreCheckoutAnswer,
  ): Promise<void>;
  /** The bytes of a file a fan sent (`InboundAttachment.fileId`), streamed through the hub. */
  fetchFile?(credentials: StoredCredentials, fileId: string): Promise<FetchedFile>;
  /** For `connectsWith: 'oauth'`: the redirect flow that replaces `connect`. */
  oauth?: OAuthFlow;
  /** For platforms whose access tokens expire. */
  tokens?: TokenRefresher;
  /**
   * What a buyer gets on the platform besides the pack (Discord's buyer role on the
   * creator's server), once the pack is delivered. Granting twice changes nothing.
   */
  grantBuyerAccess?(credentials: StoredCredentials, chatId: string): Promise<void>;
  /**
   * Takes that access back once the fan has no purchase left standing (every one refunded
   * or charged back). Revoking twice changes nothing.
   */
  revokeBuyerAccess?(credentials: StoredCredentials, chatId: string): Promise<void>;
  /**
   * A fan just muted for repeated spam, restricted on the platform too where the creator
   * turned that on (Discord's server timeout). Nothing more aggressive is automated.
   */
  restrictSpammer?(credentials: StoredCredentials, chatId: string): Promise<void>;
  /** Stops the spinner on a fan's button. */
  answerCallback?(credentials: StoredCredentials, callbackId: string, text?: string): Promise<void>;
}

/**
 * How accounts of one platform are connected, whether it is a chat platform (its
 * `PlatformConnector`) or one Velvet only publishes to (its `Publisher.account`).
 */
export interface AccountConnector {
  readonly platform: Platform;
  readonly label: string;
  readonly connectsWith: 'credentials' | 'oauth';
  readonly credentialsSchema: z.ZodType<Record<string, unknown>>;
  connect(credentials: Record<string, unknown>, options: ConnectOptions): Promise<ConnectResult>;
  disconnect(credentials: StoredCredentials): Promise<void>;
  /** Tests the connection (`PlatformConnector.check`); absent where the platform offers no way. */
  check?(credentials: StoredCredentials, options: CheckOptions): Promise<ConnectionCheck>;
  tokens?: TokenRefresher;
  /** For `connectsWith: 'oauth'`: the redirect flow that replaces `connect`. */
  oauth?: OAuthFlow;
}

/**
 * What `GET /api/platforms` tells the UI about one platform: every platform Velvet chats on,
 * publishes to, or knows the posting rules of. `connect: 'none'`: no account of it can be
 * connected from this hub yet (its publisher is not written).
 */
export interface PlatformDescription {
  platform: Platform;
  /** The platform's name as people write it: the one place the UI takes it from. */
  label: string;
  chat: boolean;
  /** Velvet can publish there (its publisher exists). */
  publish: boolean;
  connect: 'credentials' | 'oauth' | 'none';
  /** What its chats can do; absent for a platform Velvet only publishes to. */
  capabilities?: ConnectorCapabilities;
  /**
   * Where its webhooks come from, for a chat platform: the internet (the hub's `PUBLIC_URL`
   * must be reachable from there), or this machine (the sandbox).
   */
  webhooksFrom?: 'internet' | 'this_machine';
  /** JSON Schema of the credentials form; absent when `connect` is `none`. */
  credentials?: Record<string, unknown>;
  /** What people must know before posting there, in both languages (a publisher's `notice`). */
  notice?: { en: string; fr: string };
  /** Its posting rules as data, for a platform posts can target. */
  post?: { text: PostTextRules; dailyReel: boolean; defaultMix: Partial<Record<PostKind, number>> };
}

/** The platform refused what the operator typed: shown on the form, at `credentials.<field>`. */
export class CredentialsRejected extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CredentialsRejected';
  }
}
export type { ChatMediaKind, ConnectorCapabilities, PackSales } from '@velvet/shared';
