import { PlatformError } from '@velvet/shared';
import { z } from 'zod';
import type { StoredCredentials } from '../connector';
import type {
  AccountMetrics,
  LikeOutcome,
  PostMetrics,
  PostReply,
  ReplyInteractions,
  Trend,
  TrendsRequest,
} from '../publisher';
import { readSession, sessionAgent, xrpcFailure } from './bluesky.session';
import { recordKeyFor } from './bluesky.tid';

/*
 * What Bluesky's AppView serves (not the PDS): trending topics and post threads, both public
 * XRPC queries (`public.api.bsky.app` answers them without a session). Likes are records the
 * account writes in its own repository on its PDS.
 */

const LIKE = 'app.bsky.feed.like';

/** `app.bsky.unspecced.defs#trendingTopic`. */
const trendingTopic = z.object({
  topic: z.string().min(1),
  displayName: z.string().optional(),
  description: z.string().optional(),
  link: z.string(),
});
/** `app.bsky.unspecced.getTrendingTopics` output: `{topics, suggested}`. */
const trendingTopics = z.object({
  topics: z.array(trendingTopic),
  suggested: z.array(trendingTopic).optional(),
});

const postView = z.object({
  uri: z.string().startsWith('at://'),
  cid: z.string().min(1),
  author: z.object({ did: z.string().min(1), handle: z.string().optional() }),
  record: z.object({ text: z.string().optional(), createdAt: z.string().optional() }).passthrough(),
});
const threadPost = z.object({
  $type: z.literal('app.bsky.feed.defs#threadViewPost').optional(),
  post: postView,
  replies: z.array(z.unknown()).optional(),
});
/** `app.bsky.feed.getPostThread` output; the thread may be `#notFoundPost` or `#blockedPost`. */
const postThread = z.object({ thread: z.unknown() });

/** Trending topics as the AppView names them, each linked on the web app. */
export function parseBlueskyTrends(body: unknown, limit: number, web = 'https://bsky.app'): Trend[] {
  const parsed = trendingTopics.safeParse(body);
  if (!parsed.success)
    throw new PlatformError('Bluesky answered the trending topics with an unexpected body', 'retryable');
  return parsed.data.topics.slice(0, limit).map((t) => ({
    name: t.displayName ?? t.topic,
    url: /^https?:\/\//.test(t.link) ? t.link : `${web}${t.link.startsWith('/') ? '' : '/'}${t.link}`,
  }));
}

/** The direct replies under a thread, from other accounts than `self`. */
export function parseBlueskyReplies(body: unknown, self: string): PostReply[] {
  const parsed = postThread.safeParse(body);
  const root = parsed.success ? threadPost.safeParse(parsed.data.thread) : undefined;
  if (!root?.success) return [];
  const replies: PostReply[] = [];
  for (const raw of root.data.replies ?? []) {
    const reply = threadPost.safeParse(raw);
    if (!reply.success || reply.data.post.author.did === self) continue;
    const post = reply.data.post;
    replies.push({
      id: post.uri,
      ref: post.cid,
      inReplyTo: root.data.post.uri,
      authorId: post.author.did,
      ...(post.author.handle ? { authorName: `@${post.author.handle}` } : {}),
      text: post.record.text ?? '',
      ...(post.record.createdAt ? { createdAt: post.record.createdAt } : {}),
    });
  }
  return replies;
}

