import { Ollama, type AbortableAsyncIterator, type ChatResponse } from 'ollama';
import { OllamaError, toOllamaError, type OllamaErrorCode } from './ollama.errors';
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

  async function* streamChat(chat: ChatRequest): AsyncGenerator<ChatEvent> {
    const { model, messages, keepAlive, signal } = chat;
    if (signal?.aborted) throw reasonError('aborted', 0, signal.reason);

    const controller = new AbortController();
    let stream: AbortableAsyncIterator<ChatResponse> | undefined;
    let stopped: { code: OllamaErrorCode; ms: number } | undefined;
    let watchdog: NodeJS.Timeout | undefined;
    let totalTimer: NodeJS.Timeout | undefined;
    const stop = (code: OllamaErrorCode, ms = 0) => {
      if (stopped) return;
      stopped = { code, ms };
      clearTimeout(watchdog);
      clearTimeout(totalTimer);
      controller.abort();
      stream?.abort();
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
      stream = await ollamaWith(controller.signal).chat({
        model: model.name,
        messages,
        stream: true,
        keep_alive: keepAlive,
        options: { temperature: model.temperature, top_p: model.top_p, num_predict: model.max_tokens },
      });
      const chunks = stream[Symbol.asyncIterator]();
      for (;;) {
        const next = await chunks.next();
        clearTimeout(watchdog);
        // A chunk parsed before the abort landed must not slip out after it.
        if (stopped) throw reasonError(stopped.code, stopped.ms);
        if (next.done) break;
        const { message, done } = next.value;
        if (message?.content) {
          firstTokenAt ??= performance.now();
          text += message.content;
          yield { type: 'token', text: message.content };
        }
        if (done) {
          finished = true;
          clearTimeout(totalTimer);
          if (text.trim() === '') throw reasonError('empty', 0);
          const {
            eval_count: evalCount,
            eval_duration: evalDurationNs,
            done_reason: doneReason,
          } = next.value;
          yield {
            type: 'done',
            text,
            evalCount,
            evalDurationNs,
            tokensPerSecond: evalDurationNs > 0 ? evalCount / (evalDurationNs / 1e9) : 0,
            doneReason,
            timeToFirstTokenMs: (firstTokenAt ?? performance.now()) - started,
          };
          return;
        }
        // Armed only while waiting on Ollama, so a slow consumer is not mistaken for a stall.
        watch('stalled', timeouts.idleMs);
      }
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
      if (!finished) {
        controller.abort();
        stream?.abort();
      }
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
