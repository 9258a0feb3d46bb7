import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, growingCounts, readBody, redeemPkceCode, sleep } from '../standin-kit';

/*
 * A local stand-in for X API v2, speaking its documented wire format: the OAuth 2.0 consent
 * page and token endpoint (PKCE S256, rotating refresh tokens, 400 `invalid_request` for a used
 * one), `/2/users/me`, `POST /2/tweets` (201 `{data:{id,text}}`, 403 "duplicate content"),
 * media upload v2 (initialize / append / finalize / STATUS, video processing), the user's
 * recent posts as X shows them (links rewritten to t.co, `&` escaped, a media link appended),
 * `x-rate-limit-*` headers on every answer, trends by WOEID (app-only bearer), recent search
 * of replies (`conversation_id:`, `is:reply`, `-from:`), likes (`POST /2/users/:id/likes`,
 * scope `like.write`, 50 per 15 minutes), and faults on demand.
 */

export type XRoute =
  'token' | 'tweets' | 'timeline' | 'media' | 'me' | 'lookup' | 'trends' | 'search' | 'likes';

export type XFault =
  /** Answer this status (X's problem body) without acting. */
  | { status: number; detail?: string; resetInS?: number }
  /** Act (create the post, rotate the token), then cut the connection before answering. */
  | { processThenDrop: true }
  /** Wait before acting and answering. */
  | { delayMs: number };

export interface XStandinPost {
  id: string;
  authorId: string;
  text: string;
  mediaIds: string[];
  createdAt: string;
  /** A reply: the root post of its conversation and whom it answers. */
  conversationId?: string;
  inReplyToUserId?: string;
}

export interface XStandinMedia {
  id: string;
  type: string;
  category: string;
  totalBytes: number;
  bytes: Buffer;
  state: 'uploading' | 'pending' | 'in_progress' | 'succeeded' | 'failed';
  polls: number;
  alt?: string;
}

export interface XStandinOptions {
  clientId: string;
  /** Set for a confidential client (HTTP Basic at the token endpoint). */
  clientSecret?: string;
  /** The account that consents. */
  user?: { id: string; username: string };
  /** Access token lifetime, seconds (X: 7200). */
  accessTtlS?: number;
  /** `POST /2/tweets` allowed per 15-minute window for the user. */
  postsPerWindow?: number;
  /** STATUS polls before a video is processed. */
  videoPolls?: number;
  /** The app-only bearer token that `GET /2/trends/by/woeid/:woeid` accepts. */
  appBearer?: string;
  /** Trends by WOEID, as `{trend_name, tweet_count}`. */
  trends?: Record<number, { trend_name: string; tweet_count?: number }[]>;
  /** `POST /2/users/:id/likes` allowed per 15-minute window for the user (X: 50). */
  likesPerWindow?: number;
}

export interface XStandin {
  /** X_API_ROOT and X_AUTH_ROOT. */
  apiRoot: string;
  authRoot: string;
  user: { id: string; username: string };
  posts: XStandinPost[];
  media: XStandinMedia[];
  /** Every token and code handed out (they must never show in Velvet's answers or logs). */
  issued: string[];
  refreshes: { token: string; refused: boolean }[];
  calls: { route: string; method: string; path: string; at: number }[];
  /** Posts the user liked, by id, in the order the likes were asked (a repeat shows twice). */
  likes: string[];
  /** Someone else replies to a post; returns the reply. */
  reply(to: string, from: { id: string; username: string }, text: string): XStandinPost;
  failNext(route: XRoute, fault: XFault, times?: number): void;
  /** The user revokes the app: every token dies. */
  revokeAll(): void;
  /** Expire every access token now (the next call answers 401). */
  expireAccess(): void;
  close(): Promise<void>;
}

const b64url = (buf: Buffer) => buf.toString('base64url');

