import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer } from '../standin-kit';

/*
 * A local Bot API server for tests: same URLs, same JSON envelopes, same error codes and
 * descriptions as api.telegram.org for the methods Velvet calls, plus recording and faults.
 */

export const TELEGRAM_STANDIN_TOKEN = '7000000001:AAVelvetStandinTokenForTestsOnly_0001';

export type TelegramFault =
  | { status: 429; retryAfter: number }
  | { status: number; description: string }
  /** Holds the request, then drops the connection without processing it. */
  | { hangMs: number }
  | { closeConnection: true }
  /** Processes (and records) the request, then drops the connection without answering. */
  | { processThenClose: true }
  /** Processes (and records) the request at once but answers only after the delay. */
  | { delayMs: number };

export interface TelegramStandinCall {
  method: string;
  token: string;
  body: Record<string, unknown>;
  at: number;
}

export interface TelegramSentMessage {
  token: string;
  chat_id: unknown;
  text: unknown;
  reply_markup?: unknown;
  at: number;
}

export interface TelegramRecordedWebhook {
  url: string;
  secret_token?: string;
  allowed_updates?: string[];
}

export interface TelegramCallbackAnswer {
  token: string;
  callback_query_id: unknown;
  text?: unknown;
  at: number;
}

export interface TelegramSentInvoice {
  token: string;
  chat_id: unknown;
  title: string;
  description: string;
  payload: string;
  currency: string;
  prices: { label: string; amount: number }[];
  message_id: number;
  at: number;
}

export interface TelegramPreCheckoutAnswer {
  token: string;
  pre_checkout_query_id: unknown;
  ok: boolean;
  error_message?: unknown;
  at: number;
}

export interface TelegramUploadedFile {
  filename: string;
  size: number;
  bytes: Buffer;
}

export interface TelegramSentMedia {
  token: string;
  chat_id: unknown;
  method: 'sendPhoto' | 'sendVideo' | 'sendDocument' | 'sendMediaGroup';
  /** `media` is a URL or file_id, or `attach://<part>` for an upload, whose bytes are in `upload`. */
  media: { type: string; media: string; caption?: string; upload?: TelegramUploadedFile }[];
  at: number;
}

export interface TelegramStandinFile {
  fileId: string;
  fileUniqueId: string;
  /** Relative path, as getFile's `file_path` gives it. */
  path: string;
  size: number;
}

export interface TelegramStandin {
  invoices: TelegramSentInvoice[];
  preCheckoutAnswers: TelegramPreCheckoutAnswer[];
  media: TelegramSentMedia[];
  /** Pass as the connector's apiRoot. */
  apiRoot: string;
  /** The first accepted token. */
  token: string;
  tokens: readonly string[];
  sent: TelegramSentMessage[];
  webhooks: Map<string, TelegramRecordedWebhook>;
  /** Command menus by `<token>:<language code>` (`<token>:` for the default). */
  commands: Map<string, { command: string; description: string }[]>;
  callbackAnswers: TelegramCallbackAnswer[];
  calls: TelegramStandinCall[];
  /** The next `times` calls of `method` (whose body passes `match`, when given) get `fault`. */
  failNext(
    method: string,
    fault: TelegramFault,
    times?: number,
    match?: (body: Record<string, unknown>) => boolean,
  ): void;
  /**
   * Makes `bytes` downloadable: getFile answers for its id and `/file/bot<token>/<path>`
   * serves it. Only `token`'s bot may fetch it when given, as file ids are per bot.
   */
  addFile(
    bytes: Buffer | Uint8Array,
    options?: { fileId?: string; fileUniqueId?: string; path?: string; token?: string },
  ): TelegramStandinFile;
  /** The token stops working (revoked in @BotFather): every call with it answers 401. */
  revoke(token: string): void;
  /** A revoked token works again. */
  restore(token: string): void;
  /**
   * Telegram failed to deliver to the bot's webhook: `getWebhookInfo` reports the error, and
   * `pending` updates waiting (0: deliveries have recovered since).
   */
  failDeliveries(token: string, message: string, pending: number): void;
  /** Called as each request arrives, before it is answered; returns an unsubscribe function. */
  onCall(listener: (call: TelegramStandinCall) => void): () => void;
  close(): Promise<void>;
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly description: string,
  ) {
    super(description);
  }
}

