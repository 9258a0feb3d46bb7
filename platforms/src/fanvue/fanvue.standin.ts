import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FANVUE_API_VERSION,
  FANVUE_BUCKET,
  FANVUE_VERSION_HEADER,
  fvCompleteUploadBody,
  fvCreateUploadBody,
  fvSendMessageBody,
} from './fanvue.schema';
import { closeServer, readBody, redeemPkceCode } from '../standin-kit';

/*
 * A local Fanvue for tests: the OAuth server (authorize with PKCE S256, token with rotating
 * single-use refresh tokens, revoke) and the API calls Velvet makes (users/me, chats,
 * messages, the media upload session), with the version header required, rate-limit
 * headers on every answer, recording, faults on demand, and webhook calls signed as Fanvue
 * signs them. Its storage (`/_storage/…`) stands for the bucket the pre-signed part URLs
 * point at: no bearer token there, a signature in the query, an `ETag` on every PUT.
 */

/**
 * `upload` opens a session, `part` gives a part's signed URL, `storage` is the PUT to it,
 * `complete` is the PATCH closing the session, `media` reads a media's status.
 */
export type FanvueRoute =
  'send' | 'upload' | 'part' | 'storage' | 'complete' | 'media' | 'me' | 'chats' | 'token';

export type FanvueFault =
  | { status: number; retryAfter?: number; error?: string; nextVersion?: string }
  /** Processes (and records) the request, then drops the connection without answering. */
  | { processThenClose: true }
  /** On `complete`: the session closes, then Fanvue's processing ends in this status. */
  | { processing: 'error' | 'failed' };

/** One upload session as the stand-in saw it. */
export interface FanvueStandinUpload {
  uploadId: string;
  mediaUuid: string;
  name: string;
  filename: string;
  mediaType: 'image' | 'video';
  /** Each part as storage received it, by part number. */
  parts: Map<number, { bytes: Buffer; etag: string }>;
  /** The media's status: `created` until the session is completed. */
  status: 'created' | 'processing' | 'ready' | 'error' | 'failed';
  /** The parts put together, once the session is completed. */
  bytes?: Buffer;
  /** How processing ends (`ready` unless a fault said otherwise). */
  outcome: 'ready' | 'error' | 'failed';
}

export interface FanvueStandinCall {
  route: FanvueRoute;
  chatId?: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  at: number;
}

export interface FanvueSentMessage {
  messageUuid: string;
  chatId: string;
  text: string;
  price: number;
  mediaUuids: string[];
  at: number;
}

export interface FanvueStandinOptions {
  clientId: string;
  clientSecret: string;
  /** The creator every token speaks for. */
  creator?: { uuid: string; handle: string };
  /** Seconds an access token lives (Fanvue: about an hour). */
  accessTokenTtlS?: number;
  /**
   * How long a just-used refresh token may be presented again (an Ory-style rotation grace
   * period). 0, the default: a used refresh token is refused at once.
   */
  reuseGraceMs?: number;
  /** How the part-URL route answers: a bare JSON string (the default) or `{url}`. */
  partUrlAs?: 'string' | 'object';
}

export interface FanvueStandin {
  /** FANVUE_API_ROOT. */
  apiRoot: string;
  /** FANVUE_AUTH_ROOT. */
  authRoot: string;
  creator: { uuid: string; handle: string };
  calls: FanvueStandinCall[];
  sent: FanvueSentMessage[];
  /** Every authorization code, access and refresh token issued, to search responses and logs for. */
  issued: string[];
  /** Every upload session opened, in order. */
  uploads: FanvueStandinUpload[];
  /** The bytes a media was assembled from (after its session was completed). */
  mediaBytes(mediaUuid: string): Buffer | undefined;
  /** Every refresh-token grant the token endpoint saw, in order, and whether it was refused. */
  refreshes: { token: string; refused: boolean; at: number }[];
  failNext(route: FanvueRoute, fault: FanvueFault, times?: number): void;
  /** Revokes every refresh token issued so far (the creator removed the app, say). */
  revokeAll(): void;
  /** Makes every access token expire now, so the next call must refresh. */
  expireAccessTokens(): void;
  close(): Promise<void>;
}

const b64url = (buffer: Buffer) => buffer.toString('base64url');

