import type { InboundMessage, Platform } from '@velvet/shared';

/** One inbound event as the platform would deliver it, and what Velvet must store from it. */
export interface ConformanceSample {
  name: string;
  /** The JSON body the platform posts; `chatId` is the chat the fan writes from. */
  body: unknown;
  chatId: string;
  expect: { kind: InboundMessage['kind']; text: string };
}

/** A fault the stand-in injects into the next send. */
export type ConformanceFault =
  /** The platform asks to wait (HTTP 429 with its own retry hint). */
  | { rateLimited: { retryAfterSeconds: number } }
  /** The platform fails with a server error. */
  | { serverError: true }
  /** The platform receives the send, then the connection drops before any answer. */
  | { dropAfterReceiving: true };

/**
 * A platform's local stand-in, as the connector conformance suite drives it: the suite
 * connects an account through Velvet's API, posts the platform's payloads to the webhook
 * and reads what the platform received. Each platform folder provides one.
 */
export interface ConformanceStandIn {
  /** Environment pointing the hub's connector at the stand-in (`TELEGRAM_API_ROOT=…`). */
  env: Record<string, string>;
  /** What an operator types to connect an account. */
  credentials: Record<string, unknown>;
  /**
   * For platforms that connect by OAuth: walks the redirect flow through the hub's routes,
   * as a browser would, and returns the connected account's id (instead of `credentials`).
   */
  connect?(hub: { url: string; accessToken: string }, creatorId: string): Promise<string>;
  /** Strings that must never appear in an API response or a log line. */
  secrets(): string[];
  /** Headers that authenticate a webhook call for the connected account (secret, signature). */
  sign(rawBody: string): Record<string, string>;
  /** The same headers with a wrong secret or signature. */
  forge(rawBody: string): Record<string, string>;
  /** Inbound events of every kind the platform sends; each call gives fresh platform ids. */
  samples(): ConformanceSample[];
  /** Text messages the platform delivered to `chatId`, in order, with when each arrived. */
  delivered(chatId: string): { text: string; at: number }[];
  /** Send attempts that reached the platform for `chatId`, delivered or not. */
  attempts(chatId: string): { at: number }[];
  failNextSend(fault: ConformanceFault): void;
  close(): Promise<void>;
}

export interface ConformanceKit {
  platform: Platform;
  /** Adjusts `config/velvet.yaml` for the suite's stack (a budget too slow for a test). */
  config?: (yaml: string) => string;
  start(): Promise<ConformanceStandIn>;
}
