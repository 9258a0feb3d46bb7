import { DiscordAPIError, HTTPError } from 'discord.js';
import { PlatformError } from '@velvet/shared';
import { neverConnected } from '../delivery';

export const INVALID_TOKEN_MESSAGE = 'Discord rejected the bot token';
/** https://discord.com/developers/docs/topics/opcodes-and-status-codes#json */
const CANNOT_DM_USER = 50007;

/**
 * Turns a discord.js REST failure into the retry decision the workers act on. A 429 never
 * reaches here: discord.js waits out `retry_after` and sends again. Messages are built here,
 * never copied from the error, whose URL may hold an interaction token.
 */
export function toPlatformError(err: unknown, what: string): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof DiscordAPIError) {
    const said = `Discord answered ${err.status} to ${what} (code ${String(err.code)})`;
    if (err.status === 401)
      return new PlatformError(INVALID_TOKEN_MESSAGE, 'permanent', undefined, 'invalid_token');
    if (err.code === CANNOT_DM_USER) {
      return new PlatformError(
        `${said}: the fan does not accept DMs from this bot`,
        'permanent',
        undefined,
        'blocked',
      );
    }
    if (err.status === 404) return new PlatformError(said, 'permanent', undefined, 'chat_not_found');
    if (err.status === 429) return new PlatformError(said, 'retryable', 1000, 'rate_limited');
    return new PlatformError(said, 'permanent', undefined, 'rejected');
  }
  if (err instanceof HTTPError) {
    return new PlatformError(`Discord answered ${err.status} to ${what}`, 'retryable', undefined, 'upstream');
  }
  if (neverConnected(err)) {
    return new PlatformError(`Could not reach Discord (${what})`, 'retryable', undefined, 'network');
  }
  return new PlatformError(
    `Discord did not answer ${what}: it may have been delivered`,
    'unknown',
    undefined,
    'outcome_unknown',
  );
}
