import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectors } from '@velvet/platforms';
import { loadEnv, loadVelvetConfig } from '@velvet/shared';
import { createTestRedisPrefix, TEST_REDIS_URL, type TestRedisPrefix } from '@velvet/shared/testing';
import { SendLimiter } from './send-limiter';

/**
 * The seed's OnlyFans budget at its real scale (5 a minute, 500 a day per account), read
 * from the slots the limiter hands out: no waiting for minutes to pass.
 */
describe("the OnlyFans send budget, from the seed's config", () => {
  const config = loadVelvetConfig(path.join(import.meta.dirname, '../../config/velvet.yaml'));
  const limits = createConnectors(loadEnv({})).get('onlyfans')!.limits(config.platforms);
  let redis: Redis;
  let prefix: TestRedisPrefix;
  let limiter: SendLimiter;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    prefix = createTestRedisPrefix();
    limiter = new SendLimiter(redis, prefix.prefix);
  });
  afterAll(async () => {
    await prefix.cleanup();
    redis.disconnect();
  });

  it('spreads a burst of 50 to one account 12 s apart, whatever chats they go to', async () => {
    const waits: number[] = [];
    for (let i = 0; i < 50; i++) waits.push(await limiter.reserve(limits, 'account-a', `chat-${i % 3}`));
    // Slot k is k × 12 s after the first (less the few ms these 50 calls took).
    waits.forEach((wait, k) => {
      expect(wait).toBeGreaterThan(k * 12_000 - 1000);
      expect(wait).toBeLessThanOrEqual(k * 12_000);
    });
    // In any minute from the first slot: five sends, never six.
    expect(waits.filter((w) => w < 60_000 - 1000)).toHaveLength(5);
    // Another account has its own budget.
    expect(await limiter.reserve(limits, 'account-b', 'chat-0')).toBe(0);
  });

  it('stops an account at 500 a day until the day is over', async () => {
    const daily = { rules: [], perDay: limits.perDay };
    expect(limits.perDay).toBe(500);
    for (let i = 0; i < 500; i++) expect(await limiter.reserve(daily, 'account-c', 'chat')).toBe(0);
    const wait = await limiter.reserve(daily, 'account-c', 'chat');
    expect(wait).toBeGreaterThan(23 * 3600_000);
    expect(wait).toBeLessThanOrEqual(24 * 3600_000);
    expect(await limiter.reserve(daily, 'account-d', 'chat')).toBe(0);
  });
});
