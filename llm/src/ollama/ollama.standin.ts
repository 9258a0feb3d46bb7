import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A fake Ollama server speaking the documented REST API (docs/api.md) over real HTTP, so the
 * production client, the relay and the benches run unchanged against it, with faults on demand.
 */

export interface StandinMessage {
  role: string;
  content: string;
}

/** A request body as the stand-in parsed it; GET requests record `{}`. */
export interface StandinRequestBody {
  model?: string;
  messages?: StandinMessage[];
  stream?: boolean;
  options?: Record<string, unknown>;
  keep_alive?: string | number;
  input?: string | string[];
  [key: string]: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: StandinRequestBody;
  /** performance.now() when the body was parsed. */
  at: number;
}

export interface SentChunk {
  content: string;
  /** performance.now() right after the chunk was written to the socket. */
  at: number;
}

/** Faults for the next chat request(s), consumed in order. */
export type StandinFailure =
  | { status: number; error: string }
  | { stallAfterTokens: number }
  | { closeAfterTokens: number }
  /** Ollama's own way to fail mid-stream: an `{"error": …}` line, then the end of the body. */
  | { errorAfterTokens: number; error: string }
  | { loadingMs: number };

export interface OllamaStandinOptions {
  models?: string[];
  tokensPerSecond?: number;
  /** Prompt evaluation time: headers are sent, then the first token comes after this delay. */
  firstTokenDelayMs?: number;
  reply?: (request: StandinRequestBody) => string;
}

export interface OllamaStandin {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** One list per POST /api/chat, in arrival order; stream:false records one chunk, the whole reply. */
  readonly chunksSent: SentChunk[][];
  /** Chat responses the client closed before the end. */
  readonly aborted: number;
  setTokensPerSecond(tokensPerSecond: number): void;
  failNext(kind: StandinFailure, times?: number): void;
  down(): void;
  up(): void;
  close(): Promise<void>;
}

export const DEFAULT_STANDIN_MODELS = ['llama2:7b', 'mistral:7b'];
export const DEFAULT_STANDIN_REPLY =
  "Coucou toi ! Merci pour ton message, ça me fait super plaisir 😊 J'ai hâte de te lire.";
export const STANDIN_VERSION = '0.6.8';

/** Word-ish tokens keeping their leading space: "Coucou toi !" → ["Coucou", " toi", " !"]. */
export function tokenize(text: string): string[] {
  return text.match(/\s*[\p{L}\p{N}'’]+|\s*[^\s\p{L}\p{N}'’]|\s+$/gu) ?? [];
}

export const STANDIN_EMBEDDING_DIMENSIONS = 256;

/**
 * Deterministic unit vector from the text's character trigrams, hashed into 256 dimensions
 * (lower-cased, accents kept): texts that share words land close together, as a real
 * embedding model's would, so recall can be tested on meaning-ish similarity.
 */
export function standinEmbedding(text: string): number[] {
  const vector = new Array<number>(STANDIN_EMBEDDING_DIMENSIONS).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const padded = ` ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) {
      const digest = createHash('sha256')
        .update(padded.slice(i, i + 3))
        .digest();
      vector[digest.readUInt16BE(0) % STANDIN_EMBEDDING_DIMENSIONS]! += digest[2]! & 1 ? 1 : -1;
    }
  }
  const norm = Math.hypot(...vector);
  // An empty text still gets a unit vector, as a model would give one.
  return norm > 0 ? vector.map((value) => value / norm) : vector.map((_, i) => (i === 0 ? 1 : 0));
}

const hrAnchorNs = BigInt(Date.now()) * 1_000_000n;
const hrAnchor = process.hrtime.bigint();

/** Go's RFC3339Nano, as Ollama writes `created_at`: nanoseconds, trailing zeros trimmed. */
function createdAt(): string {
  const ns = hrAnchorNs + (process.hrtime.bigint() - hrAnchor);
  const seconds = new Date(Number(ns / 1_000_000_000n) * 1000).toISOString().slice(0, 19);
  const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${seconds}${fraction ? `.${fraction}` : ''}Z`;
}

const elapsedNs = (from: bigint, to = process.hrtime.bigint()): number => Number(to - from);

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

function numPredict(options: Record<string, unknown> | undefined): number | undefined {
  const value = options?.num_predict;
  // Ollama treats -1 (infinite) and -2 (fill the context) as "no limit".
  return typeof value === 'number' && value >= 0 ? Math.floor(value) : undefined;
}

