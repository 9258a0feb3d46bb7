import type { RedisClient } from '@velvet/shared';

/** A socket counts as connected this long after its last refresh (a crashed hub's fade out). */
export const PRESENCE_TTL_MS = 45_000;

/**
 * Who has an inbox open, on any hub: one Redis sorted set per person, a member per socket,
 * scored with the time it stops counting. Hubs refresh their sockets well within the TTL.
 */
export interface Presence {
  connected(userId: string, socketId: string): Promise<void>;
  disconnected(userId: string, socketId: string): Promise<void>;
  /** The ones among `userIds` with at least one live socket. */
  online(userIds: readonly string[]): Promise<Set<string>>;
}

export function createPresence(redis: RedisClient, prefix: string, now = () => Date.now()): Presence {
  const key = (userId: string) => `${prefix}:presence:${userId}`;
  return {
    async connected(userId, socketId) {
      const until = now() + PRESENCE_TTL_MS;
      await redis
        .multi()
        .zadd(key(userId), until, socketId)
        .zremrangebyscore(key(userId), '-inf', now())
        .pexpire(key(userId), PRESENCE_TTL_MS)
        .exec();
    },
    async disconnected(userId, socketId) {
      await redis.zrem(key(userId), socketId);
    },
    async online(userIds) {
      if (userIds.length === 0) return new Set();
      const pipeline = redis.pipeline();
      const from = now();
      for (const id of userIds) pipeline.zcount(key(id), from, '+inf');
      const results = (await pipeline.exec()) ?? [];
      return new Set(userIds.filter((_, i) => Number(results[i]?.[1] ?? 0) > 0));
    },
  };
}
