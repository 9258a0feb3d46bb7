import type {
  PostContent,
  PostKind,
  PostProblem,
  PostRules,
  PostTextRules,
  PublishPlatform,
} from '@velvet/shared';
import type { z } from 'zod';
import type {
  ConnectionCheck,
  ConnectResult,
  OAuthFlow,
  StoredCredentials,
  TokenRefresher,
} from './connector';

/** A post published, or what is known of it: publishing late is acceptable, twice never. */
export type PublishOutcome =
  /** Live on the platform, with the platform's id and address. */
  | { state: 'published'; remoteId: string; url?: string }
  /** Accepted, still processing on the platform side (a container, an upload): ask `status` later. */
  | { state: 'processing'; remoteId: string; checkAfterMs: number }
  /**
   * Refused. `retry` says whether the same call may be tried again later (a rate limit, a 5xx);
   * `kind: 'refresh_token'`: the access token was refused, refresh it before that retry.
   */
  | {
      state: 'failed';
      reason: string;
      retry: boolean;
      kind?: PublishErrorKind;
      /** When the platform said its limit reopens (epoch ms): no retry before then. */
      retryAt?: number;
      /** When the platform says when to come back (a quota window, a rate-limit reset). */
      retryAfterMs?: number;
    }
  /**
   * The call may have published (a timeout, a connection cut after sending): never retried
   * blindly; `status` or a human settles it.
   */
  | { state: 'unconfirmed'; reason: string };

/** What the platform says of a target's post when asked before any retry. */
export type LocateOutcome =
  | PublishOutcome
  /** The platform proves there is no such post: publishing it again cannot make a duplicate. */
  | { state: 'absent' };

/**
 * How an account of a platform Velvet only publishes to (no chat connector) is connected:
 * the form's schema, a `connect` that checks the credentials with the platform and returns
 * what is stored sealed, and the refresh of expiring tokens.
 */
export interface PublishAccountConnector {
  readonly connectsWith: 'credentials' | 'oauth';
  /** What the operator types; validated before anything is stored or called. */
  readonly credentialsSchema: z.ZodType<Record<string, unknown>>;
  /** Throws `CredentialsRejected` (shown at `credentials.<field>`) when the platform refuses them. */
  connect(credentials: Record<string, unknown>): Promise<ConnectResult>;
  /** Ends what `connect` opened on the platform side (a session), where it can. */
  disconnect?(credentials: StoredCredentials): Promise<void>;
  /** Tests that the stored credentials still work, changing nothing. */
  check?(credentials: StoredCredentials): Promise<ConnectionCheck>;
  tokens?: TokenRefresher;
  /** For `connectsWith: 'oauth'`: the redirect flow that replaces `connect`. */
  oauth?: OAuthFlow;
}

/**
 * What Velvet knows of publishing to a platform, whether or not its publisher exists yet:
 * declared in `platforms/<name>/<name>.post-rules.ts`, registered in `PUBLISH_PROFILES`,
 * served as data (all but `rules`) by `GET /api/platforms`.
 */
export interface PublishProfile {
  readonly platform: PublishPlatform;
  /** The platform's name as people write it. */
  readonly label: string;
  /** The full check of a post (kinds, text, media); it measures text with `text`. */
  readonly rules: PostRules;
  /** The text limits, as data the post editor counts from. */
  readonly text: PostTextRules;
  /** Whether a creator's plan may owe a reel/short there every day. */
  readonly dailyReel: boolean;
  /** A new creator's mix of kinds there (weights); a kind absent is not planned. */
  readonly defaultMix: Readonly<Partial<Record<PostKind, number>>>;
}

/** Postiz's taxonomy of platform errors, which decides what happens to the account. */
export type PublishErrorKind = 'refresh_token' | 'bad_body' | 'retry' | 'disconnect';

/** One target of a post: the account, and the content as that platform receives it. */
export interface PublishRequest {
  accountId: string;
  credentials: StoredCredentials;
  /** Stable across attempts: publishers that can tell the platform pass it as an idempotency key. */
  targetId: string;
  post: PostContent;
  /** Where the platform can fetch each medium when it pulls by URL (signed, expiring). */
  mediaUrls: readonly string[];
  /** The media bytes, for platforms that take uploads. */
  readMedia(index: number): Promise<Buffer>;
}

/**
 * What a platform without a key of Velvet's own on its posts (X) matches a post by: the content
 * sent, and the earliest time an attempt could have published it.
 */
export interface LocateHint {
  post: PostContent;
  since: Date;
}