export async function startXStandin(options: XStandinOptions): Promise<XStandin> {
  const user = options.user ?? { id: '1460000000000000001', username: 'lina_x' };
  const posts: XStandinPost[] = [];
  const media: XStandinMedia[] = [];
  const issued: string[] = [];
  const refreshes: { token: string; refused: boolean }[] = [];
  const calls: XStandin['calls'] = [];
  const likes: string[] = [];
  const likeWindow = { start: Date.now(), used: 0 };
  const faults: { route: XRoute; fault: XFault }[] = [];
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const access = new Map<string, { expiresAt: number; scope: string }>();
  const refreshTokens = new Map<string, { live: boolean; scope: string }>();
  const window = { start: Date.now(), used: 0 };
  const windowMs = 15 * 60_000;
  let nextId = 1_860_000_000_000_000_000n;
  const newId = () => String((nextId += 1_000_003n));

  const takeFault = (route: XRoute) => {
    const index = faults.findIndex((f) => f.route === route);
    return index >= 0 ? faults.splice(index, 1)[0]!.fault : undefined;
  };

  function limitHeaders(limit: number, remaining: number, resetAtMs: number): Record<string, string> {
    return {
      'x-rate-limit-limit': String(limit),
      'x-rate-limit-remaining': String(Math.max(0, remaining)),
      'x-rate-limit-reset': String(Math.ceil(resetAtMs / 1000)),
    };
  }

  function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    const payload = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, {
      ...(payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
      ...limitHeaders(900, 899, Date.now() + windowMs),
      ...headers,
    });
    res.end(payload);
  }
  const problem = (
    res: ServerResponse,
    status: number,
    title: string,
    detail: string,
    headers?: Record<string, string>,
  ) => reply(res, status, { title, detail, type: 'about:blank', status }, headers);

  function issue(scope: string) {
    const token = `xat_${b64url(randomBytes(24))}`;
    const refresh = `xrt_${b64url(randomBytes(24))}`;
    const ttl = options.accessTtlS ?? 7200;
    access.set(token, { expiresAt: Date.now() + ttl * 1000, scope });
    refreshTokens.set(refresh, { live: true, scope });
    issued.push(token, refresh);
    return { token_type: 'bearer', expires_in: ttl, access_token: token, scope, refresh_token: refresh };
  }

  /** X's rendering of a post's text: links to t.co, `&<>` escaped, and a link to the media. */
  function shown(post: XStandinPost) {
    const urls: { url: string; expanded_url: string; display_url: string; media_key?: string }[] = [];
    let text = post.text.replace(/https?:\/\/\S+/g, (link) => {
      const url = `https://t.co/${b64url(createHash('sha256').update(link).digest()).slice(0, 10)}`;
      urls.push({ url, expanded_url: link, display_url: link.replace(/^https?:\/\//, '').slice(0, 25) });
      return url;
    });
    text = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    if (post.mediaIds.length) {
      const url = `https://t.co/m${post.id.slice(-9)}`;
      urls.push({
        url,
        expanded_url: `https://x.com/${user.username}/status/${post.id}/photo/1`,
        display_url: 'pic.x.com/media',
        media_key: `3_${post.mediaIds[0]}`,
      });
      text = text ? `${text} ${url}` : url;
    }
    return {
      id: post.id,
      text,
      created_at: post.createdAt,
      edit_history_tweet_ids: [post.id],
      ...(urls.length ? { entities: { urls } } : {}),
      ...(post.mediaIds.length ? { attachments: { media_keys: post.mediaIds.map((m) => `3_${m}`) } } : {}),
    };
  }

  function bearer(req: IncomingMessage, res: ServerResponse): { scope: string } | undefined {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const grant = access.get(token);
    if (!grant || grant.expiresAt <= Date.now()) {
      problem(res, 401, 'Unauthorized', 'Unauthorized');
      return undefined;
    }
    return grant;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const raw = await readBody(req);
    const path = url.pathname;
    calls.push({ route: path, method: req.method ?? '', path: url.pathname + url.search, at: Date.now() });

    if (path === '/i/oauth2/authorize' && req.method === 'GET') {
      const q = url.searchParams;
      if (q.get('client_id') !== options.clientId) return reply(res, 400, { error: 'invalid_client' });
      if (
        q.get('response_type') !== 'code' ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge')
      )
        return reply(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 is required' });
      const redirect = new URL(q.get('redirect_uri') ?? '');
      if (q.get('deny') === '1') redirect.searchParams.set('error', 'access_denied');
      else {
        const code = b64url(randomBytes(30));
        codes.set(code, {
          challenge: q.get('code_challenge')!,
          redirectUri: q.get('redirect_uri')!,
          scope: q.get('scope') ?? '',
        });
        issued.push(code);
        redirect.searchParams.set('code', code);
      }
      redirect.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: redirect.toString() });
      return void res.end();
    }

    if (path === '/2/oauth2/token' && req.method === 'POST') {
      const form = new URLSearchParams(raw.toString('utf8'));
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = basic
        ? Buffer.from(basic, 'base64').toString().split(':').map(decodeURIComponent)
        : [form.get('client_id') ?? '', undefined];
      if (id !== options.clientId || (options.clientSecret !== undefined && secret !== options.clientSecret))
        return reply(res, 401, {
          error: 'unauthorized_client',
          error_description: 'Missing valid authorization header',
        });
      const fault = takeFault('token');
      if (fault && 'status' in fault)
        return problem(res, fault.status, 'Service Unavailable', fault.detail ?? 'Service Unavailable');
      if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
      let answer: { status: number; body: unknown };
      if (form.get('grant_type') === 'authorization_code') {
        const code = redeemPkceCode(codes, form);
        answer = !code
          ? {
              status: 400,
              body: {
                error: 'invalid_request',
                error_description: 'Value passed for the authorization code was invalid.',
              },
            }
          : { status: 200, body: issue(code.scope) };
      } else if (form.get('grant_type') === 'refresh_token') {
        const token = form.get('refresh_token') ?? '';
        const held = refreshTokens.get(token);
        const usable = held?.live === true;
        refreshes.push({ token, refused: !usable });
        // Rotation: a refresh token works once.
        if (held) held.live = false;
        answer = usable
          ? { status: 200, body: issue(held!.scope) }
          : {
              status: 400,
              body: {
                error: 'invalid_request',
                error_description: 'Value passed for the token was invalid.',
              },
            };
      } else answer = { status: 400, body: { error: 'unsupported_grant_type' } };
      if (fault && 'processThenDrop' in fault) return void req.socket.destroy();
      return reply(res, answer.status, answer.body);
    }

    if (path === '/2/oauth2/revoke' && req.method === 'POST') {
      const token = new URLSearchParams(raw.toString('utf8')).get('token') ?? '';
      const held = refreshTokens.get(token);
      if (held) held.live = false;
      access.delete(token);
      return reply(res, 200, { revoked: true });
    }

    const trendsOf = /^\/2\/trends\/by\/woeid\/([^/]+)$/.exec(path);
    if (trendsOf && req.method === 'GET') {
      // App-only: the app's bearer token, not a user's.
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!options.appBearer || token !== options.appBearer)
        return problem(res, 401, 'Unauthorized', 'Unauthorized');
      const fault = takeFault('trends');
      if (fault && 'status' in fault)
        return problem(
          res,
          fault.status,
          fault.status === 429 ? 'Too Many Requests' : 'Error',
          fault.detail ?? 'Error',
        );
      if (!/^\d+$/.test(trendsOf[1]!))
        return reply(res, 400, {
          errors: [{ message: `The \`woeid\` path parameter value [${trendsOf[1]}] is not valid` }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      const list = options.trends?.[Number(trendsOf[1])] ?? [];
      return reply(res, 200, { data: list }, limitHeaders(75, 74, Date.now() + windowMs));
    }

    const grant = bearer(req, res);
    if (!grant) return;

    if (path === '/2/tweets/search/recent' && req.method === 'GET') {
      const fault = takeFault('search');
      if (fault && 'status' in fault)
        return problem(
          res,
          fault.status,
          fault.status === 429 ? 'Too Many Requests' : 'Error',
          fault.detail ?? 'Error',
        );
      const query = url.searchParams.get('query') ?? '';
      if (!query || query.length > 512)
        return reply(res, 400, {
          errors: [{ message: 'Invalid query' }],
          title: 'Invalid Request',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      // The operators Velvet uses: conversation_id:, is:reply, -from:.
      const conversations = [...query.matchAll(/conversation_id:(\d+)/g)].map((m) => m[1]!);
      const onlyReplies = /(^|\s)is:reply\b/.test(query);
      const notFrom = [...query.matchAll(/-from:(\w+)/g)].map((m) => m[1]!);
      const fields = (url.searchParams.get('tweet.fields') ?? '').split(',');
      const max = Number(url.searchParams.get('max_results') ?? 10);
      const found = posts
        .filter(
          (p) =>
            (conversations.length === 0 || conversations.includes(p.conversationId ?? p.id)) &&
            (!onlyReplies || p.conversationId !== undefined) &&
            !notFrom.includes(p.authorId),
        )
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1))
        .slice(0, max);
      if (found.length === 0) return reply(res, 200, { meta: { result_count: 0 } });
      return reply(res, 200, {
        data: found.map((p) => ({
          id: p.id,
          text: shown(p).text,
          edit_history_tweet_ids: [p.id],
          ...(fields.includes('author_id') ? { author_id: p.authorId } : {}),
          ...(fields.includes('conversation_id') ? { conversation_id: p.conversationId ?? p.id } : {}),
          ...(fields.includes('created_at') ? { created_at: p.createdAt } : {}),
          ...(fields.includes('in_reply_to_user_id') && p.inReplyToUserId
            ? { in_reply_to_user_id: p.inReplyToUserId }
            : {}),
        })),
        meta: { result_count: found.length, newest_id: found[0]!.id, oldest_id: found.at(-1)!.id },
      });
    }

    const likesOf = /^\/2\/users\/(\d+)\/likes$/.exec(path);
    if (likesOf && req.method === 'POST') {
      if (!grant.scope.split(' ').includes('like.write'))
        return problem(
          res,
          403,
          'Forbidden',
          'You are not permitted to perform this action. Missing scope like.write',
        );
      if (likesOf[1] !== user.id)
        return problem(res, 403, 'Forbidden', 'You are not allowed to like on behalf of another user');
      const fault = takeFault('likes');
      if (Date.now() - likeWindow.start >= windowMs)
        Object.assign(likeWindow, { start: Date.now(), used: 0 });
      const limit = options.likesPerWindow ?? 50;
      const resetAt = likeWindow.start + windowMs;
      if (fault && 'status' in fault)
        return problem(
          res,
          fault.status,
          fault.status === 429 ? 'Too Many Requests' : 'Error',
          fault.detail ?? 'Error',
          limitHeaders(limit, 0, resetAt),
        );
      if (likeWindow.used >= limit)
        return problem(res, 429, 'Too Many Requests', 'Too Many Requests', limitHeaders(limit, 0, resetAt));
      let body: { tweet_id?: unknown };
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        body = {};
      }
      const target = posts.find((p) => p.id === body.tweet_id);
      if (typeof body.tweet_id !== 'string' || !target)
        return reply(res, 400, {
          errors: [{ message: 'The `tweet_id` field is not a valid Post id' }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      likeWindow.used++;
      likes.push(target.id);
      return reply(
        res,
        200,
        { data: { liked: true } },
        limitHeaders(limit, limit - likeWindow.used, resetAt),
      );
    }

    if (path === '/2/users/me' && req.method === 'GET') {
      const fault = takeFault('me');
      if (fault && 'status' in fault) return problem(res, fault.status, 'Error', fault.detail ?? 'Error');
      return reply(res, 200, {
        data: {
          id: user.id,
          name: 'Lina',
          username: user.username,
          ...(url.searchParams.get('user.fields')?.includes('public_metrics')
            ? {
                public_metrics: {
                  followers_count: 1200 + posts.filter((p) => p.authorId === user.id).length * 7,
                  following_count: 180,
                  tweet_count: posts.filter((p) => p.authorId === user.id).length,
                  listed_count: 3,
                  like_count: 410,
                },
              }
            : {}),
        },
      });
    }

    if (path === '/2/tweets' && req.method === 'POST') {
      if (!grant.scope.split(' ').includes('tweet.write'))
        return problem(res, 403, 'Forbidden', 'Missing scope tweet.write');
      const fault = takeFault('tweets');
      if (Date.now() - window.start >= windowMs) Object.assign(window, { start: Date.now(), used: 0 });
      const limit = options.postsPerWindow ?? 100;
      const resetAt = window.start + windowMs;
      if (fault && 'status' in fault) {
        const reset = fault.resetInS !== undefined ? Date.now() + fault.resetInS * 1000 : resetAt;
        const title =
          fault.status === 429 ? 'Too Many Requests' : fault.status >= 500 ? 'Service Unavailable' : 'Error';
        return problem(
          res,
          fault.status,
          title,
          fault.detail ?? title,
          limitHeaders(limit, fault.status === 429 ? 0 : limit - window.used, reset),
        );
      }
      if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
      if (window.used >= limit)
        return problem(res, 429, 'Too Many Requests', 'Too Many Requests', limitHeaders(limit, 0, resetAt));
      let body: { text?: unknown; media?: { media_ids?: unknown } };
      try {
        body = JSON.parse(raw.toString('utf8')) as typeof body;
      } catch {
        return reply(res, 400, {
          errors: [{ message: 'Request body is not valid JSON' }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      }
      const text = typeof body.text === 'string' ? body.text : '';
      const mediaIds = Array.isArray(body.media?.media_ids) ? body.media.media_ids.map(String) : [];
      const invalid = (message: string) =>
        reply(res, 400, {
          errors: [{ message }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      if (!text && mediaIds.length === 0) return invalid('Text or media is required');
      if ([...text].length > 280 + 23 * 4) return invalid('Your Tweet text is too long.');
      if (mediaIds.some((id) => media.find((m) => m.id === id)?.state !== 'succeeded'))
        return invalid('Your media IDs are invalid.');
      window.used++;
      const headers = limitHeaders(limit, limit - window.used, resetAt);
      if (text && posts.some((p) => p.authorId === user.id && p.text === text))
        return problem(
          res,
          403,
          'Forbidden',
          'You are not allowed to create a Tweet with duplicate content.',
          headers,
        );
      const post: XStandinPost = {
        id: newId(),
        authorId: user.id,
        text,
        mediaIds,
        createdAt: new Date().toISOString(),
      };
      posts.push(post);
      if (fault && 'processThenDrop' in fault) return void req.socket.destroy();
      return reply(
        res,
        201,
        { data: { id: post.id, text: shown(post).text, edit_history_tweet_ids: [post.id] } },
        headers,
      );
    }

    const timelineOf = /^\/2\/users\/(\d+)\/tweets$/.exec(path);
    if (timelineOf && req.method === 'GET') {
      const fault = takeFault('timeline');
      if (fault && 'status' in fault) return problem(res, fault.status, 'Error', fault.detail ?? 'Error');
      if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
      const q = url.searchParams;
      const max = Number(q.get('max_results') ?? 10);
      if (!(max >= 5 && max <= 100))
        return reply(res, 400, {
          errors: [{ message: 'The `max_results` query parameter value is not between 5 and 100' }],
          title: 'Invalid Request',
          type: 'https://api.twitter.com/2/problems/invalid-request',
        });
      const since = q.get('start_time') ? Date.parse(q.get('start_time')!) : 0;
      const offset = Number(q.get('pagination_token') ?? 0);
      const mine = posts
        .filter((p) => p.authorId === timelineOf[1] && Date.parse(p.createdAt) >= since)
        .sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
      const page = mine.slice(offset, offset + max);
      if (page.length === 0) return reply(res, 200, { meta: { result_count: 0 } });
      return reply(res, 200, {
        data: page.map(shown),
        meta: {
          result_count: page.length,
          newest_id: page[0]!.id,
          oldest_id: page.at(-1)!.id,
          ...(offset + max < mine.length ? { next_token: String(offset + max) } : {}),
        },
      });
    }

    const oneTweet = /^\/2\/tweets\/(\d+)$/.exec(path);
    if (oneTweet && req.method === 'GET') {
      const fault = takeFault('lookup');
      if (fault && 'status' in fault) return problem(res, fault.status, 'Error', fault.detail ?? 'Error');
      const post = posts.find((p) => p.id === oneTweet[1]);
      if (!post)
        return reply(res, 200, {
          errors: [
            {
              value: oneTweet[1],
              detail: `Could not find tweet with id: [${oneTweet[1]}].`,
              title: 'Not Found Error',
              resource_type: 'tweet',
              parameter: 'id',
              resource_id: oneTweet[1],
              type: 'https://api.twitter.com/2/problems/resource-not-found',
            },
          ],
        });
      // Counters that grow with the post's age, as a real post's do.
      const metrics = growingCounts(post.id, Date.now() - Date.parse(post.createdAt), {
        retweet_count: 2,
        reply_count: 3,
        like_count: 12,
        quote_count: 1,
        bookmark_count: 4,
        impression_count: 340,
      });
      return reply(res, 200, {
        data: {
          ...shown(post),
          ...(url.searchParams.get('tweet.fields')?.includes('public_metrics')
            ? { public_metrics: metrics }
            : {}),
        },
      });
    }

    if (path.startsWith('/2/media/')) {
      const fault = takeFault('media');
      if (fault && 'status' in fault) return problem(res, fault.status, 'Error', fault.detail ?? 'Error');
      return handleMedia(req, res, url, raw);
    }

    return problem(res, 404, 'Not Found Error', `No route ${req.method} ${path}`);
  }

  async function handleMedia(req: IncomingMessage, res: ServerResponse, url: URL, raw: Buffer) {
    const path = url.pathname;
    const invalid = (message: string) =>
      reply(res, 400, {
        errors: [{ message }],
        title: 'Invalid Request',
        detail: message,
        type: 'https://api.twitter.com/2/problems/invalid-request',
      });
    if (path === '/2/media/upload/initialize' && req.method === 'POST') {
      const body = JSON.parse(raw.toString('utf8') || '{}') as {
        media_type?: string;
        total_bytes?: number;
        media_category?: string;
      };
      if (!body.media_type || !body.total_bytes || !body.media_category)
        return invalid('media_type, total_bytes and media_category are required');
      const item: XStandinMedia = {
        id: newId(),
        type: body.media_type,
        category: body.media_category,
        totalBytes: body.total_bytes,
        bytes: Buffer.alloc(0),
        state: 'uploading',
        polls: 0,
      };
      media.push(item);
      return reply(res, 200, { data: { id: item.id, media_key: `3_${item.id}`, expires_after_secs: 86400 } });
    }
    const step = /^\/2\/media\/upload\/(\d+)\/(append|finalize)$/.exec(path);
    if (step && req.method === 'POST') {
      const item = media.find((m) => m.id === step[1]);
      if (!item) return invalid('Invalid media id');
      if (step[2] === 'append') {
        const form = await new Request('http://standin/', {
          method: 'POST',
          headers: { 'content-type': req.headers['content-type'] ?? '' },
          body: new Uint8Array(raw),
        }).formData();
        const part = form.get('media');
        if (!(part instanceof Blob) || form.get('segment_index') === null)
          return invalid('media and segment_index are required');
        item.bytes = Buffer.concat([item.bytes, Buffer.from(await part.arrayBuffer())]);
        return reply(res, 200, { data: { expires_at: Math.floor(Date.now() / 1000) + 86400 } });
      }
      if (item.bytes.length !== item.totalBytes)
        return invalid(`Expected ${item.totalBytes} bytes, got ${item.bytes.length}`);
      const processed = item.category === 'tweet_image';
      item.state = processed ? 'succeeded' : 'pending';
      return reply(res, 200, {
        data: {
          id: item.id,
          media_key: `3_${item.id}`,
          size: item.totalBytes,
          expires_after_secs: 86400,
          ...(processed ? {} : { processing_info: { state: 'pending', check_after_secs: 1 } }),
        },
      });
    }
    if (path === '/2/media/upload' && req.method === 'GET' && url.searchParams.get('command') === 'STATUS') {
      const item = media.find((m) => m.id === url.searchParams.get('media_id'));
      if (!item) return invalid('Invalid media id');
      if (item.state === 'pending' || item.state === 'in_progress') {
        item.polls++;
        item.state = item.polls >= (options.videoPolls ?? 2) ? 'succeeded' : 'in_progress';
      }
      const info =
        item.state === 'succeeded'
          ? { state: 'succeeded', progress_percent: 100 }
          : { state: item.state, check_after_secs: 1, progress_percent: 50 };
      return reply(res, 200, { data: { id: item.id, media_key: `3_${item.id}`, processing_info: info } });
    }
    if (path === '/2/media/metadata' && req.method === 'POST') {
      const body = JSON.parse(raw.toString('utf8') || '{}') as {
        id?: string;
        metadata?: { alt_text?: { text?: string } };
      };
      const item = media.find((m) => m.id === body.id);
      if (!item || !body.metadata?.alt_text?.text)
        return invalid('id and metadata.alt_text.text are required');
      item.alt = body.metadata.alt_text.text;
      return reply(res, 200, { data: { associated_metadata: true } });
    }
    return problem(res, 404, 'Not Found Error', `No route ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) problem(res, 500, 'Internal Server Error', 'Internal Server Error');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const root = `http://127.0.0.1:${port}`;
  return {
    apiRoot: root,
    authRoot: root,
    user,
    posts,
    media,
    issued,
    refreshes,
    calls,
    likes,
    reply(to, from, text) {
      const parent = posts.find((p) => p.id === to);
      if (!parent) throw new Error(`No post ${to} to reply to`);
      const post: XStandinPost = {
        id: newId(),
        authorId: from.id,
        text,
        mediaIds: [],
        createdAt: new Date().toISOString(),
        conversationId: parent.conversationId ?? parent.id,
        inReplyToUserId: parent.authorId,
      };
      posts.push(post);
      return post;
    },
    failNext(route, fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ route, fault });
    },
    revokeAll() {
      access.clear();
      for (const held of refreshTokens.values()) held.live = false;
    },
    expireAccess() {
      for (const grant of access.values()) grant.expiresAt = 0;
    },
    close: () => closeServer(server),
  };
}
