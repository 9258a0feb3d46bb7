import { randomUUID } from 'node:crypto';
import type { RedisClient } from './redis-url';

const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export class LockBusy extends Error {}

/**
 * Runs `work` while holding `key`, one holder at a time across every process sharing the
 * Redis (hubs, workers). The lease is renewed while `work` runs, so a slow holder keeps it
 * and a dead one frees it after `leaseMs`. A caller that cannot get it within `waitMs`
 * gets `LockBusy`.
 */
export async function withRedisLock<T>(
  redis: RedisClient,
  key: string,
  work: () => Promise<T>,
  options: { leaseMs?: number; waitMs?: number; pollMs?: number } = {},
): Promise<T> {
  const leaseMs = options.leaseMs ?? 15_000;
  const deadline = Date.now() + (options.waitMs ?? 30_000);
  const holder = randomUUID();
  while ((await redis.set(key, holder, 'PX', leaseMs, 'NX')) !== 'OK') {
    if (Date.now() > deadline) throw new LockBusy(`${key} is held by another process`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
  const renew = setInterval(() => {
    void redis.eval(RENEW, 1, key, holder, String(leaseMs)).catch(() => undefined);
  }, leaseMs / 3);
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await redis.eval(RELEASE, 1, key, holder).catch(() => undefined);
  }
}
