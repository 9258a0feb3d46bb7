import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-url';
import type { Secrets } from '../crypto/secrets';
import type { Db } from '../db/client';
import { accountsRepo, type AccountRecord } from '../db/repositories/accounts.repo';
import { PlatformError } from '../platform';
import type { AccountAttentionHandler } from './account-attention';

type Stored = Record<string, unknown>;

/** The part of a connector that refreshes expiring tokens (`PlatformConnector.tokens`). */
export interface ExpiringTokens {
  expiresSoon(stored: Stored, now: Date): boolean;
  refresh(stored: Stored): Promise<Stored>;
}

export interface CredentialsKeeperDeps {
  db: Db;
  redis: RedisClient;
  redisPrefix: string;
  secrets: Secrets;
  now: () => Date;
  needsAttention: AccountAttentionHandler;
  /** How long a process waits for another one's refresh before giving up for now. */
  waitMs?: number;
}

/** Longer than a token call may take (15 s timeout): the lock outlives its holder's call. */
const LOCK_MS = 30_000;
const POLL_MS = 150;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Opens an account's credentials for a platform call, refreshing expiring tokens first.
 * One process refreshes at a time (a Redis lock per account); the others wait for its
 * result in the database. The new access and refresh tokens are written together, only
 * over the credentials they were refreshed from. A refused refresh token puts the account
 * in "needs attention" with one alert; any other failure changes nothing and is retried.
 */
export function createCredentialsKeeper(deps: CredentialsKeeperDeps) {
  const waitMs = deps.waitMs ?? 20_000;
  const open = (sealed: string) => deps.secrets.credentials.openJson<Stored>(sealed);

  async function reload(accountId: string): Promise<AccountRecord> {
    const row = await accountsRepo.findById(deps.db, accountId);
    if (!row || row.status !== 'active') {
      throw new PlatformError(
        row?.status === 'needs_attention'
          ? 'The account needs attention: reconnect it, then resend'
          : 'The account is disconnected',
        'permanent',
        undefined,
        'reconnect_required',
      );
    }
    return row;
  }

  const staleKey = (accountId: string) => `${deps.redisPrefix}:credentials-stale:${accountId}`;
  /** Expiring by the clock, or refused by the platform since (`markStale`). */
  async function due(accountId: string, stored: Stored, tokens: ExpiringTokens): Promise<boolean> {
    return tokens.expiresSoon(stored, deps.now()) || (await deps.redis.exists(staleKey(accountId))) > 0;
  }

  async function refreshUnderLock(accountId: string, tokens: ExpiringTokens): Promise<Stored> {
    const row = await reload(accountId);
    const current = open(row.credentialsEnc);
    // Another process may have refreshed while this one waited for the lock.
    if (!(await due(accountId, current, tokens))) return current;
    let next: Stored;
    try {
      next = await tokens.refresh(current);
    } catch (error) {
      if (error instanceof PlatformError && error.code === 'refresh_refused') {
        await deps.needsAttention(row, {
          reason: `${row.platform} refused the refresh token (access revoked, or the token was used elsewhere); reconnect the account`,
        });
        throw new PlatformError(
          `${row.platform} refused the refresh token: reconnect the account`,
          'permanent',
          undefined,
          'reconnect_required',
        );
      }
      throw error;
    }
    const saved = await deps.db.transaction((tx) =>
      accountsRepo.replaceCredentials(
        tx,
        row.id,
        row.credentialsEnc,
        deps.secrets.credentials.sealJson(next),
      ),
    );
    await deps.redis.del(staleKey(accountId));
    // A reconnect landed meanwhile: its credentials are newer than these.
    return saved ? next : open((await reload(accountId)).credentialsEnc);
  }

  return {
    async open(account: AccountRecord, tokens: ExpiringTokens | undefined): Promise<Stored> {
      const stored = open(account.credentialsEnc);
      if (!tokens || !(await due(account.id, stored, tokens))) return stored;
      const key = `${deps.redisPrefix}:credentials-refresh:${account.id}`;
      const deadline = Date.now() + waitMs;
      for (;;) {
        const holder = randomUUID();
        if (await deps.redis.set(key, holder, 'PX', LOCK_MS, 'NX')) {
          try {
            return await refreshUnderLock(account.id, tokens);
          } finally {
            await deps.redis.eval(RELEASE, 1, key, holder).catch(() => undefined);
          }
        }
        if (Date.now() > deadline) {
          throw new PlatformError(
            'Another process is still refreshing the access token',
            'retryable',
            2000,
            'refresh_busy',
          );
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
        const current = open((await reload(account.id)).credentialsEnc);
        if (!(await due(account.id, current, tokens))) return current;
      }
    },

    /** The platform refused the access token before its time (revoked): refresh before the next call. */
    async markStale(accountId: string): Promise<void> {
      await deps.redis.set(staleKey(accountId), '1', 'EX', 3600);
    },
  };
}

export type CredentialsKeeper = ReturnType<typeof createCredentialsKeeper>;
