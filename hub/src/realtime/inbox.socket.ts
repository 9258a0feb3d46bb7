import type http from 'node:http';

import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  storableText,
  AppError,
  can,
  conversationActionPayload,
  conversationSnoozePayload,
  draftApprovePayload,
  draftRejectPayload,
  createInboxPublisher,
  EventLog,
  INBOX_NAMESPACE,
  messageSendPayload,
  rooms,
  socketIoKey,
  type Ack,
  type Actor,
  type ClientToServerEvents,
  type InboxPublisher,
  type ServerToClientEvents,
  type RedisClient,
} from '@velvet/shared';
import type { ConversationsService } from '../conversations/conversations.service';
import type { DraftsService } from '../drafts/drafts.service';
import type { HubContext } from '../context';
import type { SessionGate } from '../auth/session-gate';
import { verifyAccessToken } from '../auth/tokens';
import { refuseDeep, ValidationFailed } from '../http/validate';
import { createRecoverableAdapter, type RecoveredData } from './recoverable-adapter';
import type { Assigner } from '../teams/assignment';
import { PRESENCE_TTL_MS, type Presence } from '../teams/presence';

interface SocketData extends RecoveredData {
  actor: Actor;
  /** The sign-in the handshake token belongs to. */
  sessionId: string;
  /** Socket.IO's private session id, kept where other hubs can read it (fetchSockets). */
  pid?: string;
}

type InboxSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const RECOVERY_WINDOW_MS = 2 * 60_000;

/**
 * The rooms a user may be in right now: every creator in scope (and its publishing room where
 * the role may read posts), or the admins' room.
 */
function allowedRooms(actor: Actor): string[] {
  if (actor.role === 'admin') return [rooms.user(actor.id), rooms.admins];
  const readable = actor.creatorIds.filter((id) => can(actor, 'conversation:read', { creatorId: id }));
  const publishing = actor.creatorIds.filter((id) => can(actor, 'post:read', { creatorId: id }));
  return [rooms.user(actor.id), ...readable.map(rooms.creator), ...publishing.map(rooms.publishing)];
}

function catchingPublish(redis: RedisClient, onError: (err: unknown) => void): RedisClient {
  const publish = redis.publish.bind(redis) as (...args: unknown[]) => Promise<number>;
  redis.publish = ((...args: unknown[]) => {
    const sent = publish(...args);
    sent.catch(onError);
    return sent;
  }) as RedisClient['publish'];
  return redis;
}

function toAckError(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'Something went wrong on our side' };
}

export interface InboxServer {
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  publisher: InboxPublisher;
  /** Starts accepting client events, handled by these services. */
  attach(services: {
    conversations: ConversationsService;
    drafts: DraftsService;
    /** Sockets count as presence for auto-assignment; a new one may take waiting work. */
    presence?: Presence;
    assigner?: Assigner;
  }): void;
  /**
   * Disconnects every socket in a room, on every hub, without recovery: the client signs in
   * again or, if it still may, reconnects with a fresh view of what it may see.
   */
  endSockets(room: string): void;
  /** Closes every socket and the HTTP server under it. */
  close(): Promise<void>;
}

/**
 * Socket.IO `/inbox`: token auth at the handshake, one room per creator in scope, events
 * shared across hubs through Redis, recovery of missed events within two minutes.
 */
