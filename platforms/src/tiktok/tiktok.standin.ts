import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, readBody, sleep } from '../standin-kit';

/*
 * A local stand-in for TikTok's v2 APIs, speaking their documented wire format: Login Kit's
 * consent page `/v2/auth/authorize/` and token endpoint `/v2/oauth/token/` (form-encoded,
 * client_key + client_secret, rotating refresh tokens, `{error, error_description, log_id}`),
 * the Content Posting API (`creator_info/query`, `video/init` with FILE_UPLOAD and its chunk
 * rules, `PUT {upload_url}` with `Content-Range`, `content/init` for photos pulled from their
 * URLs, `status/fetch`), `/v2/video/query/`, each answer in `{data, error:{code,message,log_id}}`.
 * An unaudited app may only post SELF_ONLY. Faults on demand.
 */

export type TikTokRoute = 'token' | 'creator_info' | 'video_init' | 'content_init' | 'upload' | 'status';

export type TikTokFault =
  /** Answer this HTTP status and TikTok error code without acting. */
  | { status: number; code: string; message?: string }
  /** Act (create the post, store the chunk, rotate the token), then cut the connection. */
  | { processThenDrop: true }
  /** Wait before acting and answering. */
  | { delayMs: number };

export interface TikTokStandinPost {
  publishId: string;
  /** The public id once published (absent for a private post, as TikTok gives none). */
  postId?: string;
  openId: string;
  kind: 'video' | 'photo';
  title: string;
  description: string;
  privacyLevel: string;
  disableComment: boolean;
  disableDuet: boolean;
  disableStitch: boolean;
  videoSize: number;
  chunkSize: number;
  totalChunks: number;
  bytes: Buffer;
  chunks: { first: number; last: number; total: number; length: number; contentType: string }[];
  /** What TikTok fetched for each photo URL. */
  photos: { url: string; status: number; bytes: number; contentType: string }[];
  status: 'PROCESSING_UPLOAD' | 'PROCESSING_DOWNLOAD' | 'PUBLISH_COMPLETE' | 'FAILED';
  failReason?: string;
  polls: number;
  createdAt: string;
}

export interface TikTokStandinOptions {
  clientKey: string;
  clientSecret: string;
  /** The creator who consents. */
  creator?: {
    openId: string;
    username: string;
    nickname: string;
    privacyLevelOptions?: string[];
    maxVideoSeconds?: number;
    commentDisabled?: boolean;
    duetDisabled?: boolean;
    stitchDisabled?: boolean;
  };
  /** Whether TikTok audited the app (unaudited: SELF_ONLY only). */
  audited?: boolean;
  /** Access token lifetime, seconds (TikTok: 86,400). */
  accessTtlS?: number;
  /** `status/fetch` answers PROCESSING this many times before PUBLISH_COMPLETE. */
  processingPolls?: number;
  /** `video/init` + `content/init` allowed per minute per token (TikTok: 6). */
  initsPerMinute?: number;
}

export interface TikTokStandin {
  /** TIKTOK_API_ROOT and TIKTOK_AUTH_ROOT. */
  apiRoot: string;
  authRoot: string;
  creator: NonNullable<TikTokStandinOptions['creator']>;
  /** Every post initialized, whatever became of it. */
  posts: TikTokStandinPost[];
  /** Posts live on TikTok (PUBLISH_COMPLETE). */
  published(): TikTokStandinPost[];
  issued: string[];
  refreshes: { token: string; refused: boolean }[];
  calls: { route: string; method: string; path: string; at: number; body: string }[];
  failNext(route: TikTokRoute, fault: TikTokFault, times?: number): void;
  setAudited(audited: boolean): void;
  setProcessingPolls(polls: number): void;
  /** The user removes the app's access: every token dies. */
  revokeAll(): void;
  expireAccess(): void;
  close(): Promise<void>;
}

const MB = 1024 * 1024;

