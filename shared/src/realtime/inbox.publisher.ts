import { Emitter } from '@socket.io/redis-emitter';
import type { RedisClient } from '../redis/redis-url';
import { rooms, type ServerEventName, type ServerEventPayload } from '../events';
import type { EventLog } from './event-log';

export type InboxTarget =
  | {
      /** Null: agency-wide, to admins only. */
      creatorId: string | null;
      conversationId?: string;
    }
  /** One person, on every device and hub they are connected to (their notifications). */
  | { userId: string }
  /** A creator's posts and calendar: admins, and the creator's people allowed to read posts. */
  | { publishing: string };

/** Pushes one server → client event to everyone allowed to see it. */
export interface InboxPublisher {
  emit<E extends ServerEventName>(
    target: InboxTarget,
    event: E,
    payload: ServerEventPayload<E>,
  ): Promise<void>;
  /** Not logged for recovery: bursts whose final state another event carries (draft tokens). */
  emitVolatile<E extends ServerEventName>(
    target: InboxTarget,
    event: E,
    payload: ServerEventPayload<E>,
  ): void;
}

/**
 * Sends to the given rooms, with the log offset as the last argument (Socket.IO's recovery
 * offset) when the event was logged.
 */
export type Broadcast = (rooms: string[], event: ServerEventName, payload: unknown, offset?: string) => void;

export function targetRooms(target: InboxTarget): string[] {
  if ('userId' in target) return [rooms.user(target.userId)];
  if ('publishing' in target) return [rooms.admins, rooms.publishing(target.publishing)];
  const list = [rooms.admins];
  if (target.creatorId !== null) list.push(rooms.creator(target.creatorId));
  if (target.conversationId) list.push(rooms.conversation(target.conversationId));
  return list;
}

export function createInboxPublisher(log: EventLog, broadcast: Broadcast): InboxPublisher {
  return {
    async emit(target, event, payload) {
      const list = targetRooms(target);
      const offset = await log.append(list, event, payload);
      broadcast(list, event, payload, offset);
    },
    emitVolatile(target, event, payload) {
      broadcast(targetRooms(target), event, payload);
    },
  };
}

export const INBOX_NAMESPACE = '/inbox';

/** Redis channel on which a hub tells every worker to abort a conversation's running draft. */
export const draftAbortChannel = (prefix: string) => `${prefix}:draft:abort`;

/** The Socket.IO Redis adapter's channel prefix, shared by hubs (adapter) and workers (emitter). */
export const socketIoKey = (prefix: string) => `${prefix}:socket.io`;

/** Stands for the log offset in an encoded broadcast until Redis knows it (see `EventLog.appendAndPublish`). */
const OFFSET_MARKER = '\u0000velvet:offset\u0000';
/** Its MessagePack encoding: a fixstr header (0xa0 + length), then the bytes. */
const OFFSET_MARKER_ENCODED = Buffer.concat([
  Buffer.from([0xa0 + Buffer.byteLength(OFFSET_MARKER)]),
  Buffer.from(OFFSET_MARKER),
]);

/**
 * For processes that are not Socket.IO servers (workers): publish through the Redis emitter.
 * A logged event is appended and published in one round trip: the emitter encodes the
 * broadcast (to a stand-in client that only keeps it), with a marker where the offset goes.
 */
export function createEmitterPublisher(redis: RedisClient, prefix: string, log: EventLog): InboxPublisher {
  const emitter = new Emitter(redis, { key: socketIoKey(prefix) }).of(INBOX_NAMESPACE);
  let encoded: { channel: string; message: Buffer } | undefined;
  const keeper = {
    publish(channel: string, message: Buffer) {
      encoded = { channel, message };
    },
  };
  const encoder = new Emitter(keeper as unknown as RedisClient, { key: socketIoKey(prefix) }).of(
    INBOX_NAMESPACE,
  );
  return {
    async emit(target, event, payload) {
      const list = targetRooms(target);
      encoded = undefined;
      encoder.to(list).emit(event, payload, OFFSET_MARKER);
      const { channel, message } = encoded!;
      await log.appendAndPublish(list, event, payload, { channel, message, marker: OFFSET_MARKER_ENCODED });
    },
    emitVolatile(target, event, payload) {
      emitter.to(targetRooms(target)).emit(event, payload);
    },
  };
}