export function createInboxServer(ctx: HubContext, server: http.Server, gate: SessionGate): InboxServer {
  // The adapter publishes without waiting for an answer: a publish that fails (Redis gone, or
  // late in a shutdown) is logged here rather than left to crash the process.
  const pub = catchingPublish(ctx.redis.duplicate(), (err) =>
    ctx.logger.warn({ err }, 'socket.io: event not published to other hubs'),
  );
  const sub = ctx.redis.duplicate();
  const log = new EventLog(ctx.redis, ctx.redisPrefix, RECOVERY_WINDOW_MS);
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(server, {
    serveClient: false,
    transports: ['websocket', 'polling'],
    connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
    adapter: createRecoverableAdapter({
      pub,
      sub,
      key: socketIoKey(ctx.redisPrefix),
      sessions: ctx.redis,
      log,
      maxDisconnectionMs: RECOVERY_WINDOW_MS,
    }) as never,
  });
  const hubId = ctx.env.VELVET_HUB_ID;
  if (hubId) {
    // "<hub>.<random>": nginx routes every request carrying this sid back to this hub.
    const generate = io.engine.generateId.bind(io.engine);
    io.engine.generateId = async (req) => `${hubId}.${await generate(req)}`;
  }
  const inbox = io.of(INBOX_NAMESPACE);

  const authenticate = async (socket: InboxSocket, next: (err?: Error) => void) => {
    const token: unknown = socket.handshake.auth?.token;
    const subject = typeof token === 'string' ? verifyAccessToken(ctx.secrets.jwtKey, token) : undefined;
    const actor = subject ? await gate.actor(subject).catch(() => undefined) : undefined;
    if (!subject || !actor) return next(new Error('unauthorized'));
    // A temporary password from an admin's reset opens nothing until it is changed.
    if (actor.mustChangePassword) return next(new Error('password_change_required'));
    socket.data.actor = { id: actor.id, role: actor.role, creatorIds: actor.creatorIds };
    socket.data.sessionId = subject.sessionId;
    next();
  };
  // Socket.IO does not wait on a middleware's promise; a failed user lookup already ends in next(error).
  inbox.use((socket: InboxSocket, next) => void authenticate(socket, next));

  // Socket.IO saves a session when a socket disconnects, which a crashed (SIGKILLed) hub never
  // does: save each one on connect and refresh it within the window, so any hub can recover it.
  const persistSession = (socket: InboxSocket) => {
    const { pid } = socket as unknown as { pid?: string };
    if (!pid) return;
    socket.data.pid = pid;
    inbox.adapter.persistSession({ sid: socket.id, pid, rooms: [...socket.rooms], data: socket.data });
  };
  const refresh = setInterval(() => inbox.sockets.forEach(persistSession), RECOVERY_WINDOW_MS / 2);
  refresh.unref();

  // Events logged after the restored session was read but broadcast before the socket was
  // connected never reached it; send them now. A client may get one twice, never zero times.
  const replayGap = async (socket: InboxSocket) => {
    const from = socket.data.replayedTo;
    delete socket.data.replayedTo;
    if (!from) return;
    const events = await log.after(from).catch(() => null);
    if (!events) return;
    for (const e of events) {
      if (!e.rooms.some((room) => socket.rooms.has(room))) continue;
      (socket as unknown as { emit(...args: unknown[]): void }).emit(e.event, e.payload, e.id);
    }
  };

  // Socket.IO clients only echo offsets they were sent: give a new one the log's head, or a
  // client whose hub dies before any event reached it would reconnect without recovery.
  const startOffset = async (socket: InboxSocket) => {
    const offset = await log.head().catch(() => null);
    if (offset && socket.connected)
      (socket as unknown as { emit(...args: unknown[]): void }).emit('sync:offset', {}, offset);
  };

  let presenceTimer: NodeJS.Timeout | undefined;
  const attach: InboxServer['attach'] = ({ conversations, drafts, presence, assigner }) => {
    const present = (socket: InboxSocket) =>
      presence
        ?.connected(socket.data.actor.id, socket.id)
        .catch((err: unknown) => ctx.logger.warn({ err }, 'presence not recorded'));
    if (presence) {
      presenceTimer = setInterval(() => inbox.sockets.forEach((s) => void present(s)), PRESENCE_TTL_MS / 3);
      presenceTimer.unref();
    }
    inbox.on('connection', (socket: InboxSocket) => {
      if (presence) {
        void present(socket)?.then(() => assigner?.kick());
        socket.on('disconnect', () => {
          presence
            .disconnected(socket.data.actor.id, socket.id)
            .catch((err: unknown) => ctx.logger.warn({ err }, 'presence not cleared'));
        });
      }
      // A recovered session brings its old rooms back; keep only what the user may see now.
      const allowed = [...allowedRooms(socket.data.actor), rooms.session(socket.data.sessionId)];
      // The Redis adapter keeps rooms in memory: join and leave are synchronous here.
      for (const room of socket.rooms)
        if (room !== socket.id && !allowed.includes(room)) void socket.leave(room);
      void socket.join(allowed);
      persistSession(socket);
      if (socket.recovered) void replayGap(socket);
      else void startOffset(socket);

      const handle =
        <S extends z.ZodType, R extends object>(
          schema: S,
          run: (actor: Actor, payload: z.output<S>) => Promise<R>,
        ) =>
        async (payload: unknown, ack: unknown) => {
          const reply = typeof ack === 'function' ? (ack as (result: Ack<R>) => void) : () => {};
          try {
            // Every event checks the session again (cached briefly): a sign-out or a disable
            // refuses the next action even if the disconnect has not landed yet.
            const actor = await gate.actor({
              userId: socket.data.actor.id,
              sessionId: socket.data.sessionId,
            });
            if (!actor) {
              reply({ ok: false, error: { code: 'unauthorized', message: 'Sign in again' } });
              socket.disconnect(true);
              return;
            }
            refuseDeep(payload);
            const parsed = schema.safeParse(storableText(payload));
            if (!parsed.success) {
              throw new ValidationFailed(
                parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
              );
            }
            reply({ ok: true, ...(await run(actor, parsed.data)) });
          } catch (error) {
            if (!(error instanceof AppError)) ctx.logger.error({ err: error }, 'socket handler failed');
            reply({ ok: false, error: toAckError(error) });
          }
        };

      socket.on(
        'message:send',
        handle(messageSendPayload, (a, p) => conversations.reply(a, p)),
      );
      socket.on(
        'conversation:assign',
        handle(conversationActionPayload, async (a, p) => (await conversations.assign(a, p), {})),
      );
      socket.on(
        'conversation:escalate',
        handle(conversationActionPayload, async (a, p) => (await conversations.escalate(a, p), {})),
      );
      socket.on(
        'draft:approve',
        handle(draftApprovePayload, (a, p) => drafts.approve(a, p)),
      );
      socket.on(
        'draft:reject',
        handle(draftRejectPayload, (a, p) => drafts.reject(a, p)),
      );
      socket.on(
        'conversation:release',
        handle(conversationActionPayload, async (a, p) => (await conversations.release(a, p), {})),
      );
      socket.on(
        'conversation:resolve',
        handle(conversationActionPayload, async (a, p) => (await conversations.resolve(a, p), {})),
      );
      socket.on(
        'conversation:reopen',
        handle(conversationActionPayload, async (a, p) => (await conversations.reopen(a, p), {})),
      );
      socket.on(
        'conversation:snooze',
        handle(conversationSnoozePayload, async (a, p) => (await conversations.snooze(a, p), {})),
      );
    });
  };

  const publisher = createInboxPublisher(log, (list, event, payload, offset) => {
    const room = inbox.to(list) as unknown as { emit(...args: unknown[]): void };
    if (offset === undefined) room.emit(event, payload);
    else room.emit(event, payload, offset);
  });

  const endSockets: InboxServer['endSockets'] = (room) => {
    void (async () => {
      // Forget their recovery sessions first, so a reconnection starts from a fresh view.
      const sockets = await inbox.in(room).fetchSockets();
      const adapter = inbox.adapter as unknown as { forgetSessions(pids: string[]): Promise<void> };
      await adapter.forgetSessions(sockets.flatMap((s) => (s.data.pid ? [s.data.pid] : [])));
    })()
      .catch((err: unknown) => ctx.logger.warn({ err }, 'ending sockets: sessions not forgotten'))
      .finally(() => inbox.in(room).disconnectSockets(true));
  };

  return {
    io,
    publisher,
    attach,
    endSockets,
    async close() {
      clearInterval(refresh);
      clearInterval(presenceTimer);
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      // Whatever was still sent goes out before the connections close.
      await Promise.all([pub.quit().catch(() => pub.disconnect()), sub.quit().catch(() => sub.disconnect())]);
    },
  };
}