export async function startTikTokStandin(options: TikTokStandinOptions): Promise<TikTokStandin> {
  const creator = {
    privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
    maxVideoSeconds: 600,
    ...(options.creator ?? { openId: '-000Lina0OpenId0TikTok', username: 'lina.tok', nickname: 'Lina' }),
  };
  let audited = options.audited ?? false;
  let processingPolls = options.processingPolls ?? 1;
  const posts: TikTokStandinPost[] = [];
  const issued: string[] = [];
  const refreshes: TikTokStandin['refreshes'] = [];
  const calls: TikTokStandin['calls'] = [];
  const faults: { route: TikTokRoute; fault: TikTokFault }[] = [];
  const codes = new Map<string, { redirectUri: string; scope: string }>();
  const access = new Map<string, { expiresAt: number; scope: string; inits: number[] }>();
  const refreshTokens = new Map<string, { live: boolean; scope: string }>();
  let nextId = 7_400_000_000_000_000_000n;
  const logId = () => `2026120104${randomBytes(12).toString('hex').toUpperCase()}`;

  const takeFault = (route: TikTokRoute) => {
    const index = faults.findIndex((f) => f.route === route);
    return index >= 0 ? faults.splice(index, 1)[0]!.fault : undefined;
  };

  function reply(res: ServerResponse, status: number, body: unknown) {
    const payload = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-tt-logid': logId() });
    res.end(payload);
  }
  const answer = (res: ServerResponse, data: unknown, status = 200) =>
    reply(res, status, { data, error: { code: 'ok', message: '', log_id: logId() } });
  const error = (res: ServerResponse, status: number, code: string, message: string) =>
    reply(res, status, { data: {}, error: { code, message, log_id: logId() } });

  function issue(scope: string) {
    const token = `act.${randomBytes(24).toString('base64url')}`;
    const refresh = `rft.${randomBytes(24).toString('base64url')}`;
    const ttl = options.accessTtlS ?? 86_400;
    access.set(token, { expiresAt: Date.now() + ttl * 1000, scope, inits: [] });
    refreshTokens.set(refresh, { live: true, scope });
    issued.push(token, refresh);
    return {
      access_token: token,
      expires_in: ttl,
      open_id: creator.openId,
      refresh_expires_in: 31_536_000,
      refresh_token: refresh,
      scope,
      token_type: 'Bearer',
    };
  }

  function bearer(req: IncomingMessage, res: ServerResponse) {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const grant = access.get(token);
    if (!grant || grant.expiresAt <= Date.now()) {
      error(res, 401, 'access_token_invalid', 'The access token is invalid or not found in the request.');
      return undefined;
    }
    return grant;
  }

  /** TikTok's chunk rules (Media Transfer Guide). */
  function chunkProblem(size: number, chunk: number, count: number): string | undefined {
    if (!(size > 0 && chunk > 0 && count >= 1 && count <= 1000))
      return 'video_size, chunk_size and total_chunk_count are required';
    if (size < 5 * MB && (chunk !== size || count !== 1)) return 'A video under 5 MB is uploaded whole';
    if (size > 64 * MB && count < 2) return 'A video over 64 MB is uploaded in chunks';
    if (count > 1 && (chunk < 5 * MB || chunk > 64 * MB)) return 'Each chunk must be 5 MB to 64 MB';
    if (count !== Math.max(1, Math.floor(size / chunk)))
      return 'total_chunk_count must be video_size / chunk_size, rounded down';
    if (size - (count - 1) * chunk > 128 * MB) return 'The final chunk may hold 128 MB at most';
    return undefined;
  }

  async function fetchPhotos(post: TikTokStandinPost, urls: string[]) {
    for (const url of urls) {
      try {
        const got = await fetch(url, { signal: AbortSignal.timeout(10_000) });
        const bytes = Buffer.from(await got.arrayBuffer());
        post.photos.push({
          url,
          status: got.status,
          bytes: bytes.length,
          contentType: got.headers.get('content-type') ?? '',
        });
      } catch {
        post.photos.push({ url, status: 0, bytes: 0, contentType: '' });
      }
    }
    const bad = post.photos.find((p) => p.status !== 200 || !/^image\/(jpeg|webp)/.test(p.contentType));
    if (bad) {
      post.status = 'FAILED';
      post.failReason = bad.status === 200 ? 'file_format_check_failed' : 'photo_pull_failed';
    }
  }

  function publishNow(post: TikTokStandinPost) {
    post.status = 'PUBLISH_COMPLETE';
    if (post.privacyLevel !== 'SELF_ONLY') post.postId = String((nextId += 1_000_003n));
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const raw = await readBody(req);
    const path = url.pathname;
    calls.push({
      route: path,
      method: req.method ?? '',
      path: url.pathname + url.search,
      at: Date.now(),
      body: raw.length < 4096 ? raw.toString('utf8') : `<${raw.length} bytes>`,
    });

    if (path === '/v2/auth/authorize/' && req.method === 'GET') {
      const q = url.searchParams;
      if (q.get('client_key') !== options.clientKey) return reply(res, 400, { error: 'invalid_client' });
      if (q.get('response_type') !== 'code' || !q.get('scope') || !q.get('redirect_uri'))
        return reply(res, 400, {
          error: 'invalid_request',
          error_description: 'response_type, scope and redirect_uri are required',
        });
      const redirect = new URL(q.get('redirect_uri')!);
      if (q.get('deny') === '1') redirect.searchParams.set('error', 'access_denied');
      else {
        const code = randomBytes(30).toString('base64url');
        codes.set(code, { redirectUri: q.get('redirect_uri')!, scope: q.get('scope')! });
        issued.push(code);
        redirect.searchParams.set('code', code);
        redirect.searchParams.set('scopes', q.get('scope')!);
      }
      redirect.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: redirect.toString() });
      return void res.end();
    }

    if (path === '/v2/oauth/token/' && req.method === 'POST') {
      const form = new URLSearchParams(raw.toString('utf8'));
      if (form.get('client_key') !== options.clientKey || form.get('client_secret') !== options.clientSecret)
        return reply(res, 401, {
          error: 'invalid_client',
          error_description: 'Client key or secret is incorrect.',
          log_id: logId(),
        });
      const fault = takeFault('token');
      if (fault && 'status' in fault)
        return reply(res, fault.status, {
          error: fault.code,
          error_description: fault.message ?? '',
          log_id: logId(),
        });
      if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
      let out: { status: number; body: unknown };
      if (form.get('grant_type') === 'authorization_code') {
        const key = form.get('code') ?? '';
        const code = codes.get(key);
        codes.delete(key);
        out =
          code && code.redirectUri === form.get('redirect_uri')
            ? { status: 200, body: issue(code.scope) }
            : {
                status: 400,
                body: {
                  error: 'invalid_grant',
                  error_description: 'Authorization code is expired.',
                  log_id: logId(),
                },
              };
      } else if (form.get('grant_type') === 'refresh_token') {
        const token = form.get('refresh_token') ?? '';
        const held = refreshTokens.get(token);
        const usable = held?.live === true;
        refreshes.push({ token, refused: !usable });
        if (held) held.live = false;
        out = usable
          ? { status: 200, body: issue(held!.scope) }
          : {
              status: 400,
              body: {
                error: 'invalid_grant',
                error_description: 'Refresh token is invalid or expired.',
                log_id: logId(),
              },
            };
      } else
        out = {
          status: 400,
          body: { error: 'unsupported_grant_type', error_description: '', log_id: logId() },
        };
      if (fault && 'processThenDrop' in fault) return void req.socket.destroy();
      return reply(res, out.status, out.body);
    }

    if (path === '/v2/oauth/revoke/' && req.method === 'POST') {
      const token = new URLSearchParams(raw.toString('utf8')).get('token') ?? '';
      access.delete(token);
      return reply(res, 200, {});
    }

    const uploadOf = /^\/upload\/video\/$/.exec(path);
    if (uploadOf && req.method === 'PUT') {
      const post = posts.find(
        (p) =>
          p.publishId === url.searchParams.get('upload_id') &&
          url.searchParams.get('upload_token') === p.publishId.slice(-12),
      );
      if (!post || post.status !== 'PROCESSING_UPLOAD')
        return error(res, 404, 'invalid_params', 'Unknown or finished upload');
      const fault = takeFault('upload');
      if (fault && 'status' in fault) return error(res, fault.status, fault.code, fault.message ?? '');
      if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
      const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(req.headers['content-range'] ?? '');
      if (!range) return error(res, 400, 'invalid_params', 'Content-Range is required');
      const [first, last, total] = [Number(range[1]), Number(range[2]), Number(range[3])];
      const index = post.chunks.length;
      const final = index === post.totalChunks - 1;
      const expected = final ? post.videoSize - index * post.chunkSize : post.chunkSize;
      if (
        total !== post.videoSize ||
        first !== post.bytes.length ||
        last - first + 1 !== raw.length ||
        raw.length !== expected
      )
        return error(
          res,
          416,
          'invalid_params',
          `Expected bytes ${post.bytes.length}-${post.bytes.length + expected - 1}/${post.videoSize}`,
        );
      post.bytes = Buffer.concat([post.bytes, raw]);
      post.chunks.push({
        first,
        last,
        total,
        length: raw.length,
        contentType: req.headers['content-type'] ?? '',
      });
      if (final && processingPolls === 0) publishNow(post);
      if (fault && 'processThenDrop' in fault) return void req.socket.destroy();
      res.writeHead(final ? 201 : 206, final ? {} : { range: `bytes=0-${last}` });
      return void res.end();
    }

    const grant = bearer(req, res);
    if (!grant) return;
    const body = (() => {
      try {
        return JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })();
    if (!body) return error(res, 400, 'invalid_params', 'The request body is not JSON');

    if (path === '/v2/post/publish/creator_info/query/' && req.method === 'POST') {
      const fault = takeFault('creator_info');
      if (fault && 'status' in fault) return error(res, fault.status, fault.code, fault.message ?? '');
      if (!grant.scope.split(',').includes('video.publish'))
        return error(
          res,
          401,
          'scope_not_authorized',
          'The user did not authorize the scope required for completing this request.',
        );
      return answer(res, {
        creator_avatar_url: 'https://p16-sign.tiktokcdn-us.com/avatar.jpeg',
        creator_username: creator.username,
        creator_nickname: creator.nickname,
        privacy_level_options: creator.privacyLevelOptions,
        comment_disabled: creator.commentDisabled ?? false,
        duet_disabled: creator.duetDisabled ?? false,
        stitch_disabled: creator.stitchDisabled ?? true,
        max_video_post_duration_sec: creator.maxVideoSeconds,
      });
    }

    const init =
      path === '/v2/post/publish/video/init/'
        ? 'video_init'
        : path === '/v2/post/publish/content/init/'
          ? 'content_init'
          : undefined;
    if (init && req.method === 'POST') {
      const fault = takeFault(init);
      if (fault && 'status' in fault) return error(res, fault.status, fault.code, fault.message ?? '');
      if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
      const now = Date.now();
      grant.inits = grant.inits.filter((at) => at > now - 60_000);
      if (grant.inits.length >= (options.initsPerMinute ?? 6))
        return error(res, 429, 'rate_limit_exceeded', 'API rate limit was exceeded, please try again later.');
      grant.inits.push(now);
      const info = (body.post_info ?? {}) as Record<string, unknown>;
      const source = (body.source_info ?? {}) as Record<string, unknown>;
      const privacy = String(info.privacy_level ?? '');
      if (!creator.privacyLevelOptions.includes(privacy))
        return error(
          res,
          400,
          'privacy_level_option_mismatch',
          'privacy_level is not among the creator’s privacy_level_options.',
        );
      if (!audited && privacy !== 'SELF_ONLY')
        return error(
          res,
          403,
          'unaudited_client_can_only_post_to_private_accounts',
          'Unaudited clients can only post to private accounts.',
        );
      const publishId = `${init === 'video_init' ? 'v_pub_file' : 'p_pub_url'}~v2-1.${(nextId += 7n)}`;
      const post: TikTokStandinPost = {
        publishId,
        openId: creator.openId,
        kind: init === 'video_init' ? 'video' : 'photo',
        title: String(info.title ?? ''),
        description: String(info.description ?? ''),
        privacyLevel: privacy,
        disableComment: info.disable_comment === true,
        disableDuet: info.disable_duet === true,
        disableStitch: info.disable_stitch === true,
        videoSize: 0,
        chunkSize: 0,
        totalChunks: 0,
        bytes: Buffer.alloc(0),
        chunks: [],
        photos: [],
        status: 'PROCESSING_UPLOAD',
        polls: 0,
        createdAt: new Date().toISOString(),
      };
      if (init === 'video_init') {
        if (source.source !== 'FILE_UPLOAD')
          return error(res, 400, 'invalid_params', 'Only FILE_UPLOAD is served here');
        const [size, chunk, count] = [
          Number(source.video_size),
          Number(source.chunk_size),
          Number(source.total_chunk_count),
        ];
        const problem = chunkProblem(size, chunk, count);
        if (problem) return error(res, 400, 'invalid_params', problem);
        if ([...post.title].length > 2200)
          return error(res, 400, 'invalid_params', 'The title is longer than 2,200 characters');
        Object.assign(post, { videoSize: size, chunkSize: chunk, totalChunks: count });
        posts.push(post);
        if (fault && 'processThenDrop' in fault) return void req.socket.destroy();
        return answer(res, {
          publish_id: publishId,
          upload_url: `${root}/upload/video/?upload_id=${encodeURIComponent(publishId)}&upload_token=${publishId.slice(-12)}`,
        });
      }
      const images = Array.isArray(source.photo_images) ? source.photo_images.map(String) : [];
      if (
        body.media_type !== 'PHOTO' ||
        body.post_mode !== 'DIRECT_POST' ||
        source.source !== 'PULL_FROM_URL'
      )
        return error(
          res,
          400,
          'invalid_params',
          'media_type PHOTO, post_mode DIRECT_POST and source PULL_FROM_URL are required',
        );
      if (images.length < 1 || images.length > 35)
        return error(res, 400, 'invalid_params', 'photo_images holds 1 to 35 URLs');
      if (post.title.length > 90 || post.description.length > 4000)
        return error(res, 400, 'invalid_params', 'The title holds 90 and the description 4,000 UTF-16 units');
      post.status = 'PROCESSING_DOWNLOAD';
      posts.push(post);
      await fetchPhotos(post, images);
      if (fault && 'processThenDrop' in fault) return void req.socket.destroy();
      return answer(res, { publish_id: publishId });
    }

    if (path === '/v2/post/publish/status/fetch/' && req.method === 'POST') {
      const fault = takeFault('status');
      if (fault && 'status' in fault) return error(res, fault.status, fault.code, fault.message ?? '');
      const post = posts.find((p) => p.publishId === body.publish_id);
      if (!post) return error(res, 400, 'invalid_publish_id', 'The publish_id does not exist.');
      const uploaded = post.kind === 'video' && post.bytes.length === post.videoSize;
      if ((uploaded && post.status === 'PROCESSING_UPLOAD') || post.status === 'PROCESSING_DOWNLOAD') {
        post.polls++;
        if (post.polls > processingPolls) publishNow(post);
      }
      // TikTok writes post ids as int64 JSON numbers, beyond what a double holds exactly.
      const data = JSON.stringify({
        status: post.status,
        ...(post.failReason ? { fail_reason: post.failReason } : {}),
        publicaly_available_post_id: post.postId ? ['@ID@'] : [],
        ...(post.kind === 'video'
          ? { uploaded_bytes: post.bytes.length }
          : { downloaded_bytes: post.photos.reduce((n, p) => n + p.bytes, 0) }),
      }).replace('"@ID@"', post.postId ?? '');
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-tt-logid': logId() });
      return void res.end(`{"data":${data},"error":{"code":"ok","message":"","log_id":"${logId()}"}}`);
    }

    if (path === '/v2/video/query/' && req.method === 'POST') {
      const ids = ((body.filters as { video_ids?: unknown[] } | undefined)?.video_ids ?? []).map(String);
      const videos = posts
        .filter((p) => p.postId && ids.includes(p.postId))
        .map((p) => ({ id: p.postId, like_count: 41, comment_count: 7, share_count: 3, view_count: 1200 }));
      return answer(res, { videos, cursor: 0, has_more: false });
    }

    return error(res, 404, 'invalid_params', `No route ${req.method} ${path}`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) error(res, 500, 'internal_error', 'Something went wrong.');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiRoot: root,
    authRoot: root,
    creator,
    posts,
    published: () => posts.filter((p) => p.status === 'PUBLISH_COMPLETE'),
    issued,
    refreshes,
    calls,
    failNext(route, fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ route, fault });
    },
    setAudited(value) {
      audited = value;
    },
    setProcessingPolls(polls) {
      processingPolls = polls;
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
