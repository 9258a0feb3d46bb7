import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ofCreatePostBody, ofSendMessageBody } from './onlyfans.schema';
import { closeServer, readBody, sleep } from '../standin-kit';

/*
 * A local OnlyFansAPI.com for tests: the same URLs (`/api/{account}/…`), bearer check, JSON
 * bodies and errors as the provider for the calls Velvet makes, plus recording, faults and
 * a sender of webhook calls signed as the provider signs them.
 */

export type OnlyFansFault =
  | { status: number; retryAfter?: number; error?: string }
  /** Holds the request, then drops the connection without processing it. */
  | { hangMs: number }
  /** Processes (and records) the request, then drops the connection without answering. */
  | { processThenClose: true }
  /** Processes (and records) the request at once, then answers after `delayMs`. */
  | { delayMs: number };

/** `post`: `POST /posts`; `posts`: `GET /posts` and `GET /posts/{id}`. */
export type OnlyFansRoute = 'send' | 'upload' | 'chats' | 'download' | 'post' | 'posts';

export interface OnlyFansStandinCall {
  route: OnlyFansRoute;
  account: string;
  chatId?: string;
  body: unknown;
  at: number;
}

export interface OnlyFansSentMessage {
  id: number;
  account: string;
  chatId: string;
  text: string;
  price: number;
  mediaFiles: (string | number)[];
  at: number;
}

/** A post on an account's OnlyFans feed, as the stand-in holds it. */
export interface OnlyFansStandinPost {
  id: number;
  account: string;
  /** The text as sent (the provider shows it as HTML in `text`, as typed in `rawText`). */
  text: string;
  mediaFiles: (string | number)[];
  at: number;
  likes: number;
  comments: number;
}

export interface OnlyFansStandinOptions {
  /** API key → the provider account ids it may use. */
  keys: Record<string, string[]>;
  /** Provider account id → its OnlyFans username (`creator` otherwise). */
  usernames?: Record<string, string>;
}

export interface OnlyFansStandin {
  /** What ONLYFANS_API_ROOT points at. */
  apiRoot: string;
  calls: OnlyFansStandinCall[];
  sent: OnlyFansSentMessage[];
  uploads: { id: string; fileUrl?: string; size?: number; contentType?: string; used: boolean }[];
  /** Every post created, on every account, oldest first. */
  posts: OnlyFansStandinPost[];
  /** A post made on OnlyFans outside Velvet (by the creator, by hand). */
  addPost(account: string, text: string, options?: { at?: number; likes?: number; comments?: number }): void;
  /** A file on the OnlyFans CDN, served by `GET /{account}/media/download/{cdn url}`. */
  addCdnFile(cdnUrl: string, file: { bytes: Buffer; contentType: string }): void;
  failNext(route: OnlyFansRoute, fault: OnlyFansFault, times?: number): void;
  close(): Promise<void>;
}