function positive(tokensPerSecond: number): number {
  if (!(tokensPerSecond > 0)) throw new RangeError('tokensPerSecond must be positive');
  return tokensPerSecond;
}

function modelDetails(name: string) {
  const [family = name, tag = ''] = name.split(':');
  const size = /^\d+(\.\d+)?[bm]$/i.test(tag) ? tag.toUpperCase() : '7B';
  return {
    parent_model: '',
    format: 'gguf',
    family,
    families: [family],
    parameter_size: size,
    quantization_level: 'Q4_0',
  };
}

export async function startOllamaStandin(options: OllamaStandinOptions = {}): Promise<OllamaStandin> {
  const models = options.models ?? DEFAULT_STANDIN_MODELS;
  const firstTokenDelayMs = options.firstTokenDelayMs ?? 0;
  const reply = options.reply ?? (() => DEFAULT_STANDIN_REPLY);
  let tokensPerSecond = positive(options.tokensPerSecond ?? 50);
  let isDown = false;
  let aborted = 0;
  const failures: StandinFailure[] = [];
  const requests: RecordedRequest[] = [];
  const chunksSent: SentChunk[][] = [];
  const sockets = new Set<Socket>();
  // Sockets the stand-in cut itself, so their closing is not counted as a client abort.
  const killed = new WeakSet<Socket>();
  const kill = (socket: Socket, reset = false) => {
    killed.add(socket);
    if (reset) socket.resetAndDestroy();
    else socket.destroy();
  };
  const startedAt = createdAt();

  const findModel = (name: unknown): string | undefined =>
    typeof name === 'string'
      ? models.find((model) => model === name || model === `${name}:latest`)
      : undefined;

  const tokenIntervalMs = () => 1000 / tokensPerSecond;

  async function chat(body: StandinRequestBody, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const sent: SentChunk[] = [];
    chunksSent.push(sent);
    const failure = failures.shift();
    if (failure && 'status' in failure) return sendJson(res, failure.status, { error: failure.error });
    if (typeof body.model !== 'string' || body.model === '') {
      return sendJson(res, 400, { error: 'model is required' });
    }
    if (!findModel(body.model)) {
      return sendJson(res, 404, { error: `model "${body.model}" not found, try pulling it first` });
    }
    const messages = body.messages ?? [];
    const stream = body.stream ?? true;
    const base = () => ({ model: body.model, created_at: createdAt() });
    if (messages.length === 0) {
      // Ollama answers an empty chat by loading the model and reporting so.
      const loaded = {
        ...base(),
        message: { role: 'assistant', content: '' },
        done_reason: 'load',
        done: true,
      };
      if (!stream) return sendJson(res, 200, loaded);
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.end(`${JSON.stringify(loaded)}\n`);
      return;
    }

    const all = tokenize(reply(body));
    const limit = numPredict(body.options);
    const tokens = limit !== undefined && limit < all.length ? all.slice(0, limit) : all;
    const doneReason = tokens.length < all.length ? 'length' : 'stop';
    const stallAt = failure && 'stallAfterTokens' in failure ? failure.stallAfterTokens : undefined;
    const closeAt = failure && 'closeAfterTokens' in failure ? failure.closeAfterTokens : undefined;
    const errorAt = failure && 'errorAfterTokens' in failure ? failure : undefined;

    // Timers stop as soon as the connection goes, whoever closed it.
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished && !killed.has(req.socket)) aborted += 1;
      gone.abort();
    });
    const wait = async (ms: number): Promise<boolean> => {
      if (gone.signal.aborted) return false;
      try {
        await sleep(ms, undefined, { signal: gone.signal });
        return true;
      } catch {
        return false;
      }
    };

    const t0 = process.hrtime.bigint();
    // A model still loading: Ollama sends no headers until it is ready.
    if (failure && 'loadingMs' in failure && !(await wait(failure.loadingMs))) return;
    const loaded = process.hrtime.bigint();
    if (stream) {
      res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
      res.flushHeaders();
    }
    if (!(await wait(firstTokenDelayMs))) return;
    const evalStart = process.hrtime.bigint();

    let content = '';
    for (let i = 0; i <= tokens.length; i += 1) {
      // Faults strike while the next token is being generated, one interval after the last.
      if (i > 0 && !(await wait(tokenIntervalMs()))) return;
      if (stallAt !== undefined && i === Math.min(stallAt, tokens.length)) {
        await wait(2 ** 31 - 1);
        return;
      }
      if (closeAt !== undefined && i === Math.min(closeAt, tokens.length)) {
        kill(req.socket);
        return;
      }
      if (errorAt && i === Math.min(errorAt.errorAfterTokens, tokens.length)) {
        res.end(`${JSON.stringify({ error: errorAt.error })}\n`);
        return;
      }
      if (i === tokens.length) break;
      const token = tokens[i] as string;
      content += token;
      if (stream) {
        const line = { ...base(), message: { role: 'assistant', content: token }, done: false };
        res.write(`${JSON.stringify(line)}\n`);
        sent.push({ content: token, at: performance.now() });
      }
    }

    const end = process.hrtime.bigint();
    const stats = {
      done_reason: doneReason,
      done: true,
      total_duration: elapsedNs(t0, end),
      load_duration: Math.max(1, elapsedNs(t0, loaded)),
      prompt_eval_count: messages.reduce((sum, message) => sum + wordCount(message.content ?? ''), 0),
      prompt_eval_duration: Math.max(1, elapsedNs(loaded, evalStart)),
      eval_count: tokens.length,
      eval_duration: Math.max(1, elapsedNs(evalStart, end)),
    };
    if (!stream) {
      sendJson(res, 200, { ...base(), message: { role: 'assistant', content }, ...stats });
      sent.push({ content, at: performance.now() });
      return;
    }
    res.end(`${JSON.stringify({ ...base(), message: { role: 'assistant', content: '' }, ...stats })}\n`);
  }

  function embed(body: StandinRequestBody, res: ServerResponse): void {
    const started = process.hrtime.bigint();
    if (!findModel(body.model)) {
      return sendJson(res, 404, { error: `model "${String(body.model)}" not found, try pulling it first` });
    }
    const { input } = body;
    const inputs = typeof input === 'string' ? [input] : input === undefined ? [] : input;
    if (!Array.isArray(inputs) || inputs.some((item) => typeof item !== 'string')) {
      return sendJson(res, 400, { error: 'invalid input type' });
    }
    const embeddings = inputs.map(standinEmbedding);
    const took = Math.max(1, elapsedNs(started));
    sendJson(res, 200, {
      model: body.model,
      embeddings,
      total_duration: took,
      load_duration: 1,
      prompt_eval_count: inputs.reduce((sum, text) => sum + wordCount(text), 0),
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://standin').pathname;
    let body: StandinRequestBody = {};
    if (method === 'POST') {
      try {
        const parsed: unknown = JSON.parse(await readBody(req));
        if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error();
        body = parsed as StandinRequestBody;
      } catch {
        return sendJson(res, 400, { error: 'invalid request body' });
      }
    }
    requests.push({ method, path, body, at: performance.now() });

    if ((method === 'GET' || method === 'HEAD') && path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Ollama is running');
      return;
    }
    if (method === 'GET' && path === '/api/version') return sendJson(res, 200, { version: STANDIN_VERSION });
    if (method === 'GET' && path === '/api/tags') {
      return sendJson(res, 200, {
        models: models.map((name) => ({
          name,
          model: name,
          modified_at: startedAt,
          size: 3_825_819_519,
          digest: createHash('sha256').update(name).digest('hex'),
          details: modelDetails(name),
        })),
      });
    }
    if (method === 'POST' && path === '/api/chat') return chat(body, req, res);
    if (method === 'POST' && path === '/api/embed') return embed(body, res);
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found');
  }

  const server = createServer({ noDelay: true }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: (error as Error).message });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    if (isDown) {
      kill(socket, true);
      return;
    }
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    chunksSent,
    get aborted() {
      return aborted;
    },
    setTokensPerSecond(value) {
      tokensPerSecond = positive(value);
    },
    failNext(kind, times = 1) {
      for (let i = 0; i < times; i += 1) failures.push(kind);
    },
    down() {
      // Like a crashed Ollama: open streams are cut and new connections reset.
      isDown = true;
      for (const socket of sockets) kill(socket, true);
    },
    up() {
      isDown = false;
    },
    async close() {
      for (const socket of sockets) kill(socket);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