const MAX_MESSAGE_LENGTH = 4096;
/** https://core.telegram.org/bots/api#getfile — bots may download files up to 20 MB. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  oga: 'audio/ogg',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  pdf: 'application/pdf',
};

export async function startTelegramStandin(options: { tokens?: string[] } = {}): Promise<TelegramStandin> {
  const tokens = options.tokens?.length ? [...options.tokens] : [TELEGRAM_STANDIN_TOKEN];
  for (const token of tokens) {
    if (!/^\d+:\S+$/.test(token))
      throw new Error('Stand-in tokens look like Telegram ones: "<bot id>:<secret>"');
  }
  const accepted = new Set(tokens);
  const deliveryFailures = new Map<string, { date: number; message: string; pending: number }>();
  const sent: TelegramSentMessage[] = [];
  const webhooks = new Map<string, TelegramRecordedWebhook>();
  const callbackAnswers: TelegramCallbackAnswer[] = [];
  const invoices: TelegramSentInvoice[] = [];
  const preCheckoutAnswers: TelegramPreCheckoutAnswer[] = [];
  const media: TelegramSentMedia[] = [];
  const calls: TelegramStandinCall[] = [];
  /** `<token>:<language code or ''>` → the command menu set for it. */
  const commands = new Map<string, { command: string; description: string }[]>();
  const faults = new Map<
    string,
    { fault: TelegramFault; match?: (body: Record<string, unknown>) => boolean }[]
  >();
  const listeners = new Set<(call: TelegramStandinCall) => void>();
  const lastMessageId = new Map<string, number>();
  const timers = new Set<{ handle: NodeJS.Timeout; resolve: () => void }>();
  const files = new Map<string, TelegramStandinFile & { bytes: Buffer; token?: string }>();
  let fileCount = 0;
  let closed = false;

  function botUser(token: string) {
    return {
      id: Number(token.slice(0, token.indexOf(':'))),
      is_bot: true,
      first_name: 'Velvet Test Bot',
      username: 'velvet_test_bot',
    };
  }

  function chatOf(body: Record<string, unknown>): number {
    if (body.chat_id === undefined || body.chat_id === '')
      throw new ApiFailure(400, 'Bad Request: chat_id is empty');
    const chatId = Number(body.chat_id);
    if (!/^-?\d+$/.test(String(body.chat_id)) || !Number.isSafeInteger(chatId)) {
      throw new ApiFailure(400, 'Bad Request: chat not found');
    }
    return chatId;
  }

  function nextMessage(token: string, chatId: number, extra: Record<string, unknown>) {
    const key = `${token}:${chatId}`;
    const messageId = (lastMessageId.get(key) ?? 0) + 1;
    lastMessageId.set(key, messageId);
    return {
      message_id: messageId,
      from: botUser(token),
      chat: { id: chatId, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      ...extra,
    };
  }

  function sendOne(method: 'sendPhoto' | 'sendVideo' | 'sendDocument', field: string) {
    return (token: string, body: Record<string, unknown>) => {
      const chatId = chatOf(body);
      const { reference, upload } = fileOf(body, field);
      const caption = typeof body.caption === 'string' ? body.caption : undefined;
      if (caption && caption.length > 1024)
        throw new ApiFailure(400, 'Bad Request: message caption is too long');
      media.push({
        token,
        chat_id: body.chat_id,
        method,
        media: [
          { type: field, media: reference, ...(caption ? { caption } : {}), ...(upload ? { upload } : {}) },
        ],
        at: Date.now(),
      });
      return nextMessage(token, chatId, caption ? { caption } : {});
    };
  }

  /** A file_id or URL string, a multipart file in the field itself, or `attach://<part>`. */
  function fileOf(
    body: Record<string, unknown>,
    field: string,
  ): { reference: string; upload?: TelegramUploadedFile } {
    const value = body[field];
    if (isUpload(value)) return { reference: `attach://${field}`, upload: value };
    if (typeof value !== 'string' || !value)
      throw new ApiFailure(400, `Bad Request: there is no ${field} in the request`);
    if (!value.startsWith('attach://')) return { reference: value };
    const part = body[value.slice('attach://'.length)];
    if (!isUpload(part)) throw new ApiFailure(400, `Bad Request: file must be non-empty`);
    return { reference: value, upload: part };
  }

  const methods: Record<string, (token: string, body: Record<string, unknown>) => unknown> = {
    // https://core.telegram.org/bots/api#getfile
    getFile: (token, body) => {
      const fileId = typeof body.file_id === 'string' ? body.file_id : '';
      if (!fileId) throw new ApiFailure(400, 'Bad Request: file_id not specified');
      const file = files.get(fileId);
      if (!file || (file.token && file.token !== token))
        throw new ApiFailure(400, 'Bad Request: invalid file_id');
      if (file.size > MAX_DOWNLOAD_BYTES) throw new ApiFailure(400, 'Bad Request: file is too big');
      return {
        file_id: file.fileId,
        file_unique_id: file.fileUniqueId,
        file_size: file.size,
        file_path: file.path,
      };
    },
    // https://core.telegram.org/bots/api#sendinvoice — Stars (XTR): exactly one price, empty provider token.
    sendInvoice: (token, body) => {
      const chatId = chatOf(body);
      const title = typeof body.title === 'string' ? body.title : '';
      const description = typeof body.description === 'string' ? body.description : '';
      const payload = typeof body.payload === 'string' ? body.payload : '';
      const currency = typeof body.currency === 'string' ? body.currency : '';
      const prices = Array.isArray(body.prices) ? (body.prices as { label: string; amount: number }[]) : [];
      if (title.length < 1 || title.length > 32)
        throw new ApiFailure(400, 'Bad Request: INVOICE_TITLE_INVALID');
      if (description.length < 1 || description.length > 255)
        throw new ApiFailure(400, 'Bad Request: INVOICE_DESCRIPTION_INVALID');
      if (Buffer.byteLength(payload) < 1 || Buffer.byteLength(payload) > 128)
        throw new ApiFailure(400, 'Bad Request: INVOICE_PAYLOAD_INVALID');
      if (!currency) throw new ApiFailure(400, 'Bad Request: CURRENCY_INVALID');
      if (currency === 'XTR') {
        if (prices.length !== 1) throw new ApiFailure(400, 'Bad Request: STARS_INVOICE_INVALID');
        if (body.provider_token) throw new ApiFailure(400, 'Bad Request: PROVIDER_TOKEN_INVALID');
      }
      if (prices.some((p) => !Number.isInteger(p.amount) || p.amount <= 0))
        throw new ApiFailure(400, 'Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID');
      const message = nextMessage(token, chatId, {
        invoice: {
          title,
          description,
          start_parameter: '',
          currency,
          total_amount: prices.reduce((sum, p) => sum + p.amount, 0),
        },
      });
      invoices.push({
        token,
        chat_id: body.chat_id,
        title,
        description,
        payload,
        currency,
        prices,
        message_id: message.message_id,
        at: Date.now(),
      });
      return message;
    },
    answerPreCheckoutQuery: (token, body) => {
      if (body.pre_checkout_query_id === undefined)
        throw new ApiFailure(400, 'Bad Request: QUERY_ID_INVALID');
      const ok = body.ok === true || body.ok === 'true';
      if (!ok && !body.error_message) throw new ApiFailure(400, 'Bad Request: error_message is empty');
      preCheckoutAnswers.push({
        token,
        pre_checkout_query_id: body.pre_checkout_query_id,
        ok,
        ...(body.error_message !== undefined ? { error_message: body.error_message } : {}),
        at: Date.now(),
      });
      return true;
    },
    sendPhoto: sendOne('sendPhoto', 'photo'),
    sendVideo: sendOne('sendVideo', 'video'),
    sendDocument: sendOne('sendDocument', 'document'),
    sendMediaGroup: (token, body) => {
      const chatId = chatOf(body);
      const items = Array.isArray(body.media)
        ? (body.media as { type: string; media: string; caption?: string }[])
        : [];
      if (items.length < 2 || items.length > 10)
        throw new ApiFailure(400, 'Bad Request: wrong number of media in the album');
      media.push({ token, chat_id: body.chat_id, method: 'sendMediaGroup', media: items, at: Date.now() });
      return items.map((item) => nextMessage(token, chatId, item.caption ? { caption: item.caption } : {}));
    },
    getMe: (token) => ({
      ...botUser(token),
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    }),
    setWebhook: (token, body) => {
      const url = typeof body.url === 'string' ? body.url : '';
      // Telegram treats an empty url as "remove the webhook".
      if (!url) webhooks.delete(token);
      else
        webhooks.set(token, {
          url,
          secret_token: body.secret_token as string | undefined,
          allowed_updates: body.allowed_updates as string[] | undefined,
        });
      return true;
    },
    // https://core.telegram.org/bots/api#setmycommands — per scope and language; an empty list resets.
    setMyCommands: (token, body) => {
      const list = Array.isArray(body.commands) ? (body.commands as Record<string, unknown>[]) : undefined;
      if (!list) throw new ApiFailure(400, "Bad Request: can't parse commands JSON object");
      if (list.length > 100) throw new ApiFailure(400, 'Bad Request: too many commands specified');
      for (const entry of list) {
        if (typeof entry.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(entry.command))
          throw new ApiFailure(400, 'Bad Request: BOT_COMMAND_INVALID');
        if (
          typeof entry.description !== 'string' ||
          entry.description.length < 1 ||
          entry.description.length > 256
        )
          throw new ApiFailure(400, 'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID');
      }
      const language = typeof body.language_code === 'string' ? body.language_code : '';
      const key = `${token}:${language}`;
      if (list.length === 0) commands.delete(key);
      else
        commands.set(
          key,
          list.map((e) => ({ command: e.command as string, description: e.description as string })),
        );
      return true;
    },
    getMyCommands: (token, body) =>
      commands.get(`${token}:${typeof body.language_code === 'string' ? body.language_code : ''}`) ?? [],
    deleteMyCommands: (token, body) => {
      commands.delete(`${token}:${typeof body.language_code === 'string' ? body.language_code : ''}`);
      return true;
    },
    deleteWebhook: (token) => {
      webhooks.delete(token);
      return true;
    },
    getWebhookInfo: (token) => {
      const webhook = webhooks.get(token);
      const failure = deliveryFailures.get(token);
      return {
        url: webhook?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: failure?.pending ?? 0,
        ...(failure ? { last_error_date: failure.date, last_error_message: failure.message } : {}),
        ...(webhook?.allowed_updates ? { allowed_updates: webhook.allowed_updates } : {}),
      };
    },
    sendMessage: (token, body) => {
      if (body.chat_id === undefined || body.chat_id === '')
        throw new ApiFailure(400, 'Bad Request: chat_id is empty');
      const chatId = Number(body.chat_id);
      if (!/^-?\d+$/.test(String(body.chat_id)) || !Number.isSafeInteger(chatId)) {
        throw new ApiFailure(400, 'Bad Request: chat not found');
      }
      const text = typeof body.text === 'string' ? body.text : '';
      if (!text.trim()) throw new ApiFailure(400, 'Bad Request: message text is empty');
      if (text.length > MAX_MESSAGE_LENGTH) throw new ApiFailure(400, 'Bad Request: message is too long');
      sent.push({
        token,
        chat_id: body.chat_id,
        text: body.text,
        ...(body.reply_markup !== undefined ? { reply_markup: body.reply_markup } : {}),
        at: Date.now(),
      });
      const key = `${token}:${chatId}`;
      const messageId = (lastMessageId.get(key) ?? 0) + 1;
      lastMessageId.set(key, messageId);
      return {
        message_id: messageId,
        from: botUser(token),
        chat: { id: chatId, type: 'private' },
        date: Math.floor(Date.now() / 1000),
        text,
        ...(body.reply_markup !== undefined ? { reply_markup: body.reply_markup } : {}),
      };
    },
    answerCallbackQuery: (token, body) => {
      if (body.callback_query_id === undefined) {
        throw new ApiFailure(
          400,
          'Bad Request: query is too old and response timeout expired or query ID is invalid',
        );
      }
      callbackAnswers.push({
        token,
        callback_query_id: body.callback_query_id,
        ...(body.text !== undefined ? { text: body.text } : {}),
        at: Date.now(),
      });
      return true;
    },
  };
  // The Bot API matches method names case-insensitively.
  const byLowerName = new Map(Object.keys(methods).map((name) => [name.toLowerCase(), name]));

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = {
        resolve,
        handle: setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms),
      };
      timers.add(timer);
    });
  }

  function takeFault(method: string, body: Record<string, unknown>): TelegramFault | undefined {
    const queue = faults.get(method);
    const index = queue?.findIndex((entry) => !entry.match || entry.match(body)) ?? -1;
    if (!queue || index < 0) return undefined;
    const [entry] = queue.splice(index, 1);
    if (queue.length === 0) faults.delete(method);
    return entry!.fault;
  }

  /** `GET /file/bot<token>/<file_path>`: the bytes, as api.telegram.org serves them. */
  async function download(res: ServerResponse, method: string, token: string, filePath: string) {
    if (method !== 'GET' && method !== 'HEAD')
      return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const fault = takeFault('file', { file_path: filePath });
    if (fault && 'status' in fault && !('retryAfter' in fault))
      return reply(res, fault.status, {
        ok: false,
        error_code: fault.status,
        description: fault.description,
      });
    if (fault && 'closeConnection' in fault) return void res.socket?.destroy();
    if (!accepted.has(token))
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const file = [...files.values()].find((f) => f.path === filePath && (!f.token || f.token === token));
    if (!file) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const extension = file.path.split('.').pop()?.toLowerCase() ?? '';
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'content-length': file.bytes.length,
    });
    res.end(method === 'HEAD' ? undefined : file.bytes);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://standin');
    const fileRoute = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileRoute) {
      return download(
        res,
        req.method ?? '',
        decodeURIComponent(fileRoute[1] ?? ''),
        decodeURIComponent(fileRoute[2] ?? ''),
      );
    }
    const route = /^\/bot([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!route || (req.method !== 'GET' && req.method !== 'POST')) {
      return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const token = decodeURIComponent(route[1] ?? '');
    const requested = route[2] ?? '';
    const method = byLowerName.get(requested.toLowerCase()) ?? requested;

    let body: Record<string, unknown>;
    try {
      body = { ...Object.fromEntries(url.searchParams), ...(await readParams(req)) };
    } catch {
      return reply(res, 400, {
        ok: false,
        error_code: 400,
        description: "Bad Request: can't parse request body",
      });
    }
    const call: TelegramStandinCall = { method, token, body, at: Date.now() };
    calls.push(call);
    for (const listener of listeners) listener(call);

    const fault = takeFault(method, body);
    if (fault && 'closeConnection' in fault) return void req.socket.destroy();
    if (fault && 'hangMs' in fault) {
      await sleep(fault.hangMs);
      return void req.socket.destroy();
    }
    if (fault && 'status' in fault) {
      if ('retryAfter' in fault) {
        return reply(res, 429, {
          ok: false,
          error_code: 429,
          description: `Too Many Requests: retry after ${fault.retryAfter}`,
          parameters: { retry_after: fault.retryAfter },
        });
      }
      return reply(res, fault.status, {
        ok: false,
        error_code: fault.status,
        description: fault.description,
      });
    }

    if (!accepted.has(token))
      return reply(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const run = methods[method];
    if (!run)
      return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found: method not found' });
    let result: unknown;
    try {
      result = run(token, body);
    } catch (err) {
      if (!(err instanceof ApiFailure)) throw err;
      return reply(res, err.status, { ok: false, error_code: err.status, description: err.description });
    }
    // Recorded above, answered late: a client that dies meanwhile has still "sent" the message.
    if (fault && 'delayMs' in fault) await sleep(fault.delayMs);
    if (fault && 'processThenClose' in fault) return void req.socket.destroy();
    reply(res, 200, { ok: true, result });
  }

  function reply(res: ServerResponse, status: number, payload: object): void {
    if (closed || res.destroyed || res.writableEnded) return;
    const json = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      const description = `Internal Server Error: ${err instanceof Error ? err.message : String(err)}`;
      reply(res, 500, { ok: false, error_code: 500, description });
    });
  });
  // Longer than any client keep-alive, so an idle pooled socket is not closed under a new request.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    apiRoot: `http://127.0.0.1:${port}`,
    token: tokens[0] as string,
    tokens,
    sent,
    webhooks,
    commands,
    callbackAnswers,
    invoices,
    preCheckoutAnswers,
    media,
    calls,
    revoke(token) {
      accepted.delete(token);
    },
    restore(token) {
      accepted.add(token);
    },
    failDeliveries(token, message, pending) {
      deliveryFailures.set(token, { date: Math.floor(Date.now() / 1000), message, pending });
    },
    failNext(method, fault, times = 1, match) {
      const queue = faults.get(method) ?? [];
      for (let i = 0; i < times; i++) queue.push({ fault, match });
      faults.set(method, queue);
    },
    addFile(bytes, options = {}) {
      fileCount += 1;
      const fileId = options.fileId ?? `BQACAgQAAxkBAAStandin${String(fileCount).padStart(4, '0')}`;
      const file = {
        fileId,
        fileUniqueId: options.fileUniqueId ?? `AgADStandin${fileCount}`,
        path: options.path ?? `documents/file_${fileCount}.dat`,
        size: bytes.length,
        bytes: Buffer.from(bytes),
        ...(options.token ? { token: options.token } : {}),
      };
      files.set(fileId, file);
      return { fileId: file.fileId, fileUniqueId: file.fileUniqueId, path: file.path, size: file.size };
    },
    onCall(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      for (const timer of timers) {
        clearTimeout(timer.handle);
        timer.resolve();
      }
      timers.clear();
      await closeServer(server);
    },
  };
}

