import { z } from 'zod';
import { PlatformError, postText, type PostContent } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import { killPoint } from '../kill-point';
import type {
  LocateHint,
  LocateOutcome,
  PostMetrics,
  Publisher,
  PublishOutcome,
  PublishRequest,
} from '../publisher';
import { createOnlyFansConnector } from './onlyfans.connector';
import { onlyfansPostRules } from './onlyfans.post-rules';
import type { OnlyFansProvider, ProviderCredentials, ProviderPost } from './onlyfans.provider';
import { createOnlyFansApiProvider } from './onlyfansapi.provider';

export interface OnlyFansPublisherOptions {
  /** ONLYFANS_API_ROOT: the provider's API, or a stand-in. */
  apiRoot: string;
  /** Another provider's adapter; OnlyFansAPI.com's by default. */
  provider?: OnlyFansProvider;
  timeoutMs?: number;
  /** Where a post is shown to people. */
  webUrl?: string;
}

/** How far before a target's due time its post is looked for (clocks differ). */
const LOCATE_MARGIN_MS = 10 * 60_000;
/** Posts asked for per page, and pages read, when looking for a post. */
const LOCATE_PAGE = 50;
const LOCATE_PAGES = 4;

const stored = z.object({
  apiKey: z.string().min(1),
  accountId: z.string().min(1),
  webhookSecret: z.string(),
});

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
};

