import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Ollama } from 'ollama';
import { OllamaError, statusError, toOllamaError, type OllamaErrorCode } from './ollama.errors';
import type { ChatEvent, ChatRequest, OllamaTimeouts } from './ollama.types';

export const DEFAULT_TIMEOUTS: OllamaTimeouts = {
  firstTokenMs: 30_000,
  idleMs: 10_000,
  totalMs: 120_000,
  requestMs: 5_000,
};

export interface OllamaClientOptions {
  /** Ollama base URL, e.g. http://127.0.0.1:11434 (OLLAMA_HOST). */
  host: string;
  timeouts?: Partial<OllamaTimeouts>;
}

export interface OllamaClient {
  /** Token events, then one done event; throws OllamaError. Breaking out early aborts the request. */
  streamChat(request: ChatRequest): AsyncGenerator<ChatEvent>;
  version(): Promise<string>;
  /** `/api/embed`: one vector per input, in order; throws OllamaError. */
  embed(model: string, input: string[], signal?: AbortSignal): Promise<number[][]>;
  hasModel(name: string): Promise<boolean>;
}

const REASONS: Record<OllamaErrorCode, string> = {
  unreachable: 'Ollama is unreachable',
  model_missing: 'model is missing',
  server_error: 'Ollama failed',
  timeout_first_token: 'no first token within {ms} ms',
  stalled: 'no token for {ms} ms',
  timeout_total: 'reply took longer than {ms} ms',
  empty: 'the model returned an empty reply',
  aborted: 'the draft was aborted by the caller',
};

function reasonError(code: OllamaErrorCode, ms: number, cause?: unknown): OllamaError {
  return new OllamaError(code, REASONS[code].replace('{ms}', String(ms)), { cause });
}

function checkTimeouts(timeouts: OllamaTimeouts): OllamaTimeouts {
  for (const [key, value] of Object.entries(timeouts)) {
    if (!(value > 0)) throw new RangeError(`Ollama timeout ${key} must be a positive number of ms`);
  }
  return timeouts;
}

export function createOllamaClient(options: OllamaClientOptions): OllamaClient {
  const { host } = options;
  const timeouts = checkTimeouts({ ...DEFAULT_TIMEOUTS, ...options.timeouts });

  /**
   * One Ollama instance per call: its fetch carries our signal, because the package only hands
   * out its abortable iterator once headers arrive, and Ollama sends none while a model loads.
   * A shared instance would also keep every aborted iterator in its ongoingStreamedRequests.
   */
  const ollamaWith = (signal: AbortSignal) =>
    new Ollama({
      host,
      fetch: (input, init) =>
        fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal }),
    });

  async function request<T>(call: (ollama: Ollama) => Promise<T>): Promise<T> {
    const signal = AbortSignal.timeout(timeouts.requestMs);
    try {
      return await call(ollamaWith(signal));
    } catch (error) {
      if (signal.aborted) throw reasonError('timeout_total', timeouts.requestMs, error);
      throw toOllamaError(error, '');
    }
  }

  const chatUrl = new URL(`${host.replace(/\/+$/, '')}/api/chat`);
  const secure = chatUrl.protocol === 'https:';
  // Drafts stream one after another: keep the connections open between them.
  const agent = secure ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });

  async function* streamChat(chat: ChatRequest): AsyncGenerator<ChatEvent> {
    const { model, messages, keepAlive, signal } = chat;
    if (signal?.aborted) throw reasonError('aborted', 0, signal.reason);

    const controller = new AbortController();
    let stopped: { code: OllamaErrorCode; ms: number } | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    let totalTimer: NodeJS.Timeout | undefined;
    const stop = (code: OllamaErrorCode, ms = 0) => {
      if (stopped) return;
      stopped = { code, ms };
      clearTimeout(watchdog);
      clearTimeout(totalTimer);
      controller.abort();
    };
    const watch = (code: OllamaErrorCode, ms: number) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(stop, ms, code, ms);
    };
    const onAbort = () => stop('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });

    const started = performance.now();
    let firstTokenAt: number | undefined;
    let finished = false;
    let text = '';
    try {
      totalTimer = setTimeout(stop, timeouts.totalMs, 'timeout_total', timeouts.totalMs);
      watch('timeout_first_token', timeouts.firstTokenMs);
      const body = JSON.stringify({
        model: model.name,
        messages,
        stream: true,
        keep_alive: keepAlive,
        options: { temperature: model.temperature, top_p: model.top_p, num_predict: model.max_tokens },
      });
      const response = await postChat(chatUrl, body, { agent, secure, signal: controller.signal });
      if (response.statusCode !== 200) throw await httpError(response, model.name);
      for await (const chunk of ndjson(response)) {
        clearTimeout(watchdog);
        // A chunk parsed before the abort landed must not slip out after it.
        if (stopped) throw reasonError(stopped.code, stopped.ms);
        if (typeof chunk.error === 'string')
          throw new OllamaError('server_error', `Ollama failed: ${chunk.error}`);
        const content = chunk.message?.content;
        if (content) {
          firstTokenAt ??= performance.now();
          text += content;
          yield { type: 'token', text: content };
        }
        if (chunk.done) {
          finished = true;
          clearTimeout(totalTimer);
          if (text.trim() === '') throw reasonError('empty', 0);
          const evalCount = chunk.eval_count ?? 0;
          const evalDurationNs = chunk.eval_duration ?? 0;
          yield {
            type: 'done',
            text,
            evalCount,
            evalDurationNs,
            tokensPerSecond: evalDurationNs > 0 ? evalCount / (evalDurationNs / 1e9) : 0,
            doneReason: chunk.done_reason ?? 'stop',
            timeToFirstTokenMs: (firstTokenAt ?? performance.now()) - started,
          };
          return;
        }
        // Armed only while waiting on Ollama, so a slow consumer is not mistaken for a stall.
        watch('stalled', timeouts.idleMs);
      }
      if (stopped) throw reasonError(stopped.code, stopped.ms);
      throw new OllamaError('server_error', 'Ollama ended the stream without a final chunk');
    } catch (error) {
      if (error instanceof OllamaError) throw error;
      if (stopped) throw reasonError(stopped.code, stopped.ms, error);
      throw toOllamaError(error, model.name);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      clearTimeout(watchdog);
      clearTimeout(totalTimer);
      // The consumer broke out early (or we threw): release the HTTP stream.
      if (!finished) controller.abort();
    }
  }

  return {
    streamChat,
    version: () => request(async (ollama) => (await ollama.version()).version),
    embed: async (model, input, signal) => {
      const timeout = AbortSignal.timeout(timeouts.requestMs);
      const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const { embeddings } = await ollamaWith(both).embed({ model, input });
        return embeddings;
      } catch (error) {
        if (timeout.aborted) throw reasonError('timeout_total', timeouts.requestMs, error);
        if (signal?.aborted) throw reasonError('aborted', 0, error);
        throw toOllamaError(error, model);
      }
    },
    hasModel: (name) =>
      request(async (ollama) => {
        const wanted = name.includes(':') ? [name] : [name, `${name}:latest`];
        const { models } = await ollama.list();
        return models.some((model) => wanted.includes(model.name) || wanted.includes(model.model));
      }),
  };
}

