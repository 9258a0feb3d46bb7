import type { RedisClient } from '@velvet/shared';
import type { SendLimits } from '@velvet/platforms';

/**
 * Reserves the next free send slot (GCRA): each call gets a distinct slot at least
 * `interval` after the previous one, so messages to one chat leave in order and evenly.
 */
const RESERVE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(now, last + interval)
redis.call('SET', KEYS[1], slot, 'PX', math.max(slot - now + interval, 1000))
return slot - now
`;

/** A fixed daily budget (1,000 a day…): ms until the window resets when spent, else 0. */
const DAILY = `
local used = redis.call('INCR', KEYS[1])
if used == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if used > tonumber(ARGV[1]) then
  redis.call('DECR', KEYS[1])
  return redis.call('PTTL', KEYS[1])
end
return 0
`;

export class SendLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Milliseconds to wait before this send may go out (0: now), under the platform's `limits`. Reserves the slot. */
  async reserve(limits: SendLimits, accountId: string, chatId: string): Promise<number> {
    const now = Date.now();
    if (limits.perDay) {
      const key = `${this.prefix}:send:day:${accountId}`;
      const wait = Number(await this.redis.eval(DAILY, 1, key, limits.perDay, 86_400_000));
      if (wait > 0) return wait;
    }
    let wait = 0;
    for (const rule of limits.rules) {
      const subject = rule.scope === 'chat' ? `${accountId}:${chatId}` : accountId;
      const key = `${this.prefix}:send:${rule.scope}:${subject}`;
      wait = Math.max(wait, Number(await this.redis.eval(RESERVE, 1, key, now, Math.ceil(rule.intervalMs))));
    }
    return wait;
  }
}