export interface PostMetrics {
  likes: number;
  comments: number;
  shares: number;
  views: number;
  reach?: number;
  saves?: number;
}

export interface AccountMetrics {
  followers: number;
  /** ISO 3166 country code → followers, where the platform says. */
  geography?: Record<string, number>;
}

/** One trending topic as the platform names it. */
export interface Trend {
  /** As shown ("#Paris", "Europe"). */
  name: string;
  /** Posts about it in the last day, where the platform says. */
  volume?: number;
  /** Where the platform shows it. */
  url?: string;
}

export interface TrendsRequest {
  /** The account's credentials, for platforms that only answer a signed-in user. */
  credentials?: StoredCredentials;
  /** A place, as the platform numbers them (X: a WOEID; 1 is worldwide). */
  location?: number;
  limit: number;
}

/** A reply someone else wrote under one of the account's own posts. */
export interface PostReply {
  /** The reply's id on the platform (X: the post id; Bluesky: its at:// URI). */
  id: string;
  /** What liking it needs beside the id (Bluesky: the record's CID). */
  ref?: string;
  /** The remote id of the account's post it answers. */
  inReplyTo: string;
  authorId: string;
  authorName?: string;
  text: string;
  createdAt?: string;
}

export type LikeOutcome =
  | { state: 'liked' }
  /** Refused for a reason that another try will not change (the reply was deleted, no permission). */
  | { state: 'refused'; reason: string }
  /** Not now (a rate limit, a 5xx): `retryAt` when the platform said when. */
  | { state: 'later'; reason: string; retryAt?: number };

/**
 * What an official API allows an account to do with the replies to its own posts: read them,
 * and like them as the account. Platforms whose API offers no such thing leave it out.
 */
export interface ReplyInteractions {
  /** The replies to these posts of the account (remote ids), oldest first, at most `limit`. */
  replies(credentials: StoredCredentials, postIds: readonly string[], limit: number): Promise<PostReply[]>;
  like(credentials: StoredCredentials, reply: PostReply): Promise<LikeOutcome>;
}

/**
 * A platform Velvet publishes to. Everything that differs between platforms lives behind
 * this shape, in `platforms/<name>/`, beside the chat connector when the platform has one.
 */
export interface Publisher {
  readonly platform: PublishPlatform;
  /** The platform's rules for a post; no problem means it may be scheduled there. */
  readonly rules: PostRules;
  publish(request: PublishRequest): Promise<PublishOutcome>;
  /** Settles a `processing` or `unconfirmed` outcome by asking the platform. */
  status(credentials: StoredCredentials, remoteId: string): Promise<PublishOutcome>;
  /** A published post's counters now (cumulative); throws when the platform does not answer. */
  metrics?(credentials: StoredCredentials, remoteId: string): Promise<PostMetrics>;
  /** The account's followers now, and their countries where the platform gives them. */
  accountMetrics?(credentials: StoredCredentials): Promise<AccountMetrics>;
  /**
   * Finds the post of a target whose publication is `unconfirmed` (a crash or a timeout before
   * its id was known). Only an `absent` answer lets the engine publish again; without this
   * method an unconfirmed target waits for a human.
   */
  locate?(credentials: StoredCredentials, targetId: string, hint?: LocateHint): Promise<LocateOutcome>;
  /** For a platform without a chat connector: how its accounts connect. */
  readonly account?: PublishAccountConnector;
  /**
   * What people must know before posting there (TikTok's unaudited apps post privately), in
   * both languages: served by `GET /api/platforms`, shown on the accounts page, the post editor
   * and the calendar.
   */
  readonly notice?: { en: string; fr: string };
  /**
   * What is trending there, from the platform's official API. Throws a `PlatformError` when it
   * cannot answer (not configured, refused, unreachable).
   */
  trends?(request: TrendsRequest): Promise<Trend[]>;
  /** Where the platform's API lets the account like replies to its posts (X, Bluesky). */
  readonly interactions?: ReplyInteractions;
}

/** Every problem of a post for each of its target platforms; an empty list means it may be scheduled. */
export function targetProblems(
  post: PostContent,
  rules: ReadonlyMap<PublishPlatform, PostRules>,
  platforms: readonly PublishPlatform[],
): { platform: PublishPlatform; problems: PostProblem[] }[] {
  return platforms.map((platform) => {
    const check = rules.get(platform);
    return {
      platform,
      problems: check
        ? check(post)
        : [{ field: 'kind', message: `Velvet cannot publish to ${platform} yet` }],
    };
  });
}
