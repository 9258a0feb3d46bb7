import { z } from 'zod';
import { refreshTokensRepo, usersRepo, type Actor } from '@velvet/shared';
import type { HubContext } from '../context';
import type { TokenSubject } from './tokens';

/** The user behind a live session, as requests and socket events act for them. */
export interface SessionActor extends Actor {
  email: string;
  mustChangePassword: boolean;
}

/** How long a checked session is trusted without asking the database again. */
export const SESSION_CACHE_MS = 2000;
const MAX_CACHED = 10_000;

const change = z.union([z.strictObject({ userId: z.uuid() }), z.strictObject({ sessionId: z.uuid() })]);
type Change = z.infer<typeof change>;

export interface SessionGate {
  /** The user a token speaks for, if the user is enabled and the session not ended. */
  actor(subject: TokenSubject): Promise<SessionActor | undefined>;
  /** Forgets what every hub knows about a user or a session: the next check reads the database. */
  forget(what: Change): Promise<void>;
  close(): void;
}

/**
 * Access tokens name their sign-in; each request and socket event checks that the user is
 * enabled and the sign-in live, cached for two seconds at most. A sign-out, a disable or a
 * role change is published on Redis so every hub drops its cached answer at once.
 */
export function createSessionGate(ctx: HubContext): SessionGate {
  const channel = `${ctx.redisPrefix}:auth:changed`;
  const cache = new Map<string, { actor: SessionActor | undefined; until: number; sessionId: string }>();
  const keyOf = (s: TokenSubject) => `${s.userId}:${s.sessionId}`;
  // Bumped by every change: an answer read from the database while a change landed is not cached.
  let generation = 0;

  const drop = (what: Change) => {
    generation++;
    for (const [key, entry] of cache) {
      if ('userId' in what ? key.startsWith(`${what.userId}:`) : entry.sessionId === what.sessionId)
        cache.delete(key);
    }
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
      if (parsed.success) drop(parsed.data);
      else forgetAll();
    } catch {
      forgetAll();
    }
  });
  // A hub that missed messages while Redis was away must not trust what it cached before.
  sub.on('ready', () => forgetAll());
  void sub
    .subscribe(channel)
    .catch((err: unknown) => ctx.logger.error({ err }, 'session gate: subscribe failed'));

  return {
    async actor(subject) {
      const key = keyOf(subject);
      const now = Date.now();
      const cached = cache.get(key);
      if (cached && cached.until > now) return cached.actor;
      const readAt = generation;
      const [user, live] = await Promise.all([
        usersRepo.findById(ctx.db, subject.userId),
        refreshTokensRepo.familyActive(ctx.db, subject.sessionId, subject.userId),
      ]);
      const actor =
        user && !user.disabledAt && live
          ? {
              id: user.id,
              email: user.email,
              role: user.role,
              creatorIds: user.creatorIds,
              mustChangePassword: user.mustChangePassword,
            }
          : undefined;
      if (readAt !== generation) return actor;
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(key, { actor, until: now + SESSION_CACHE_MS, sessionId: subject.sessionId });
      return actor;
    },

    async forget(what) {
      drop(what);
      await ctx.redis.publish(channel, JSON.stringify(what));
    },

    close() {
      sub.disconnect();
    },
  };
}

/** What ends or changes someone's access everywhere: cached checks and live sockets. */
export interface AccessEvents {
  /** A sign-in ended (signed out, or its refresh token replayed): its sockets end. */
  sessionEnded(sessionId: string): Promise<void>;
  /** An admin changed a user's role, scope or disabled mark: their sockets end (and reconnect if they may). */
  userChanged(userId: string): Promise<void>;
  /** A user now also works for this creator (they created it): their sockets join its room. */
  scopeAdded(userId: string, creatorId: string): Promise<void>;
}
