import { PlatformError } from '@velvet/shared';

const BASE_MS = 1000;
const MAX_MS = 5 * 60_000;

/**
 * BullMQ custom backoff ('platform'): exponential from 1 s, never sooner than the
 * platform's own retry_after, with a little jitter so retries do not arrive together.
 */
export function platformBackoff(
  attemptsMade: number,
  _type: string | undefined,
  error: Error | undefined,
): number {
  const exponential = Math.min(MAX_MS, BASE_MS * 2 ** Math.max(0, attemptsMade - 1));
  const jitter = Math.floor(Math.random() * 250);
  const retryAfter = error instanceof PlatformError ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(exponential + jitter, retryAfter + jitter);
}
