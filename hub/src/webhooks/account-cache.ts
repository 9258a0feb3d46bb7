import { z } from 'zod';
import { accountsRepo, type AccountRecord } from '@velvet/shared';
import type { HubContext } from '../context';

/** How long an account read for a webhook is trusted without asking the database again. */
export const ACCOUNT_CACHE_MS = 2000;
const MAX_CACHED = 10_000;

const change = z.strictObject({ accountId: z.uuid() });

export interface WebhookAccount {
  account: AccountRecord;
  /** The credentials opened once, not on every delivery. */
  credentials: Record<string, unknown>;
  /** Read before this call (at most ACCOUNT_CACHE_MS ago), not just now. */
  cached: boolean;
}

export interface AccountCache {
  /** The account and its opened credentials; `fresh` skips the cache (a signature that did not match). */
  get(accountId: string, options?: { fresh?: boolean }): Promise<WebhookAccount | undefined>;
  /** Forgets an account on every hub: its next webhook reads the database. */
  forget(accountId: string): Promise<void>;
  close(): void;
}

/**
 * Every webhook needs its account and opened credentials; a busy bot sends hundreds a
 * second, so they are kept for two seconds at most. A change made through the API
 * (disconnect, reconnect, settings) is published on Redis and every hub drops its copy at
 * once; the two seconds bound what a lost message (Redis reconnecting) or a change made
 * elsewhere (a worker refreshing a token) can leave stale, and a signature that fails to
 * verify against cached credentials is checked again against the database's.
 */
export function createAccountCache(ctx: HubContext): AccountCache {
  const channel = `${ctx.redisPrefix}:accounts:changed`;
  const cache = new Map<string, { entry: WebhookAccount; until: number }>();
  // Bumped by every change: an answer read from the database while a change landed is not cached.
  let generation = 0;

  const drop = (accountId: string) => {
    generation++;
    cache.delete(accountId);
  };
  const forgetAll = () => {
    generation++;
    cache.clear();
  };

  const sub = ctx.redis.duplicate();
  sub.on('message', (_channel: string, message: string) => {
    try {
      const parsed = change.safeParse(JSON.parse(message));
      // Anything unreadable on the channel: forget everything rather than trust a stale answer.
      if (parsed.success) drop(parsed.data.accountId);
      else forgetAll();
    } catch {
      forgetAll();
    }
  });
  // A hub that missed messages while Redis was away must not trust what it cached before.
  sub.on('ready', () => forgetAll());
  void sub
    .subscribe(channel)
    .catch((err: unknown) => ctx.logger.error({ err }, 'account cache: subscribe failed'));

  return {
    async get(accountId, options = {}) {
      const now = Date.now();
      const cached = cache.get(accountId);
      if (!options.fresh && cached && cached.until > now) return { ...cached.entry, cached: true };
      const readAt = generation;
      const account = await accountsRepo.findById(ctx.db, accountId);
      const entry = account && {
        account,
        credentials: ctx.secrets.credentials.openJson<Record<string, unknown>>(account.credentialsEnc),
        cached: false,
      };
      // Misses are not kept: an account may be created right after its platform first calls.
      if (!entry || readAt !== generation) return entry;
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(accountId, { entry, until: now + ACCOUNT_CACHE_MS });
      return entry;
    },

    async forget(accountId) {
      drop(accountId);
      await ctx.redis.publish(channel, JSON.stringify({ accountId }));
    },

    close() {
      sub.disconnect();
    },
  };
}
