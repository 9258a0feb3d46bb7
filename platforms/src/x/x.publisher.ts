import { z } from 'zod';
import { postText, type PostContent } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import type { LocateHint, LocateOutcome, Publisher, PublishOutcome, PublishRequest } from '../publisher';
import { createXAccount, readXCredentials, type XStoredCredentials } from './x.account';
import { createXApi, xProblem, XLostAnswer, XUnreachable, type XAnswer } from './x.api';
import { uploadXMedia, XUploadFailed } from './x.media';
import { createXInteractions, xTrends } from './x.interactions';
import { xPostRules } from './x.post-rules';

export interface XPublisherOptions {
  apiRoot: string;
  authRoot: string;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /** The app-only bearer token (X_BEARER_TOKEN): trends by location are served to the app. */
  bearerToken?: string | undefined;
  /** Where a post is shown to people. */
  webUrl?: string;
  timeoutMs?: number;
  /** How a video's processing is waited for (tests make it instant). */
  sleep?: (ms: number) => Promise<void>;
}

/** How far before a target's due time its post is looked for (clocks differ). */
const LOCATE_MARGIN_MS = 10 * 60_000;
/** Pages of the timeline read when looking for a post (100 posts each). */
const LOCATE_PAGES = 3;

const created = z.object({ data: z.object({ id: z.string().min(1) }) });
const tweet = z.object({
  id: z.string(),
  text: z.string(),
  created_at: z.string().optional(),
  entities: z
    .object({ urls: z.array(z.object({ url: z.string(), media_key: z.string().optional() })).optional() })
    .optional(),
  attachments: z.object({ media_keys: z.array(z.string()).optional() }).optional(),
});
type Tweet = z.output<typeof tweet>;
const timeline = z.object({
  data: z.array(tweet).optional(),
  meta: z.object({ next_token: z.string().optional() }).optional(),
});
const oneTweet = z.object({
  data: tweet
    .extend({
      public_metrics: z
        .object({
          like_count: z.number(),
          reply_count: z.number(),
          retweet_count: z.number(),
          quote_count: z.number(),
          bookmark_count: z.number().optional(),
          impression_count: z.number().optional(),
        })
        .optional(),
    })
    .optional(),
  errors: z.array(z.object({ type: z.string().optional(), detail: z.string().optional() })).optional(),
});

/** Text as compared between what Velvet sent and what X shows: no links (X rewrites them), no entities. */
function comparable(text: string): string {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/https?:\/\/\S+/g, '')
    .normalize('NFC')
    .replace(/\s+/g, ' ')
    .trim();
}

function matches(found: Tweet, post: PostContent): boolean {
  const sent = postText(post);
  const links = (sent.match(/https?:\/\/\S+/g) ?? []).length;
  const shown = found.entities?.urls?.filter((u) => !u.media_key).length ?? 0;
  const media = found.attachments?.media_keys?.length ?? 0;
  return comparable(found.text) === comparable(sent) && media === post.media.length && shown === links;
}

/**
 * X API v2. X has no idempotency key and no field of Velvet's own on a post, so a target's
 * post is found again by its content: X refuses the same text twice (403 "duplicate
 * content"), which makes "this text, posted since the target was due" one post at most.
 * A publish call that was sent and got no answer, or a 5xx, is `unconfirmed`: only `locate`
 * (the account's recent posts) decides whether it is published or may be sent again.
 */
const userMetrics = z.object({
  data: z.object({ public_metrics: z.object({ followers_count: z.number().int().nonnegative() }) }),
});

