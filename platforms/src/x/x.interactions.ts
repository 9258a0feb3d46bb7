import { PlatformError } from '@velvet/shared';
import { z } from 'zod';
import type { StoredCredentials } from '../connector';
import type { LikeOutcome, PostReply, ReplyInteractions, Trend, TrendsRequest } from '../publisher';
import { readXCredentials } from './x.account';
import { xProblem, type XAnswer, type XApi } from './x.api';

/** `GET /2/trends/by/woeid/:woeid`: `{data: [{trend_name, tweet_count?}]}`. */
const trendsAnswer = z.object({
  data: z
    .array(
      z.object({ trend_name: z.string().min(1), tweet_count: z.number().int().nonnegative().optional() }),
    )
    .optional(),
});

/** `GET /2/tweets/search/recent` with the reply fields asked for. */
const searchAnswer = z.object({
  data: z
    .array(
      z.object({
        id: z.string().min(1),
        text: z.string(),
        author_id: z.string().min(1),
        conversation_id: z.string().min(1),
        created_at: z.string().optional(),
      }),
    )
    .optional(),
  meta: z.object({ result_count: z.number().optional(), next_token: z.string().optional() }).optional(),
});

const likeAnswer = z.object({ data: z.object({ liked: z.boolean() }) });

/** How long until X's window reopens, when its headers said. */
const waitFor = (answer: XAnswer) =>
  answer.resetAt !== undefined ? Math.max(0, answer.resetAt - Date.now()) : undefined;

/** Conversations asked about in one search (the query stays well under X's 512 characters). */
const IDS_PER_QUERY = 10;

/** X's trends, parsed: names kept as X writes them, the volume where X gives one. */
export function parseXTrends(body: unknown, limit: number, web = 'https://x.com'): Trend[] {
  const parsed = trendsAnswer.safeParse(body);
  if (!parsed.success) throw new PlatformError('X answered the trends with an unexpected body', 'retryable');
  return (parsed.data.data ?? []).slice(0, limit).map((t) => ({
    name: t.trend_name,
    ...(t.tweet_count !== undefined ? { volume: t.tweet_count } : {}),
    url: `${web}/search?q=${encodeURIComponent(t.trend_name)}`,
  }));
}

/**
 * Trends by location. X serves them to the app (app-only bearer token, X_BEARER_TOKEN), 75
 * calls per 15 minutes; without that token X cannot be asked, and the error says so.
 */
export async function xTrends(
  api: XApi,
  bearer: string | undefined,
  request: TrendsRequest,
): Promise<Trend[]> {
  if (!bearer)
    throw new PlatformError(
      'X trends need the app’s bearer token (X_BEARER_TOKEN)',
      'permanent',
      undefined,
      'not_configured',
    );
  const woeid = request.location ?? 1;
  const answer = await api.call(bearer, 'GET', `/2/trends/by/woeid/${woeid}`, 'the trends');
  if (answer.status === 429)
    throw new PlatformError('X’s trends limit is reached', 'retryable', waitFor(answer), 'rate_limited');
  if (answer.status !== 200)
    throw new PlatformError(
      `X answered ${answer.status} to the trends${xProblem(answer.body) ? `: ${xProblem(answer.body)}` : ''}`,
      answer.status >= 500 ? 'retryable' : 'permanent',
    );
  return parseXTrends(answer.body, request.limit);
}

/**
 * Replies to the account's posts (recent search, `conversation_id:`, the last 7 days X keeps
 * there) and likes as the account (`POST /2/users/:id/likes`, 50 per 15 minutes, scope
 * `like.write`).
 */
export function createXInteractions(api: XApi): ReplyInteractions {
  return {
    async replies(
      stored: StoredCredentials,
      postIds: readonly string[],
      limit: number,
    ): Promise<PostReply[]> {
      const credentials = readXCredentials(stored);
      const found: PostReply[] = [];
      for (let i = 0; i < postIds.length && found.length < limit; i += IDS_PER_QUERY) {
        const ids = postIds.slice(i, i + IDS_PER_QUERY).filter((id) => /^\d{1,19}$/.test(id));
        if (ids.length === 0) continue;
        const query = new URLSearchParams({
          query: `(${ids.map((id) => `conversation_id:${id}`).join(' OR ')}) is:reply -from:${credentials.userId}`,
          max_results: '100',
          'tweet.fields': 'author_id,conversation_id,created_at,in_reply_to_user_id',
        });
        const answer: XAnswer = await api.call(
          credentials.accessToken,
          'GET',
          `/2/tweets/search/recent?${query}`,
          'the replies',
        );
        if (answer.status === 429)
          throw new PlatformError(
            'X’s search limit is reached',
            'retryable',
            waitFor(answer),
            'rate_limited',
          );
        if (answer.status !== 200)
          throw new PlatformError(
            `X answered ${answer.status} to the replies search${xProblem(answer.body) ? `: ${xProblem(answer.body)}` : ''}`,
            answer.status >= 500 || answer.status === 401 ? 'retryable' : 'permanent',
          );
        const body = searchAnswer.safeParse(answer.body);
        if (!body.success)
          throw new PlatformError('X answered the search with an unexpected body', 'retryable');
        for (const t of body.data.data ?? [])
          if (t.author_id !== credentials.userId)
            found.push({
              id: t.id,
              inReplyTo: t.conversation_id,
              authorId: t.author_id,
              text: t.text,
              ...(t.created_at ? { createdAt: t.created_at } : {}),
            });
      }
      // X answers newest first; the oldest replies are liked first.
      return found.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1)).slice(0, limit);
    },

    async like(stored: StoredCredentials, reply: PostReply): Promise<LikeOutcome> {
      const credentials = readXCredentials(stored);
      const answer = await api.call(
        credentials.accessToken,
        'POST',
        `/2/users/${encodeURIComponent(credentials.userId)}/likes`,
        'the like',
        { json: { tweet_id: reply.id } },
      );
      if (answer.status === 200 && likeAnswer.safeParse(answer.body).data?.data.liked)
        return { state: 'liked' };
      const said = xProblem(answer.body);
      if (answer.status === 429 || answer.status >= 500 || answer.status === 401)
        return {
          state: 'later',
          reason: `X answered ${answer.status} to the like${said ? `: ${said}` : ''}`,
          ...(answer.resetAt ? { retryAt: answer.resetAt } : {}),
        };
      if (answer.status === 403)
        return {
          state: 'refused',
          reason: `X refused the like${said ? `: ${said}` : ''} (reconnect the account to grant like.write)`,
        };
      return {
        state: 'refused',
        reason: `X answered ${answer.status} to the like${said ? `: ${said}` : ''}`,
      };
    },
  };
}