export async function startFanvueStandin(options: FanvueStandinOptions): Promise<FanvueStandin> {
  const creator = options.creator ?? { uuid: randomUUID(), handle: 'velvet_creator' };
  const ttl = options.accessTokenTtlS ?? 3600;
  const calls: FanvueStandinCall[] = [];
  const sent: FanvueSentMessage[] = [];
  const refreshes: FanvueStandin['refreshes'] = [];
  const issued: string[] = [];
  const faults: { route: FanvueRoute; fault: FanvueFault }[] = [];
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const accessTokens = new Map<string, number>();
  /** refresh token → still usable. A used one stays here as `false`: reuse is detected. */
  const refreshTokens = new Map<string, boolean>();
  /** When each refresh token was used, for the grace period. */
  const usedAt = new Map<string, number>();
  const uploads: FanvueStandinUpload[] = [];
  const storageKey = randomBytes(32);
  const sign = (uploadId: string, part: number) =>
    createHmac('sha256', storageKey).update(`${uploadId}/${part}`).digest('hex');
  const window: number[] = [];

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const takeFault = (route: FanvueRoute) => {
    const index = faults.findIndex((f) => f.route === route);
    return index >= 0 ? faults.splice(index, 1)[0]!.fault : undefined;
  };
  const issue = () => {
    const access = `fva_${b64url(randomBytes(24))}`;
    const refresh = `fvr_${b64url(randomBytes(24))}`;
    accessTokens.set(access, Date.now() + ttl * 1000);
    refreshTokens.set(refresh, true);
    issued.push(access, refresh);
    return {
      access_token: access,
      refresh_token: refresh,
      expires_in: ttl,
      token_type: 'bearer',
      scope: 'openid offline_access read:self read:chat write:chat',
    };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const raw = await readBody(req);

    if (url.pathname === '/auth/oauth2/auth' && req.method === 'GET') {
      const q = url.searchParams;
      if (q.get('client_id') !== options.clientId) return reply(res, 400, { error: 'invalid_client' });
      if (
        q.get('response_type') !== 'code' ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge')
      ) {
        return reply(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 is required' });
      }
      const redirect = new URL(q.get('redirect_uri') ?? '');
      if (q.get('deny') === '1') {
        redirect.searchParams.set('error', 'access_denied');
      } else {
        const code = `fvc_${b64url(randomBytes(18))}`;
        codes.set(code, { challenge: q.get('code_challenge')!, redirectUri: q.get('redirect_uri')! });
        issued.push(code);
        redirect.searchParams.set('code', code);
      }
      redirect.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: redirect.toString() });
      return void res.end();
    }

    if (url.pathname === '/auth/oauth2/token' && req.method === 'POST') {
      const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const [id, secret] = Buffer.from(basic ?? '', 'base64')
        .toString()
        .split(':')
        .map(decodeURIComponent);
      if (id !== options.clientId || secret !== options.clientSecret)
        return reply(res, 401, { error: 'invalid_client' });
      const form = new URLSearchParams(raw.toString('utf8'));
      const fault = takeFault('token');
      calls.push({ route: 'token', body: Object.fromEntries(form), headers: req.headers, at: Date.now() });
      if (fault && 'status' in fault)
        return reply(res, fault.status, { error: fault.error ?? 'server_error' });
      let answer: { status: number; body: unknown };
      if (form.get('grant_type') === 'authorization_code') {
        const code = redeemPkceCode(codes, form);
        answer = !code
          ? {
              status: 400,
              body: { error: 'invalid_grant', error_description: 'The authorization code is invalid' },
            }
          : { status: 200, body: issue() };
      } else if (form.get('grant_type') === 'refresh_token') {
        const token = form.get('refresh_token') ?? '';
        const graced = usedAt.has(token) && Date.now() - usedAt.get(token)! <= (options.reuseGraceMs ?? 0);
        const usable = refreshTokens.get(token) === true || graced;
        refreshes.push({ token, refused: !usable, at: Date.now() });
        if (usable && !usedAt.has(token)) usedAt.set(token, Date.now());
        if (usable) refreshTokens.set(token, false);
        answer = usable
          ? { status: 200, body: issue() }
          : {
              status: 400,
              body: {
                error: 'invalid_grant',
                error_description: 'The refresh token was already used or revoked',
              },
            };
      } else {
        answer = { status: 400, body: { error: 'unsupported_grant_type' } };
      }
      if (fault && 'processThenClose' in fault) return void req.socket.destroy();
      return reply(res, answer.status, answer.body);
    }

    if (url.pathname === '/auth/oauth2/revoke' && req.method === 'POST') {
      refreshTokens.set(new URLSearchParams(raw.toString('utf8')).get('token') ?? '', false);
      return reply(res, 200, undefined);
    }

    if (url.pathname.startsWith('/_storage/') && req.method === 'PUT') {
      const [uploadId, partText] = url.pathname.slice('/_storage/'.length).split('/').map(decodeURIComponent);
      const part = Number(partText);
      const upload = uploads.find((u) => u.uploadId === uploadId);
      const fault = takeFault('storage');
      calls.push({ route: 'storage', body: raw, headers: req.headers, at: Date.now() });
      if (fault && 'status' in fault) return reply(res, fault.status, { message: 'Storage fault' });
      const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '');
      const expected = Buffer.from(upload ? sign(upload.uploadId, part) : '');
      // A pre-signed URL carries its own authorization: a second one is refused, as S3 does.
      if (req.headers.authorization) {
        return reply(res, 400, { message: 'Only one auth mechanism allowed' });
      }
      if (!upload || given.length !== expected.length || !timingSafeEqual(given, expected)) {
        return reply(res, 403, { message: 'SignatureDoesNotMatch' });
      }
      if (upload.status !== 'created') return reply(res, 404, { message: 'NoSuchUpload' });
      const etag = `"${createHash('md5').update(raw).digest('hex')}"`;
      upload.parts.set(part, { bytes: raw, etag });
      if (fault && 'processThenClose' in fault) return void req.socket.destroy();
      res.writeHead(200, { etag });
      return void res.end();
    }

    if (!url.pathname.startsWith('/api/')) return reply(res, 404, { message: 'Not found' });
    const parts = url.pathname.slice('/api/'.length).split('/').filter(Boolean).map(decodeURIComponent);
    const route: FanvueRoute | undefined =
      req.method === 'POST' && parts[0] === 'chats' && parts[2] === 'message' && parts.length === 3
        ? 'send'
        : req.method === 'GET' && parts[0] === 'chats'
          ? 'chats'
          : req.method === 'GET' && parts.join('/') === 'users/me'
            ? 'me'
            : req.method === 'POST' && parts.join('/') === 'media/uploads'
              ? 'upload'
              : req.method === 'GET' &&
                  parts.length === 6 &&
                  parts[0] === 'media' &&
                  parts[1] === 'uploads' &&
                  parts[3] === 'parts' &&
                  parts[5] === 'url'
                ? 'part'
                : req.method === 'PATCH' &&
                    parts.length === 3 &&
                    parts[0] === 'media' &&
                    parts[1] === 'uploads'
                  ? 'complete'
                  : req.method === 'GET' && parts[0] === 'media' && parts.length === 2
                    ? 'media'
                    : undefined;
    if (!route) return reply(res, 404, { message: 'Not found' });

    const version = req.headers[FANVUE_VERSION_HEADER];
    if (version !== FANVUE_API_VERSION) {
      return reply(res, 400, { message: `Missing or unknown ${FANVUE_VERSION_HEADER}` });
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
    const expires = accessTokens.get(token);
    if (!expires || expires <= Date.now()) return reply(res, 401, { message: 'Unauthorized' });

    const now = Date.now();
    while (window.length && window[0]! <= now - FANVUE_BUCKET.windowMs) window.shift();
    window.push(now);
    const limits = {
      'x-ratelimit-limit': String(FANVUE_BUCKET.requests),
      'x-ratelimit-remaining': String(Math.max(0, FANVUE_BUCKET.requests - window.length)),
      'x-ratelimit-reset': String(Math.ceil((window[0]! + FANVUE_BUCKET.windowMs) / 1000)),
    };

    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply(res, 400, { message: 'Malformed JSON' }, limits);
      }
    }
    const chatId = route === 'send' || route === 'chats' ? parts[1] : undefined;
    const fault = takeFault(route);
    calls.push({ route, ...(chatId ? { chatId } : {}), body, headers: req.headers, at: now });
    if (fault && 'status' in fault) {
      const headers = {
        ...limits,
        ...(fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {}),
      };
      const error =
        fault.status === 410
          ? {
              message: `API version ${FANVUE_API_VERSION} is retired`,
              nextVersion: fault.nextVersion ?? '2026-09-01',
            }
          : {
              message: fault.error ?? (fault.status === 429 ? 'Too Many Requests' : 'Internal Server Error'),
            };
      return reply(res, fault.status, error, headers);
    }

    let answer: { status: number; body: unknown };
    if (route === 'me') {
      answer = {
        status: 200,
        body: { uuid: creator.uuid, handle: creator.handle, displayName: 'Velvet Creator', isCreator: true },
      };
    } else if (route === 'chats') {
      answer =
        parts[2] === 'messages'
          ? {
              status: 200,
              body: {
                data: sent
                  .filter((m) => m.chatId === chatId)
                  .map((m) => ({
                    uuid: m.messageUuid,
                    text: m.text,
                    price: m.price || null,
                    sentAt: new Date(m.at).toISOString(),
                  })),
              },
            }
          : {
              status: 200,
              body: {
                data: [...new Set(sent.map((m) => m.chatId))].map((uuid) => ({ user: { uuid } })),
                pagination: { page: 1, size: 50, hasMore: false },
              },
            };
    } else if (route === 'upload') {
      const parsed = fvCreateUploadBody.safeParse(body);
      if (!parsed.success) {
        answer = { status: 400, body: { message: `Invalid upload: ${parsed.error.issues[0]!.message}` } };
      } else {
        const upload: FanvueStandinUpload = {
          uploadId: `up_${b64url(randomBytes(12))}`,
          mediaUuid: randomUUID(),
          ...parsed.data,
          parts: new Map(),
          status: 'created',
          outcome: 'ready',
        };
        uploads.push(upload);
        answer = { status: 201, body: { uploadId: upload.uploadId, mediaUuid: upload.mediaUuid } };
      }
    } else if (route === 'part') {
      const upload = uploads.find((u) => u.uploadId === parts[2]);
      const part = Number(parts[4]);
      if (!upload || upload.status !== 'created') {
        answer = { status: 404, body: { message: 'Upload not found' } };
      } else if (!Number.isInteger(part) || part < 1 || part > 10_000) {
        answer = { status: 400, body: { message: 'partNumber must be 1–10000' } };
      } else {
        const signed = new URL(
          `/_storage/${encodeURIComponent(upload.uploadId)}/${part}`,
          `http://${req.headers.host}`,
        );
        signed.searchParams.set('X-Amz-Expires', '3600');
        signed.searchParams.set('X-Amz-Signature', sign(upload.uploadId, part));
        const href = signed.toString();
        answer = { status: 200, body: options.partUrlAs === 'object' ? { url: href } : href };
      }
    } else if (route === 'complete') {
      const upload = uploads.find((u) => u.uploadId === parts[2]);
      const parsed = fvCompleteUploadBody.safeParse(body);
      const listed = parsed.success ? parsed.data.parts : [];
      const numbers = listed.map((p) => p.PartNumber).sort((x, y) => x - y);
      if (!upload || upload.status !== 'created') {
        answer = { status: 404, body: { message: 'Upload not found' } };
      } else if (!parsed.success) {
        answer = { status: 400, body: { message: parsed.error.issues[0]!.message } };
      } else if (
        numbers.length !== upload.parts.size ||
        numbers.some((n, i) => n !== i + 1) ||
        listed.some((p) => upload.parts.get(p.PartNumber)?.etag !== p.ETag)
      ) {
        answer = {
          status: 400,
          body: { message: 'InvalidPart: every uploaded part must be listed once with its ETag' },
        };
      } else {
        upload.bytes = Buffer.concat(numbers.map((n) => upload.parts.get(n)!.bytes));
        upload.status = 'processing';
        if (fault && 'processing' in fault) upload.outcome = fault.processing;
        answer = { status: 200, body: { status: upload.status } };
      }
    } else if (route === 'media') {
      const upload = uploads.find((u) => u.mediaUuid === parts[1]);
      if (!upload) answer = { status: 404, body: { message: 'Media not found' } };
      else {
        // The first read after completion still says `processing`; the next one, the outcome.
        const status = upload.status;
        if (status === 'processing') upload.status = upload.outcome;
        answer = { status: 200, body: { mediaUuid: upload.mediaUuid, status } };
      }
    } else {
      const parsed = fvSendMessageBody.safeParse(body);
      const unready =
        parsed.success &&
        (parsed.data.mediaUuids ?? []).find(
          (id) => uploads.find((u) => u.mediaUuid === id)?.status !== 'ready',
        );
      if (!parsed.success) answer = { status: 400, body: { message: parsed.error.issues[0]!.message } };
      else if (unready) answer = { status: 400, body: { message: `Media ${unready} is not ready` } };
      else {
        const message: FanvueSentMessage = {
          messageUuid: randomUUID(),
          chatId: chatId!,
          text: parsed.data.text,
          price: parsed.data.price ?? 0,
          mediaUuids: parsed.data.mediaUuids ?? [],
          at: now,
        };
        sent.push(message);
        answer = { status: 201, body: { messageUuid: message.messageUuid } };
      }
    }
    if (fault && 'processThenClose' in fault) return void req.socket.destroy();
    reply(res, answer.status, answer.body, limits);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, { message: 'Internal Server Error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}/api`,
    authRoot: `http://127.0.0.1:${port}/auth`,
    creator,
    calls,
    sent,
    issued,
    refreshes,
    uploads,
    mediaBytes: (mediaUuid) => uploads.find((u) => u.mediaUuid === mediaUuid)?.bytes,
    failNext(route, fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ route, fault });
    },
    revokeAll() {
      for (const token of refreshTokens.keys()) refreshTokens.set(token, false);
      usedAt.clear();
    },
    expireAccessTokens() {
      for (const token of accessTokens.keys()) accessTokens.set(token, 0);
    },
    close: () => closeServer(server),
  };
}

export { deliverFanvueWebhook, fanvueEvents, signFanvueWebhook } from './fanvue.standin.events';