async function appViewQuery(root: string, nsid: string, params: Record<string, string>, what: string) {
  const url = `${root.replace(/\/+$/, '')}/xrpc/${nsid}?${new URLSearchParams(params)}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new PlatformError(
      `Bluesky could not be reached for ${what}: ${(error as Error).message}`,
      'retryable',
    );
  }
  const body = (await response.json().catch(() => undefined)) as unknown;
  if (response.status === 429) {
    const reset = Number(response.headers.get('ratelimit-reset'));
    throw new PlatformError(
      `Bluesky’s limit is reached for ${what}`,
      'retryable',
      Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - Date.now()) : undefined,
      'rate_limited',
    );
  }
  if (!response.ok) {
    const said = (body as { message?: unknown } | undefined)?.message;
    throw new PlatformError(
      `Bluesky answered ${response.status} to ${what}${typeof said === 'string' ? `: ${said.slice(0, 200)}` : ''}`,
      response.status >= 500 ? 'retryable' : 'permanent',
    );
  }
  return body;
}

const postCounts = z.object({
  posts: z.array(
    z.object({
      uri: z.string(),
      likeCount: z.number().int().nonnegative().optional(),
      repostCount: z.number().int().nonnegative().optional(),
      replyCount: z.number().int().nonnegative().optional(),
      quoteCount: z.number().int().nonnegative().optional(),
    }),
  ),
});

/**
 * A post's counters from the AppView (`app.bsky.feed.getPosts`, its `#postView`): likes,
 * replies as comments, reposts and quotes as shares. Bluesky counts no views.
 */
export function parseBlueskyPostMetrics(body: unknown, uri: string): PostMetrics {
  const parsed = postCounts.safeParse(body);
  if (!parsed.success) throw new PlatformError('Bluesky answered an unexpected body for a post', 'retryable');
  const post = parsed.data.posts.find((p) => p.uri === uri);
  if (!post) throw new PlatformError('The post is no longer on Bluesky (deleted there)', 'permanent');
  return {
    likes: post.likeCount ?? 0,
    comments: post.replyCount ?? 0,
    shares: (post.repostCount ?? 0) + (post.quoteCount ?? 0),
    views: 0,
  };
}

export async function blueskyPostMetrics(appView: string, uri: string): Promise<PostMetrics> {
  const body = await appViewQuery(appView, 'app.bsky.feed.getPosts', { uris: uri }, 'a post’s counters');
  return parseBlueskyPostMetrics(body, uri);
}

/** The account's followers from its profile (`app.bsky.actor.getProfile`); no countries. */
export async function blueskyAccountMetrics(
  appView: string,
  credentials: StoredCredentials,
): Promise<AccountMetrics> {
  const { did } = readSession(credentials);
  const body = await appViewQuery(appView, 'app.bsky.actor.getProfile', { actor: did }, 'the profile');
  const parsed = z.object({ followersCount: z.number().int().nonnegative().optional() }).safeParse(body);
  if (!parsed.success) throw new PlatformError('Bluesky answered an unexpected profile', 'retryable');
  return { followers: parsed.data.followersCount ?? 0 };
}

export function blueskyTrends(appView: string, request: TrendsRequest): Promise<Trend[]> {
  return appViewQuery(
    appView,
    'app.bsky.unspecced.getTrendingTopics',
    { limit: String(Math.min(25, request.limit)) },
    'the trending topics',
  ).then((body) => parseBlueskyTrends(body, request.limit));
}

/**
 * Replies read from the AppView's thread of each post (`getPostThread`, depth 1); a like is an
 * `app.bsky.feed.like` record under a key derived from the reply's URI, so liking one reply
 * twice is impossible: the second write finds the key taken.
 */
export function createBlueskyInteractions(options: { service: string; appView: string }): ReplyInteractions {
  return {
    async replies(stored: StoredCredentials, postIds: readonly string[], limit: number) {
      const session = readSession(stored);
      const found: PostReply[] = [];
      for (const uri of postIds) {
        if (found.length >= limit) break;
        if (!uri.startsWith(`at://${session.did}/`)) continue;
        const body = await appViewQuery(
          options.appView,
          'app.bsky.feed.getPostThread',
          { uri, depth: '1', parentHeight: '0' },
          'the replies',
        ).catch((error: unknown) => {
          // A post deleted since: no thread, nothing to like.
          if (error instanceof PlatformError && /NotFound|400/.test(error.message)) return undefined;
          throw error;
        });
        found.push(...parseBlueskyReplies(body, session.did));
      }
      return found
        .sort((a, b) => Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? '') || 0)
        .slice(0, limit);
    },

    async like(stored: StoredCredentials, reply: PostReply): Promise<LikeOutcome> {
      const session = readSession(stored);
      if (!reply.ref) return { state: 'refused', reason: 'The reply’s CID is unknown' };
      const agent = await sessionAgent(options.service, session);
      try {
        await agent.com.atproto.repo.createRecord({
          repo: session.did,
          collection: LIKE,
          rkey: recordKeyFor(`like:${reply.id}`),
          record: {
            $type: LIKE,
            subject: { uri: reply.id, cid: reply.ref },
            createdAt: new Date().toISOString(),
          },
        });
        return { state: 'liked' };
      } catch (error) {
        const failure = xrpcFailure(error);
        // Written before (a retry after a lost answer): the key proves it is this like.
        if (failure?.status === 400 && /already exists/i.test(failure.message)) return { state: 'liked' };
        if (!failure || failure.status >= 500 || failure.status === 429 || failure.status === 401)
          return {
            state: 'later',
            reason: `Bluesky did not take the like: ${failure?.message ?? String(error)}`,
          };
        return { state: 'refused', reason: `Bluesky refused the like: ${failure.message || failure.error}` };
      }
    },
  };
}
