import type http from 'node:http';

import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import {
  storableText,
  AppError,
  can,
  conversationActionPayload,
  draftApprovePayload,
  draftRejectPayload,
  createInboxPublisher,
  EventLog,
  INBOX_NAMESPACE,
  messageSendPayload,
  rooms,
  socketIoKey,
  usersRepo,
  type Ack,
  type Actor,
  type ClientToServerEvents,
  type InboxPublisher,
  type ServerToClientEvents,
} from '@velvet/shared';
import type { ConversationsService } from '../conversations/conversations.service';
import type { DraftsService } from '../drafts/drafts.service';
import type { HubContext } from '../context';
import { verifyAccessToken } from '../auth/tokens';
import { refuseDeep, ValidationFailed } from '../http/validate';
import { createRecoverableAdapter, type RecoveredData } from './recoverable-adapter';

interface SocketData extends RecoveredData {
  actor: Actor;
}

type InboxSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const RECOVERY_WINDOW_MS = 2 * 60_000;

/** The rooms a user may be in right now: every creator in scope, or the admins' room. */
function allowedRooms(actor: Actor): string[] {
  if (actor.role === 'admin') return [rooms.user(actor.id), rooms.admins];
  const readable = actor.creatorIds.filter((id) => can(actor, 'conversation:read', { creatorId: id }));
  return [rooms.user(actor.id), ...readable.map(rooms.creator)];
}

function toAckError(error: unknown): { code: string; message: string } {
  if (error instanceof AppError) return { code: error.code, message: error.message };
  return { code: 'internal', message: 'Something went wrong on our side' };
}

export interface InboxServer {
  io: Server<ClientToServerEvents, ServerToClientEvents>;
  publisher: InboxPublisher;
  /** Starts accepting client events, handled by these services. */
  attach(services: { conversations: ConversationsService; drafts: DraftsService }): void;
  /** Closes every socket and the HTTP server under it. */
  close(): Promise<void>;
}

/**
 * Socket.IO `/inbox`: token auth at the handshake, one room per creator in scope, events
 * shared across hubs through Redis, recovery of missed events within two minutes.
 */
export function createInboxServer(ctx: HubContext, server: http.Server): InboxServer {
  const pub = ctx.redis.duplicate();
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
  const inbox = io.of(INBOX_NAMESPACE);

  const authenticate = async (socket: InboxSocket, next: (err?: Error) => void) => {
    const token: unknown = socket.handshake.auth?.token;
    const userId = typeof token === 'string' ? verifyAccessToken(ctx.secrets.jwtKey, token) : undefined;
    const user = userId ? await usersRepo.findById(ctx.db, userId).catch(() => undefined) : undefined;
    if (!user || user.disabledAt) return next(new Error('unauthorized'));
    socket.data.actor = { id: user.id, role: user.role, creatorIds: user.creatorIds };
    next();
  };
  // Socket.IO does not wait on a middleware's promise; a failed user lookup already ends in next(error).
  inbox.use((socket: InboxSocket, next) => void authenticate(socket, next));

  // Socket.IO saves a session when a socket disconnects, which a crashed (SIGKILLed) hub never
  // does: save each one on connect and refresh it within the window, so any hub can recover it.
  const persistSession = (socket: InboxSocket) => {
    const { pid } = socket as unknown as { pid?: string };
    if (!pid) return;
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

  const attach: InboxServer['attach'] = ({ conversations, drafts }) =>
    inbox.on('connection', (socket: InboxSocket) => {
      const actor = socket.data.actor;
      // A recovered session brings its old rooms back; keep only what the user may see now.
      const allowed = allowedRooms(actor);
      // The Redis adapter keeps rooms in memory: join and leave are synchronous here.
      for (const room of socket.rooms)
        if (room !== socket.id && !allowed.includes(room)) void socket.leave(room);
      void socket.join(allowed);
      persistSession(socket);
      if (socket.recovered) void replayGap(socket);

      const handle =
        <S extends z.ZodType, R extends object>(schema: S, run: (payload: z.output<S>) => Promise<R>) =>
        async (payload: unknown, ack: unknown) => {
          const reply = typeof ack === 'function' ? (ack as (result: Ack<R>) => void) : () => {};
          try {
            refuseDeep(payload);
            const parsed = schema.safeParse(storableText(payload));
            if (!parsed.success) {
              throw new ValidationFailed(
                parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
              );
            }
            reply({ ok: true, ...(await run(parsed.data)) });
          } catch (error) {
            if (!(error instanceof AppError)) ctx.logger.error({ err: error }, 'socket handler failed');
            reply({ ok: false, error: toAckError(error) });
          }
        };

      socket.on(
        'message:send',
        handle(messageSendPayload, (p) => conversations.reply(actor, p)),
      );
      socket.on(
        'conversation:assign',
        handle(conversationActionPayload, async (p) => (await conversations.assign(actor, p), {})),
      );
      socket.on(
        'conversation:escalate',
        handle(conversationActionPayload, async (p) => (await conversations.escalate(actor, p), {})),
      );
      socket.on(
        'draft:approve',
        handle(draftApprovePayload, (p) => drafts.approve(actor, p)),
      );
      socket.on(
        'draft:reject',
        handle(draftRejectPayload, (p) => drafts.reject(actor, p)),
      );
      socket.on(
        'conversation:release',
        handle(conversationActionPayload, async (p) => (await conversations.release(actor, p), {})),
      );
    });

  const publisher = createInboxPublisher(log, (list, event, payload, offset) => {
    const room = inbox.to(list) as unknown as { emit(...args: unknown[]): void };
    if (offset === undefined) room.emit(event, payload);
    else room.emit(event, payload, offset);
  });

  return {
    io,
    publisher,
    attach,
    async close() {
      clearInterval(refresh);
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}
