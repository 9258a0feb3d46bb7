import type { FetchedFile } from '@velvet/shared';
import type { SendLimits } from './connector';
/**
 * Errors raised before a request could be written (no connection, no name, no trust): the
 * platform surely did nothing, so the request may be sent again. Anything else (a reset or
 * closed connection, a timeout) may have happened after the platform read it.
 */
const BEFORE_THE_REQUEST = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Whether a failed call surely never reached the platform (the at-most-once rule of every connector). */
export function neverConnected(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && BEFORE_THE_REQUEST.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A per-account budget from config: `messages_per_minute` evenly spaced, and a daily cap. */
export function accountBudget(limits: { messages_per_minute: number; messages_per_day: number }): SendLimits {
  return {
    rules: [{ scope: 'account', intervalMs: 60_000 / limits.messages_per_minute }],
    perDay: limits.messages_per_day,
  };
}

/**
 * A download the platform answered with a body, as the hub streams it on: its type, and
 * its size only when the download itself declares one (passed on as Content-Length).
 */
export function fetchedFile(headers: Headers, body: ReadableStream<Uint8Array>): FetchedFile {
  const type = headers.get('content-type');
  const length = Number(headers.get('content-length'));
  return {
    body,
    ...(type ? { contentType: type } : {}),
    ...(Number.isFinite(length) && length > 0 ? { size: length } : {}),
  };
}