export function createXPublisher(options: XPublisherOptions): Publisher {
  const web = (options.webUrl ?? 'https://x.com').replace(/\/+$/, '');
  const api = createXApi({
    apiRoot: options.apiRoot,
    authRoot: options.authRoot,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const urlOf = (username: string, id: string) => `${web}/${username}/status/${id}`;
  /** The last `x-rate-limit-*` reading of `POST /2/tweets`, per X user, in this process. */
  const postLimits = new Map<string, { remaining: number; resetAt: number }>();

  function remember(userId: string, answer: XAnswer) {
    if (answer.remaining !== undefined && answer.resetAt !== undefined)
      postLimits.set(userId, { remaining: answer.remaining, resetAt: answer.resetAt });
  }

  async function find(
    credentials: XStoredCredentials,
    post: PostContent,
    since: Date,
  ): Promise<LocateOutcome> {
    const start = new Date(Math.max(since.getTime(), Date.now() - 7 * 24 * 3600_000));
    let next: string | undefined;
    for (let page = 0; page < LOCATE_PAGES; page++) {
      const query = new URLSearchParams({
        max_results: '100',
        start_time: start.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        exclude: 'retweets,replies',
        'tweet.fields': 'created_at,entities,attachments',
        ...(next ? { pagination_token: next } : {}),
      });
      let answer: XAnswer;
      try {
        answer = await api.call(
          credentials.accessToken,
          'GET',
          `/2/users/${credentials.userId}/tweets?${query}`,
          'the recent posts',
        );
      } catch (error) {
        return {
          state: 'unconfirmed',
          reason: `X did not say whether the post is there: ${(error as Error).message}`,
        };
      }
      const body = answer.status === 200 ? timeline.safeParse(answer.body) : undefined;
      if (!body?.success)
        return {
          state: 'unconfirmed',
          reason: `X answered ${answer.status} when asked for the recent posts${xProblem(answer.body) ? `: ${xProblem(answer.body)}` : ''}`,
        };
      const mine = body.data.data?.find((t) => matches(t, post));
      if (mine) return { state: 'published', remoteId: mine.id, url: urlOf(credentials.username, mine.id) };
      next = body.data.meta?.next_token;
      if (!next) return { state: 'absent' };
    }
    return { state: 'unconfirmed', reason: 'Too many recent posts on X to tell whether this one is there' };
  }

  /** The media ids for the post, or why uploading stopped (nothing is posted yet either way). */
  async function upload(
    credentials: XStoredCredentials,
    request: PublishRequest,
  ): Promise<string[] | PublishOutcome> {
    const ids: string[] = [];
    try {
      for (const [index, item] of request.post.media.entries())
        ids.push(
          await uploadXMedia(
            api,
            credentials.accessToken,
            item,
            await request.readMedia(index),
            options.sleep,
          ),
        );
    } catch (error) {
      if (error instanceof XUploadFailed) {
        if (error.answer?.status === 401)
          return {
            state: 'failed',
            reason: 'X refused the access token',
            retry: true,
            kind: 'refresh_token',
          };
        return {
          state: 'failed',
          reason: error.message,
          retry: error.retry,
          kind: error.retry ? 'retry' : 'bad_body',
          ...(error.answer?.status === 429 && error.answer.resetAt ? { retryAt: error.answer.resetAt } : {}),
        };
      }
      // Lost or refused connections during an upload: no post exists yet, trying again is safe.
      return { state: 'failed', reason: (error as Error).message, retry: true, kind: 'retry' };
    }
    return ids;
  }

  /** The answer to `POST /2/tweets`, sorted: published, refused (why, and whether to retry), or unknown. */
  function outcomeOf(credentials: XStoredCredentials, answer: XAnswer): PublishOutcome {
    remember(credentials.userId, answer);
    const said = xProblem(answer.body);
    if (answer.status === 201 || answer.status === 200) {
      const body = created.safeParse(answer.body);
      return body.success
        ? {
            state: 'published',
            remoteId: body.data.data.id,
            url: urlOf(credentials.username, body.data.data.id),
          }
        : { state: 'unconfirmed', reason: 'X accepted the post without saying its id' };
    }
    if (answer.status === 403 && /duplicate/i.test(said))
      // Final, never sent again: the engine asks `locate` before any retry of its own, so this
      // is another post's text (or the creator's own) already on the account.
      return {
        state: 'failed',
        reason: 'X refuses to post the same text twice (duplicate content): change the text',
        retry: false,
        kind: 'bad_body',
      };
    if (answer.status === 401)
      return { state: 'failed', reason: 'X refused the access token', retry: true, kind: 'refresh_token' };
    if (answer.status === 429)
      return {
        state: 'failed',
        reason: `X's posting limit is reached${answer.resetAt ? ` until ${new Date(answer.resetAt).toISOString()}` : ''}`,
        retry: true,
        kind: 'retry',
        ...(answer.resetAt ? { retryAt: answer.resetAt } : {}),
      };
    if (answer.status >= 500)
      return { state: 'unconfirmed', reason: `X answered ${answer.status}: the post may be live` };
    if (answer.status === 403)
      return {
        state: 'failed',
        reason: `X refused the post: ${said || 'forbidden'}`,
        retry: false,
        kind: 'disconnect',
      };
    return {
      state: 'failed',
      reason: `X refused the post: ${said || `status ${answer.status}`}`,
      retry: false,
      kind: 'bad_body',
    };
  }

  return {
    platform: 'x',
    rules: xPostRules,
    account: createXAccount(api, { clientId: options.clientId }),
    trends: (request) => xTrends(api, options.bearerToken, request),
    interactions: createXInteractions(api),

    async publish(request: PublishRequest): Promise<PublishOutcome> {
      const credentials = readXCredentials(request.credentials);
      const limit = postLimits.get(credentials.userId);
      if (limit && limit.remaining === 0 && limit.resetAt > Date.now())
        return {
          state: 'failed',
          reason: `X's posting limit is reached until ${new Date(limit.resetAt).toISOString()}`,
          retry: true,
          kind: 'retry',
          retryAt: limit.resetAt,
        };
      const mediaIds = await upload(credentials, request);
      if (!Array.isArray(mediaIds)) return mediaIds;
      const text = postText(request.post);
      let answer: XAnswer;
      try {
        answer = await api.call(credentials.accessToken, 'POST', '/2/tweets', 'the post', {
          json: { ...(text ? { text } : {}), ...(mediaIds.length ? { media: { media_ids: mediaIds } } : {}) },
        });
      } catch (error) {
        if (error instanceof XUnreachable)
          return { state: 'failed', reason: error.message, retry: true, kind: 'retry' };
        if (error instanceof XLostAnswer) return { state: 'unconfirmed', reason: error.message };
        throw error;
      }
      return outcomeOf(credentials, answer);
    },

    async status(stored: StoredCredentials, remoteId: string): Promise<PublishOutcome> {
      const credentials = readXCredentials(stored);
      let answer: XAnswer;
      try {
        answer = await api.call(
          credentials.accessToken,
          'GET',
          `/2/tweets/${encodeURIComponent(remoteId)}`,
          'the post',
        );
      } catch (error) {
        return { state: 'unconfirmed', reason: (error as Error).message };
      }
      const body = answer.status === 200 ? oneTweet.safeParse(answer.body) : undefined;
      if (body?.success && body.data.data)
        return { state: 'published', remoteId, url: urlOf(credentials.username, remoteId) };
      if (body?.success && body.data.errors?.some((e) => /not-found/.test(e.type ?? '')))
        return { state: 'failed', reason: 'The post is no longer on X (deleted there)', retry: false };
      return { state: 'unconfirmed', reason: `X answered ${answer.status} about the post` };
    },

    async metrics(stored, remoteId) {
      const credentials = readXCredentials(stored);
      const answer = await api.call(
        credentials.accessToken,
        'GET',
        `/2/tweets/${encodeURIComponent(remoteId)}?tweet.fields=public_metrics`,
        'the post metrics',
      );
      const m =
        answer.status === 200 ? oneTweet.safeParse(answer.body).data?.data?.public_metrics : undefined;
      if (!m) throw new Error(`X answered ${answer.status} for the post metrics`);
      return {
        likes: m.like_count,
        comments: m.reply_count,
        shares: m.retweet_count + m.quote_count,
        views: m.impression_count ?? 0,
        ...(m.bookmark_count !== undefined ? { saves: m.bookmark_count } : {}),
      };
    },

    /** Followers from `GET /2/users/me?user.fields=public_metrics`; X gives no countries. */
    async accountMetrics(stored) {
      const credentials = readXCredentials(stored);
      const answer = await api.call(
        credentials.accessToken,
        'GET',
        '/2/users/me?user.fields=public_metrics',
        'the account metrics',
      );
      const followers =
        answer.status === 200
          ? userMetrics.safeParse(answer.body).data?.data.public_metrics.followers_count
          : undefined;
      if (followers === undefined) throw new Error(`X answered ${answer.status} for the account metrics`);
      return { followers };
    },

    async locate(stored: StoredCredentials, _targetId: string, hint?: LocateHint): Promise<LocateOutcome> {
      if (!hint)
        return { state: 'unconfirmed', reason: 'X posts are found by their content, which was not given' };
      return find(readXCredentials(stored), hint.post, new Date(hint.since.getTime() - LOCATE_MARGIN_MS));
    },
  };
}
