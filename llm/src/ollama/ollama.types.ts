import type { VelvetConfig } from '@velvet/shared';

/** One entry of `ollama.models` in velvet.yaml. */
export type ModelConfig = VelvetConfig['ollama']['models']['primary'];

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  model: ModelConfig;
  messages: ChatMessage[];
  /** Ollama duration ("10m") or seconds; velvet.yaml `ollama.keep_alive`. */
  keepAlive: string | number;
  /** Aborting it stops the stream: a newer fan message supersedes the running draft. */
  signal?: AbortSignal;
}

export interface TokenEvent {
  type: 'token';
  text: string;
}

export interface DoneEvent {
  type: 'done';
  /** The whole reply: the concatenation of every token event. */
  text: string;
  evalCount: number;
  evalDurationNs: number;
  tokensPerSecond: number;
  /** "stop" when the model finished, "length" when max_tokens cut it. */
  doneReason: string;
  timeToFirstTokenMs: number;
}

export type ChatEvent = TokenEvent | DoneEvent;

export interface OllamaTimeouts {
  /** Until the first chunk; a model still loading can legitimately take this long. */
  firstTokenMs: number;
  /** Between chunks once the model is generating. */
  idleMs: number;
  /** Whole stream, from request to last token. */
  totalMs: number;
  /** Non-streaming calls: version(), hasModel(). */
  requestMs: number;
}