/** JSON, urlencoded and multipart bodies, as the Bot API accepts; form values that are JSON get decoded. */
async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  if (raw.length === 0) return {};
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  if (type.startsWith('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams(raw.toString('utf8'));
    return Object.fromEntries([...params].map(([key, value]) => [key, decodeFormValue(value)]));
  }
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
    const marker = boundary?.[1] ?? boundary?.[2];
    if (!marker) throw new Error('multipart body without boundary');
    return parseMultipart(raw, marker.trim());
  }
  return {};
}

function parseMultipart(raw: Buffer, boundary: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  // latin1 maps bytes 1:1, so file parts survive the split with their exact size.
  for (const part of raw.toString('latin1').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const headers = part.slice(0, split);
    const content = part.slice(split + 4).replace(/\r\n$/, '');
    const name = /(?:^|[;\s])name="([^"]*)"/i.exec(headers)?.[1];
    if (!name) continue;
    // grammY writes the file name unquoted.
    const filename = /filename=(?:"([^"]*)"|([^;\r\n]*))/i.exec(headers);
    params[name] =
      filename !== null
        ? {
            filename: Buffer.from(filename[1] ?? filename[2] ?? '', 'latin1').toString('utf8'),
            size: content.length,
            bytes: Buffer.from(content, 'latin1'),
          }
        : decodeFormValue(Buffer.from(content, 'latin1').toString('utf8'));
  }
  return params;
}

function isUpload(value: unknown): value is TelegramUploadedFile {
  return (
    typeof value === 'object' && value !== null && Buffer.isBuffer((value as TelegramUploadedFile).bytes)
  );
}

function decodeFormValue(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