/** One streamed `/api/chat` chunk, as Ollama sends it (NDJSON, one object per line). */
interface ChatChunk {
  message?: { content?: string };
  done?: boolean;
  done_reason?: string;
  eval_count?: number;
  eval_duration?: number;
  error?: string;
}

/**
 * POSTs the chat on node:http rather than fetch: a draft is one short-lived stream of small
 * chunks, and fetch's web streams cost several times more CPU per chunk than a socket's
 * `data` events. Resolves with the response once its headers arrive.
 */
function postChat(
  url: URL,
  body: string,
  options: { agent: HttpAgent; secure: boolean; signal: AbortSignal },
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const send = options.secure ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      agent: options.agent,
      signal: options.signal,
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/x-ndjson',
        'Content-Length': Buffer.byteLength(body),
      },
    });
    request.once('response', resolve);
    // Kept for the request's life: a later error (the socket going mid-stream) reaches the
    // response too, and an 'error' nobody listens to would bring the process down.
    request.on('error', reject);
    request.end(body);
  });
}

/** Ollama's error answer as an OllamaError: `{"error": "…"}` with the HTTP status. */
async function httpError(response: IncomingMessage, model: string): Promise<OllamaError> {
  let text = '';
  response.setEncoding('utf8');
  for await (const part of response) {
    if (text.length < 4096) text += part as string;
  }
  let message = text.trim() || `HTTP ${response.statusCode}`;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') message = parsed.error;
  } catch {
    // Not JSON (a proxy's page): the text as it came.
  }
  return statusError(response.statusCode ?? 0, message, model);
}

/**
 * The response's lines, parsed, as they arrive; a line split across two reads waits for its
 * end. Fed from `data` events into a queue: a stream's own async iterator costs more per
 * read than the little work done on each line.
 */
async function* ndjson(response: IncomingMessage): AsyncGenerator<ChatChunk> {
  const queue: ChatChunk[] = [];
  let rest = '';
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  response.setEncoding('utf8');
  response.on('data', (part: string) => {
    rest += part;
    let newline = rest.indexOf('\n');
    try {
      while (newline >= 0) {
        const line = rest.slice(0, newline).trim();
        rest = rest.slice(newline + 1);
        if (line) queue.push(parseChunk(line));
        newline = rest.indexOf('\n');
      }
    } catch (error) {
      failure ??= error;
      response.destroy();
    }
    notify();
  });
  response.once('end', () => {
    try {
      if (rest.trim()) queue.push(parseChunk(rest.trim()));
    } catch (error) {
      failure ??= error;
    }
    ended = true;
    notify();
  });
  response.on('error', (error) => {
    failure ??= error;
    notify();
  });
  // A socket closed before the end, with no error of its own: the body was cut.
  response.once('close', () => {
    if (!ended && !response.complete) failure ??= Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    notify();
  });
  try {
    for (;;) {
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    response.removeAllListeners('data');
    if (!ended) response.destroy();
  }
}

function parseChunk(line: string): ChatChunk {
  try {
    return JSON.parse(line) as ChatChunk;
  } catch (error) {
    throw new OllamaError('server_error', `Ollama sent a line that is not JSON: ${line.slice(0, 200)}`, {
      cause: error,
    });
  }
}