/** The provider's webhook signature: hex HMAC-SHA256 of the exact body bytes. */
export function signOnlyFansWebhook(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** Posts one webhook call as the provider does: the JSON envelope, signed in `Signature`. */
export async function deliverOnlyFansWebhook(
  url: string,
  envelope: unknown,
  secret: string,
): Promise<{ status: number; body: unknown }> {
  const raw = JSON.stringify(envelope);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', signature: signOnlyFansWebhook(raw, secret) },
    body: raw,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

interface Fan {
  id: number;
  name?: string;
  username?: string;
}

/** The envelopes the provider posts, shaped as its event documentation shows. */
export const onlyfansEvents = {
  message(account: string, input: { id: number; fan: Fan; text: string; media?: unknown[] }) {
    return {
      event: 'messages.received',
      account_id: account,
      payload: {
        id: input.id,
        text: `<p>${input.text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</p>`,
        price: 0,
        isFree: true,
        isTip: false,
        mediaCount: input.media?.length ?? 0,
        media: input.media ?? [],
        previews: [],
        fromUser: {
          id: input.fan.id,
          name: input.fan.name ?? 'Fan',
          username: input.fan.username ?? `u${input.fan.id}`,
        },
        createdAt: new Date().toISOString(),
      },
    };
  },
  /** A media item of a message as OnlyFans lists it: renditions under `files`, `canView`. */
  media(input: { id: number; type: 'photo' | 'video' | 'audio' | 'gif'; url: string; canView?: boolean }) {
    return {
      id: input.id,
      type: input.type,
      canView: input.canView ?? true,
      hasError: false,
      createdAt: new Date().toISOString(),
      ...(input.type === 'video' || input.type === 'audio' ? { duration: 12 } : {}),
      files: {
        full: { url: input.url, width: 1080, height: 1350, size: 204_800, sources: [] },
        thumb: { url: `${input.url}&thumb=1`, width: 300, height: 300, size: 10_240 },
        preview: null,
        squarePreview: null,
      },
    };
  },
  subscribed(account: string, input: { fan: Fan; subscribedAt?: string }) {
    return {
      event: 'subscriptions.new',
      account_id: account,
      payload: {
        user: {
          id: input.fan.id,
          name: input.fan.name ?? 'Fan',
          username: input.fan.username ?? `u${input.fan.id}`,
        },
        subscribedAt: input.subscribedAt ?? new Date().toISOString(),
        price: 0,
      },
    };
  },
  unlocked(account: string, input: { messageId: number | string; fan: Fan; price: number }) {
    return {
      event: 'messages.ppv.unlocked',
      account_id: account,
      payload: {
        id: input.messageId,
        price: input.price,
        fromUser: {
          id: input.fan.id,
          name: input.fan.name ?? 'Fan',
          username: input.fan.username ?? `u${input.fan.id}`,
        },
      },
    };
  },
  sessionExpired(account: string) {
    return {
      event: 'accounts.session_expired',
      account_id: account,
      payload: {
        state: 'session_expired',
        progress: 'finished',
        latestAuthAttempt: { success: false, error_message: null, needs_otp: false },
      },
    };
  },
  otpRequired(account: string) {
    return {
      event: 'accounts.otp_code_required',
      account_id: account,
      payload: { state: 'pending', progress: 'started', latestAuthAttempt: { needs_otp: true } },
    };
  },
};

/** The `file` part of a form-data body: its size and type, or undefined when there is none. */
function filePart(raw: Buffer, contentType: string): { size: number; contentType: string } | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const mark = boundary ? `--${boundary[1] ?? boundary[2]}` : undefined;
  if (!mark) return undefined;
  const text = raw.toString('latin1');
  for (const part of text.split(mark)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const head = part.slice(0, split);
    if (!/name="file"/.test(head)) continue;
    const content = part.slice(split + 4).replace(/\r\n$/, '');
    return {
      size: Buffer.byteLength(content, 'latin1'),
      contentType: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream',
    };
  }
  return undefined;
}

export async function startOnlyFansStandin(options: OnlyFansStandinOptions): Promise<OnlyFansStandin> {
  const calls: OnlyFansStandinCall[] = [];
  const sent: OnlyFansSentMessage[] = [];
  const uploads: OnlyFansStandin['uploads'] = [];
  const posts: OnlyFansStandinPost[] = [];
  let nextPostId = 4_000_000_000;
  const faults: { route: OnlyFansRoute; fault: OnlyFansFault }[] = [];
  const cdn = new Map<string, { bytes: Buffer; contentType: string }>();
  let nextMessageId = 9_000_000_000;

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || !parts[1]) return reply(res, 404, { error: 'Not found' });
    const account = parts[1];
    const rest = parts.slice(2);
    const route: OnlyFansRoute | undefined =
      req.method === 'POST' && rest.length === 3 && rest[0] === 'chats' && rest[2] === 'messages'
        ? 'send'
        : req.method === 'POST' && rest.join('/') === 'media/upload'
          ? 'upload'
          : req.method === 'GET' && rest[0] === 'chats'
            ? 'chats'
            : req.method === 'GET' && rest[0] === 'media' && rest[1] === 'download'
              ? 'download'
              : req.method === 'POST' && rest.join('/') === 'posts'
                ? 'post'
                : req.method === 'GET' && rest[0] === 'posts' && rest.length <= 2
                  ? 'posts'
                  : undefined;
    if (!route) return reply(res, 404, { error: 'Not found' });

    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const allowed = auth ? options.keys[auth] : undefined;
    if (!allowed) {
      return reply(res, 401, {
        error: 'Unauthorized. Go to https://app.onlyfansapi.com/api-keys to get your API key.',
      });
    }
    if (!allowed.includes(account)) return reply(res, 404, { error: 'Account not found.' });

    const raw = await readBody(req);
    const type = req.headers['content-type'] ?? '';
    let body: unknown;
    if (type.startsWith('application/json') && raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return reply(res, 400, { error: 'Malformed JSON.' });
      }
    }
    const chatId = route === 'send' ? rest[1] : undefined;

    const index = faults.findIndex((f) => f.route === route);
    const fault = index >= 0 ? faults.splice(index, 1)[0]!.fault : undefined;
    // The provider checks the body before it holds a request up.
    if (fault && 'hangMs' in fault) {
      await sleep(fault.hangMs);
      return void req.socket.destroy();
    }
    calls.push({ route, account, ...(chatId ? { chatId } : {}), body, at: Date.now() });
    if (fault && 'status' in fault) {
      return reply(
        res,
        fault.status,
        { error: fault.error ?? (fault.status === 429 ? 'Too Many Requests' : 'Server Error') },
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
      );
    }

    if (route === 'download') {
      // The CDN address follows unencoded, query string included, as the provider documents it.
      const address = (req.url ?? '').replace(/^\/api\/[^/]+\/media\/download\//, '');
      const file = cdn.get(address);
      if (!file)
        return reply(res, 404, { error: 'The media could not be downloaded from the OnlyFans CDN.' });
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': String(file.bytes.length) });
      return void res.end(file.bytes);
    }

    let answer: { status: number; body: unknown };
    if (route === 'chats') {
      // `GET /chats`: one entry per fan written to; `GET /chats/{chat}/messages`: what was sent there.
      const data =
        rest[2] === 'messages'
          ? sent
              .filter((m) => m.account === account && m.chatId === rest[1])
              .map((m) => ({
                id: m.id,
                text: `<p>${m.text}</p>`,
                price: m.price,
                createdAt: new Date(m.at).toISOString(),
              }))
          : [...new Set(sent.filter((m) => m.account === account).map((m) => m.chatId))].map((id) => ({
              withUser: { id: Number(id) },
            }));
      answer = { status: 200, body: { data, _pagination: { next_page: null } } };
    } else if (route === 'post') {
      answer = createPost(account, body);
    } else if (route === 'posts') {
      answer = rest[1] ? getPost(account, rest[1]) : listPosts(account, url.searchParams);
    } else if (route === 'upload') {
      const fileUrl = (body as { file_url?: unknown } | undefined)?.file_url;
      const file = type.startsWith('multipart/form-data') ? filePart(raw, type) : undefined;
      if ((typeof fileUrl === 'string') === (file !== undefined)) {
        answer = { status: 422, body: { message: 'Provide exactly one of file or file_url.' } };
      } else {
        const id = `ofapi_media_${randomBytes(16).toString('hex')}`;
        uploads.push({
          id,
          ...(typeof fileUrl === 'string' ? { fileUrl } : {}),
          ...(file ? { size: file.size, contentType: file.contentType } : {}),
          used: false,
        });
        answer = { status: 200, body: { prefixed_id: id, file_name: 'upload', processId: id.slice(-20) } };
      }
    } else {
      answer = send(account, chatId!, body);
    }
    if (fault && 'processThenClose' in fault) return void req.socket.destroy();
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (res.destroyed || req.socket.destroyed) return;
    reply(res, answer.status, answer.body);
  }

  const rateLimits = { limit_minute: 1000, limit_day: 50000, remaining_minute: 999, remaining_day: 49_000 };
  const escapeHtml = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

  /** A post as the provider shows it (the fields of its "Send Post" and "Get Post" answers). */
  function view(post: OnlyFansStandinPost) {
    const username = options.usernames?.[post.account] ?? 'creator';
    return {
      responseType: 'post',
      id: post.id,
      postedAt: new Date(post.at).toISOString(),
      postedAtPrecise: String(post.at / 1000),
      author: { id: 1, _view: 's', username },
      text: post.text ? `<p>${escapeHtml(post.text).replace(/\n/g, '<br />')}</p>` : '',
      rawText: post.text,
      isMarkdownDisabled: true,
      mediaCount: post.mediaFiles.length,
      media: post.mediaFiles.map((_, i) => ({ id: post.id * 10 + i, type: 'photo', canView: true })),
      favoritesCount: post.likes,
      commentsCount: post.comments,
      tipsAmount: '0',
      canComment: true,
      isMediaReady: true,
    };
  }

  function createPost(account: string, body: unknown): { status: number; body: unknown } {
    const parsed = ofCreatePostBody.safeParse(body);
    if (!parsed.success) return { status: 422, body: { message: parsed.error.issues[0]!.message } };
    const files = parsed.data.mediaFiles ?? [];
    if (!parsed.data.text.trim() && files.length === 0)
      return { status: 422, body: { message: 'The text field is required when no media is attached.' } };
    for (const file of files) {
      const upload = typeof file === 'string' ? uploads.find((u) => u.id === file) : undefined;
      if (typeof file === 'string' && (!upload || upload.used))
        return { status: 422, body: { message: `Media ${file} is unknown or was already used.` } };
    }
    for (const file of files) {
      const upload = uploads.find((u) => u.id === file);
      if (upload) upload.used = true;
    }
    const post: OnlyFansStandinPost = {
      id: nextPostId++,
      account,
      text: parsed.data.text,
      mediaFiles: files,
      at: Date.now(),
      likes: 0,
      comments: 0,
    };
    posts.push(post);
    return { status: 200, body: { data: view(post), _meta: { _rate_limits: rateLimits } } };
  }

  function listPosts(account: string, query: URLSearchParams): { status: number; body: unknown } {
    const limit = Math.min(Math.max(Number(query.get('limit') ?? 10) || 10, 1), 100);
    const offset = Math.max(Number(query.get('offset') ?? 0) || 0, 0);
    const mine = posts.filter((p) => p.account === account).sort((a, b) => b.at - a.at || b.id - a.id);
    const list = mine.slice(offset, offset + limit).map(view);
    return {
      status: 200,
      body: {
        data: { list, hasMore: offset + limit < mine.length, nextOffset: offset + limit },
        _meta: { _rate_limits: rateLimits },
      },
    };
  }

  function getPost(account: string, id: string): { status: number; body: unknown } {
    const post = posts.find((p) => p.account === account && String(p.id) === id);
    if (!post) return { status: 404, body: { error: 'Post not found.' } };
    return { status: 200, body: { data: view(post), _meta: { _rate_limits: rateLimits } } };
  }

  function send(account: string, chatId: string, body: unknown): { status: number; body: unknown } {
    const parsed = ofSendMessageBody.safeParse(body);
    if (!parsed.success) return { status: 422, body: { message: parsed.error.issues[0]!.message } };
    const files = parsed.data.mediaFiles ?? [];
    for (const file of files) {
      const upload = typeof file === 'string' ? uploads.find((u) => u.id === file) : undefined;
      if (typeof file === 'string' && (!upload || upload.used)) {
        return { status: 422, body: { message: `Media ${file} is unknown or was already used.` } };
      }
    }
    for (const file of files) {
      const upload = uploads.find((u) => u.id === file);
      if (upload) upload.used = true;
    }
    const message: OnlyFansSentMessage = {
      id: nextMessageId++,
      account,
      chatId,
      text: parsed.data.text,
      price: parsed.data.price ?? 0,
      mediaFiles: files,
      at: Date.now(),
    };
    sent.push(message);
    return {
      status: 200,
      body: {
        data: {
          responseType: 'message',
          id: message.id,
          text: `<p>${message.text}</p>`,
          price: message.price,
          isFree: message.price === 0,
          mediaCount: files.length,
          fromUser: { id: 1, _view: 's' },
          createdAt: new Date(message.at).toISOString(),
        },
      },
    };
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) reply(res, 500, { error: 'Server Error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}/api`,
    calls,
    sent,
    uploads,
    posts,
    addPost(account, text, extra = {}) {
      posts.push({
        id: nextPostId++,
        account,
        text,
        mediaFiles: [],
        at: extra.at ?? Date.now(),
        likes: extra.likes ?? 0,
        comments: extra.comments ?? 0,
      });
    },
    addCdnFile(cdnUrl, file) {
      cdn.set(cdnUrl, file);
    },
    failNext(route, fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ route, fault });
    },
    close: () => closeServer(server),
  };
}
