import { RedisAdapter } from '@socket.io/redis-adapter';
import type { PrivateSessionId, Session } from 'socket.io-adapter';
import type { EventLog, RedisClient } from '@velvet/shared';

type SessionToPersist = Omit<Session, 'missedPackets'>;

/** What a restored session's `socket.data` carries: the log offset its missed packets reach. */
export interface RecoveredData {
  replayedTo?: string;
}

/**
 * The Redis pub/sub adapter, plus connection state recovery that works across hubs:
 * sessions are kept in Redis and missed events are read back from the shared event log,
 * so a client that reconnects within the window gets what it missed on any hub.
 */
export function createRecoverableAdapter(options: {
  pub: RedisClient;
  sub: RedisClient;
  key: string;
  sessions: RedisClient;
  log: EventLog;
  maxDisconnectionMs: number;
}) {
  const sessionKey = (pid: string) => `${options.key}:session:${pid}`;

  class RecoverableRedisAdapter extends RedisAdapter {
    override persistSession(session: SessionToPersist): void {
      void options.sessions
        .set(sessionKey(session.pid), JSON.stringify(session), 'PX', options.maxDisconnectionMs)
        .catch(() => {});
    }

    /** Sessions that must not be recovered (their user's access changed). */
    async forgetSessions(pids: string[]): Promise<void> {
      if (pids.length > 0) await options.sessions.del(...pids.map(sessionKey));
    }

    override async restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
      // A session is restored once: a replayed pid gets a fresh connection instead.
      const stored = await options.sessions.getdel(sessionKey(pid));
      if (!stored) return null as unknown as Session;
      const events = await options.log.after(offset);
      if (!events) return null as unknown as Session;
      const session = JSON.parse(stored) as SessionToPersist;
      const joined = new Set(session.rooms);
      const missedPackets = events
        .filter((e) => e.rooms.some((room) => joined.has(room)))
        .map((e) => [e.event, e.payload, e.id]);
      // Socket.IO drops what is broadcast between this read and the end of the middlewares
      // (the socket is in its rooms but not yet connected): the hub replays from here once
      // the socket is connected.
      const replayedTo = events.at(-1)?.id ?? offset;
      const data = { ...(session.data as object), replayedTo } satisfies RecoveredData;
      return { ...session, data, missedPackets };
    }
  }

  // Socket.IO calls this with `new`, so it must be a function, not an arrow.
  return function adapter(nsp: unknown) {
    return new RecoverableRedisAdapter(nsp, options.pub, options.sub, { key: options.key });
  };
}
