import { GrammyError, HttpError } from 'grammy';
import { PlatformError } from '@velvet/shared';
import { neverConnected } from '../delivery';

export const INVALID_TOKEN_MESSAGE = 'Telegram rejected the bot token';

/**
 * Turns a grammY failure into the retry decision the workers act on. Messages are built
 * here, never copied from the underlying fetch error, whose text contains the request URL
 * and therefore the bot token.
 */
export function toPlatformError(err: unknown, method: string, token: string): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof GrammyError) return fromTelegram(err, method, token);
  if (err instanceof HttpError) {
    const reason = redact(err.error instanceof Error ? err.error.message : String(err.error), token);
    if (neverConnected(err.error)) {
      return new PlatformError(
        `Could not reach Telegram (${method}): ${reason}`,
        'retryable',
        undefined,
        'network',
      );
    }
    return new PlatformError(
      `Telegram did not answer ${method} (${reason}): it may have been delivered`,
      'unknown',
      undefined,
      'outcome_unknown',
    );
  }
  throw err;
}

function fromTelegram(err: GrammyError, method: string, token: string): PlatformError {
  const status = err.error_code;
  const description = redact(err.description, token);
  const said = `Telegram answered ${status} to ${method}: ${description}`;
  if (status === 429) {
    const seconds = err.parameters.retry_after ?? 1;
    return new PlatformError(
      `Telegram rate limited ${method}; retry after ${seconds}s`,
      'retryable',
      seconds * 1000,
      'rate_limited',
    );
  }
  if (status === 401)
    return new PlatformError(INVALID_TOKEN_MESSAGE, 'permanent', undefined, 'invalid_token');
  if (status === 403 && /bot was blocked by the user|user is deactivated/i.test(description)) {
    return new PlatformError(said, 'permanent', undefined, 'blocked');
  }
  if (status === 400 && /chat not found/i.test(description)) {
    return new PlatformError(said, 'permanent', undefined, 'chat_not_found');
  }
  if (status >= 400 && status < 500) return new PlatformError(said, 'permanent', undefined, 'rejected');
  return new PlatformError(said, 'retryable', undefined, 'upstream');
}

/** Removes the token, and any `/bot<token>/` URL segment, from text that is about to leave this module. */
export function redact(text: string, token: string): string {
  const withoutToken = token ? text.split(token).join('<token>') : text;
  return withoutToken.replace(/\/bot[^/\s]+\//g, '/bot<token>/');
}
