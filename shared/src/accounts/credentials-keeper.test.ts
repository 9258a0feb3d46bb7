import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsRepo,
  creatorsRepo,
  deriveSecrets,
  openDatabase,
  PlatformError,
  type Database,
} from '../index';
import {
  createTestDatabase,
  createTestRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  type TestRedisPrefix,
} from '../testing/index';
import { createCredentialsKeeper, type ExpiringTokens } from './credentials-keeper';

const secrets = deriveSecrets('keeper-test-secret-that-is-long-enough');

/** A platform's token endpoint: rotating refresh tokens that work once, with a delay. */
function rotatingTokens(latencyMs = 100) {
  let serial = 0;
  const used = new Set<string>();
  const calls: string[] = [];
  let fail: 'refused' | 'transient' | undefined;
  const tokens: ExpiringTokens = {
    expiresSoon: (stored, now) => Date.parse(String(stored.expiresAt)) <= now.getTime(),
    async refresh(stored) {
      const refreshToken = String(stored.refreshToken);
      calls.push(refreshToken);
      await new Promise((r) => setTimeout(r, latencyMs));
      if (fail === 'transient')
        throw new PlatformError('token endpoint down', 'retryable', undefined, 'upstream');
      if (fail === 'refused' || used.has(refreshToken)) {
        throw new PlatformError('invalid_grant', 'permanent', undefined, 'refresh_refused');
      }
      used.add(refreshToken);
      serial++;
      return {
        accessToken: `access-${serial}`,
        refreshToken: `refresh-${serial}`,
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      };
    },
  };
  return { tokens, calls, failWith: (kind: typeof fail) => void (fail = kind) };
}

describe('the credentials keeper refreshes expiring tokens once, across processes', () => {
  let testDb: TestDatabase;
  let database: Database;
  let prefix: TestRedisPrefix;
  const redises: Redis[] = [];
  const alerts: unknown[] = [];

  /** One keeper per "process": its own Redis connection, the same database. */
  const keeper = () => {
    const redis = new Redis(TEST_REDIS_URL);
    redises.push(redis);
    return createCredentialsKeeper({
      db: database.db,
      redis,
      redisPrefix: prefix.prefix,
      secrets,
      now: () => new Date(),
      needsAttention: async (account, attention) => {
        alerts.push({ accountId: account.id, reason: attention.reason });
        return { changed: await accountsRepo.markNeedsAttention(database.db, account.id) };
      },
    });
  };

  async function expiredAccount() {
    const creator = await creatorsRepo.create(database.db, {
      name: 'K',
      pseudonym: 'k',
      timezone: 'UTC',
      market: 'FR',
    });
    return accountsRepo.create(database.db, {
      creatorId: creator.id,
      platform: 'fanvue',
      label: 'Fanvue',
      settings: {},
      credentialsEnc: secrets.credentials.sealJson({
        accessToken: 'access-0',
        refreshToken: 'refresh-0',
        expiresAt: new Date(Date.now() - 1000).toISOString(),
      }),
    });
  }

  beforeAll(async () => {
    testDb = await createTestDatabase();
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: '/nonexistent' });
    prefix = createTestRedisPrefix();
  });
  afterAll(async () => {
    for (const redis of redises) redis.disconnect();
    await prefix?.cleanup();
    await database?.close();
    await testDb?.drop();
  });

  it('three processes at once: one refresh, everyone gets the rotated tokens, stored once', async () => {
    const account = await expiredAccount();
    const platform = rotatingTokens(300);
    const opened = await Promise.all(
      [keeper(), keeper(), keeper()].map((k) => k.open(account, platform.tokens)),
    );
    expect(platform.calls).toEqual(['refresh-0']);
    for (const credentials of opened) expect(credentials).toMatchObject({ refreshToken: 'refresh-1' });
    const row = await accountsRepo.findById(database.db, account.id);
    expect(secrets.credentials.openJson(row!.credentialsEnc)).toMatchObject({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
    });
    // Fresh now: no call at all.
    await keeper().open(row!, platform.tokens);
    expect(platform.calls).toHaveLength(1);
  });

  it('a transient failure changes nothing: the account stays active with its tokens', async () => {
    const account = await expiredAccount();
    const platform = rotatingTokens(10);
    platform.failWith('transient');
    await expect(keeper().open(account, platform.tokens)).rejects.toMatchObject({ kind: 'retryable' });
    const row = await accountsRepo.findById(database.db, account.id);
    expect(row!.status).toBe('active');
    expect(row!.credentialsEnc).toBe(account.credentialsEnc);
    platform.failWith(undefined);
    await expect(keeper().open(row!, platform.tokens)).resolves.toMatchObject({ refreshToken: 'refresh-1' });
  });

  it('a refused refresh token marks the account once and is not retried', async () => {
    const account = await expiredAccount();
    const platform = rotatingTokens(10);
    platform.failWith('refused');
    const before = alerts.length;
    await expect(keeper().open(account, platform.tokens)).rejects.toMatchObject({
      kind: 'permanent',
      code: 'reconnect_required',
    });
    await expect(keeper().open(account, platform.tokens)).rejects.toMatchObject({ kind: 'permanent' });
    expect(platform.calls).toHaveLength(1);
    expect(alerts.length - before).toBe(1);
    expect((await accountsRepo.findById(database.db, account.id))!.status).toBe('needs_attention');
  });

  it('a token refused early (markStale) is refreshed before the next call', async () => {
    const account = await expiredAccount();
    const platform = rotatingTokens(10);
    const k = keeper();
    await k.open(account, platform.tokens);
    const row = (await accountsRepo.findById(database.db, account.id))!;
    await k.open(row, platform.tokens);
    expect(platform.calls).toHaveLength(1);
    await k.markStale(account.id);
    await expect(k.open(row, platform.tokens)).resolves.toMatchObject({ refreshToken: 'refresh-2' });
    expect(platform.calls).toEqual(['refresh-0', 'refresh-1']);
  });
});