/** Text as compared between what Velvet sent and what the provider lists: plain, spaces folded. */
function comparable(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

function matches(found: ProviderPost, post: PostContent): boolean {
  return comparable(found.text) === comparable(postText(post)) && found.mediaCount === post.media.length;
}

/**
 * OnlyFans posts, through the same provider (and the same stored credentials) as the OnlyFans
 * chat connector: no scraping, only the provider's documented API.
 *
 * - Media: each file's bytes are uploaded (`POST /media/upload`, form-data `file`) just before
 *   the post; upload ids work once, so a retry uploads again. No public address of the hub is
 *   needed.
 * - Scheduling: Velvet's engine keeps the schedule and publishes at the due time. The
 *   provider's `scheduledDate` (OnlyFans' own queue) is not used: a queued post could not be
 *   moved or cancelled from Velvet's calendar, and it would not be live (nor findable among the
 *   account's posts) when Velvet calls it published.
 * - Never twice: OnlyFans has no idempotency key. A post call that was sent and got no answer,
 *   or a 5xx, is `unconfirmed`; `locate` then reads the account's recent posts and matches the
 *   text and the number of media, posted since the target was due.
 * - Errors: a 429 is retried after the provider's `Retry-After`; a refused API key or an
 *   account the provider no longer knows fails the target with "reconnect" (API keys do not
 *   expire, so there is no token to refresh); other 4xx are the post's fault (shown, not
 *   retried); an unreachable provider before anything was sent is retried, never a disconnect.
 */
export function createOnlyFansPublisher(options: OnlyFansPublisherOptions): Publisher {
  const web = (options.webUrl ?? 'https://onlyfans.com').replace(/\/+$/, '');
  const provider =
    options.provider ??
    createOnlyFansApiProvider({
      apiRoot: options.apiRoot,
      ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
    });
  // The chat connector's own connect and check: an OnlyFans account is one account for both.
  const connector = createOnlyFansConnector({ apiRoot: options.apiRoot, provider });

  /** OnlyFans shows a post at `onlyfans.com/{post id}/{username}`. */
  const urlOf = (post: ProviderPost) =>
    post.username
      ? `${web}/${encodeURIComponent(post.id)}/${encodeURIComponent(post.username)}`
      : `${web}/${encodeURIComponent(post.id)}`;
  const published = (post: ProviderPost): PublishOutcome => ({
    state: 'published',
    remoteId: post.id,
    url: urlOf(post),
  });

  function credentialsOf(credentials: StoredCredentials): ProviderCredentials | undefined {
    return stored.safeParse(credentials).data;
  }

  /**
   * A provider error, sorted. `sent`: the post call may have reached OnlyFans, so a lost answer
   * or a 5xx leaves the outcome unknown; before it (uploads), nothing is live and a retry is safe.
   */
  function outcomeOfError(error: unknown, sent: boolean): PublishOutcome {
    const reason = error instanceof Error ? error.message : String(error);
    if (!(error instanceof PlatformError))
      return sent
        ? { state: 'unconfirmed', reason }
        : { state: 'failed', reason, retry: true, kind: 'retry' };
    switch (error.code) {
      case 'rate_limited':
        return {
          state: 'failed',
          reason,
          retry: true,
          kind: 'retry',
          ...(error.retryAfterMs ? { retryAfterMs: error.retryAfterMs } : {}),
        };
      case 'invalid_token':
        return {
          state: 'failed',
          reason: `The OnlyFans provider refused the API key: reconnect the account (${reason})`,
          retry: false,
          kind: 'disconnect',
        };
      case 'chat_not_found':
        return {
          state: 'failed',
          reason: `The OnlyFans provider no longer knows this account: reconnect it (${reason})`,
          retry: false,
          kind: 'disconnect',
        };
      case 'network':
        // Never connected: nothing was sent, and a blip is no reason to disconnect anything.
        return { state: 'failed', reason, retry: true, kind: 'retry' };
      case 'rejected':
        return {
          state: 'failed',
          reason: `OnlyFans refused the post: ${reason}`,
          retry: false,
          kind: 'bad_body',
        };
      default:
        // A lost answer, a 5xx, an answer without an id.
        return sent
          ? { state: 'unconfirmed', reason }
          : { state: 'failed', reason, retry: true, kind: 'retry' };
    }
  }

  async function find(
    credentials: ProviderCredentials,
    post: PostContent,
    since: Date,
  ): Promise<LocateOutcome> {
    for (let page = 0; page < LOCATE_PAGES; page++) {
      let listed: { posts: ProviderPost[]; hasMore: boolean };
      try {
        listed = await provider.listPosts(credentials, { limit: LOCATE_PAGE, offset: page * LOCATE_PAGE });
      } catch (error) {
        return {
          state: 'unconfirmed',
          reason: `The OnlyFans provider did not say whether the post is there: ${(error as Error).message}`,
        };
      }
      // A post older than the due time (minus the clock margin) cannot be this target's.
      const mine = listed.posts.find((p) => !(p.postedAt && p.postedAt < since) && matches(p, post));
      if (mine) return published(mine);
      // Newest first: past the due time, older posts cannot be this target's.
      const older = listed.posts.some((p) => p.postedAt && p.postedAt < since);
      if (older || !listed.hasMore) return { state: 'absent' };
    }
    return {
      state: 'unconfirmed',
      reason: 'Too many recent OnlyFans posts to tell whether this one is there',
    };
  }

  return {
    platform: 'onlyfans',
    rules: onlyfansPostRules,
    account: {
      connectsWith: connector.connectsWith,
      credentialsSchema: connector.credentialsSchema,
      connect: (credentials) => connector.connect(credentials),
      check: (credentials) => connector.check(credentials),
      disconnect: () => connector.disconnect(),
    },

    async publish(request: PublishRequest): Promise<PublishOutcome> {
      const credentials = credentialsOf(request.credentials);
      if (!credentials)
        return {
          state: 'failed',
          reason: 'The stored OnlyFans credentials are unusable: reconnect the account',
          retry: false,
          kind: 'disconnect',
        };
      const media: string[] = [];
      try {
        for (const [index, item] of request.post.media.entries()) {
          const bytes = await request.readMedia(index);
          const name = `velvet-${index + 1}.${EXTENSIONS[item.mime] ?? 'bin'}`;
          media.push(await provider.uploadFile(credentials, { bytes, name, mime: item.mime }));
        }
      } catch (error) {
        return outcomeOfError(error, false);
      }
      killPoint('onlyfans:after-upload');
      try {
        const created = await provider.createPost(credentials, { text: postText(request.post), media });
        return published(created);
      } catch (error) {
        return outcomeOfError(error, true);
      }
    },

    async status(credentials: StoredCredentials, remoteId: string): Promise<PublishOutcome> {
      const parsed = credentialsOf(credentials);
      if (!parsed) return { state: 'unconfirmed', reason: 'The stored OnlyFans credentials are unusable' };
      try {
        const post = await provider.getPost(parsed, remoteId);
        if (!post)
          return {
            state: 'failed',
            reason: 'The post is no longer on OnlyFans (deleted there)',
            retry: false,
          };
        return published(post);
      } catch (error) {
        return { state: 'unconfirmed', reason: (error as Error).message };
      }
    },

    /** Likes and comments as the provider counts them; it gives no views or shares per post. */
    async metrics(credentials: StoredCredentials, remoteId: string): Promise<PostMetrics> {
      const parsed = credentialsOf(credentials);
      if (!parsed) throw new Error('The stored OnlyFans credentials are unusable');
      const post = await provider.getPost(parsed, remoteId);
      if (!post) throw new Error('The post is no longer on OnlyFans');
      return { likes: post.likes ?? 0, comments: post.comments ?? 0, shares: 0, views: 0 };
    },

    async locate(
      credentials: StoredCredentials,
      _targetId: string,
      hint?: LocateHint,
    ): Promise<LocateOutcome> {
      const parsed = credentialsOf(credentials);
      if (!parsed) return { state: 'unconfirmed', reason: 'The stored OnlyFans credentials are unusable' };
      if (!hint)
        return {
          state: 'unconfirmed',
          reason: 'OnlyFans posts are found by their content, which was not given',
        };
      return find(parsed, hint.post, new Date(hint.since.getTime() - LOCATE_MARGIN_MS));
    },
  };
}
