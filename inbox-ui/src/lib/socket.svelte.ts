import { io, type Socket } from 'socket.io-client';
// Types only: the browser bundle must not pull the server-side shared package.
import type { ClientToServerEvents, ServerToClientEvents } from '@velvet/shared';
import { session } from './session.svelte';

export type InboxSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionState = 'connected' | 'reconnecting' | 'offline';

/** How long an emit waits for its acknowledgement before the UI calls it failed. */
export const ACK_TIMEOUT_MS = 10_000;

/** Live state of the `/inbox` socket, for the indicator and for views that must resync. */
export const connection = $state<{
  state: ConnectionState;
  /** Whether the last (re)connection got the missed events back from the server. */
  recovered: boolean;
  /** Bumped on every connection that did not recover: views refetch when it changes. */
  epoch: number;
}>({ state: 'offline', recovered: false, epoch: 0 });

let socket: InboxSocket | null = null;
let resyncListeners: (() => void)[] = [];

/** The shared socket, connected once signed in; null before that. */
export function inboxSocket(): InboxSocket | null {
  return socket;
}

/**
 * Runs `listener` after every connection whose missed events were not recovered
 * (including the first one), so a view reloads what it shows instead of going stale.
 */
export function onResync(listener: () => void): () => void {
  resyncListeners = [...resyncListeners, listener];
  return () => {
    resyncListeners = resyncListeners.filter((l) => l !== listener);
  };
}

function updateState() {
  if (!socket) connection.state = 'offline';
  else if (socket.connected) connection.state = 'connected';
  else if (socket.active && (typeof navigator === 'undefined' || navigator.onLine)) {
    connection.state = 'reconnecting';
  } else connection.state = 'offline';
}

export function connectInbox(): InboxSocket {
  if (socket) return socket;
  const created: InboxSocket = io('/inbox', {
    // WebSocket first; long-polling only when a proxy refuses the upgrade.
    transports: ['websocket', 'polling'],
    // A fresh (refreshed if needed) token at every handshake, reconnections included.
    auth: (cb) => {
      void session.token().then((token) => cb({ token: token ?? '' }));
    },
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
  });
  socket = created;

  created.on('connect', () => {
    connection.recovered = created.recovered;
    updateState();
    if (!created.recovered) {
      connection.epoch++;
      for (const listener of resyncListeners) listener();
    }
  });
  created.on('disconnect', (reason) => {
    updateState();
    // The server ended the socket because this person's access changed (signed out
    // elsewhere, disabled, new role or scope): a live session reconnects with a fresh view;
    // an ended one fails to refresh and the app returns to sign-in.
    if (reason === 'io server disconnect') {
      void session.refresh().then((result) => {
        if (result.ok && socket === created && !created.active) created.connect();
      });
    }
  });
  created.on('connect_error', (error) => {
    // The server refuses a stale token: renew it, then let the manager retry.
    if (error.message === 'unauthorized') {
      void session.refresh().then((result) => {
        if (result.ok && !created.active) created.connect();
      });
    }
    updateState();
  });
  created.io.on('reconnect_attempt', () => updateState());
  if (typeof window !== 'undefined') {
    window.addEventListener('online', updateState);
    window.addEventListener('offline', updateState);
  }
  updateState();
  return created;
}

export function disconnectInbox(): void {
  socket?.disconnect();
  socket?.removeAllListeners();
  socket = null;
  if (typeof window !== 'undefined') {
    window.removeEventListener('online', updateState);
    window.removeEventListener('offline', updateState);
  }
  connection.state = 'offline';
  connection.recovered = false;
}

const offline = { ok: false, error: { code: 'offline', message: 'Not connected' } } as const;
const timedOut = { ok: false, error: { code: 'timeout', message: 'No answer from the server' } } as const;

/** One shape for every outcome: a lost socket or a missing ack is an `{ok:false}` too. */
async function withAck<R>(
  send: (s: InboxSocket) => Promise<R>,
): Promise<R | typeof offline | typeof timedOut> {
  if (!socket || !socket.connected) return offline;
  try {
    return await send(socket);
  } catch {
    return timedOut;
  }
}

type Payload<E extends keyof ClientToServerEvents> = Parameters<ClientToServerEvents[E]>[0];

/** Typed client → server calls, each resolved with the server's acknowledgement. */
export const inboxActions = {
  approveDraft: (p: Payload<'draft:approve'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('draft:approve', p)),
  rejectDraft: (p: Payload<'draft:reject'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('draft:reject', p)),
  sendMessage: (p: Payload<'message:send'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('message:send', p)),
  assign: (p: Payload<'conversation:assign'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:assign', p)),
  escalate: (p: Payload<'conversation:escalate'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:escalate', p)),
  release: (p: Payload<'conversation:release'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:release', p)),
  resolve: (p: Payload<'conversation:resolve'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:resolve', p)),
  reopen: (p: Payload<'conversation:reopen'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:reopen', p)),
  snooze: (p: Payload<'conversation:snooze'>) =>
    withAck((s) => s.timeout(ACK_TIMEOUT_MS).emitWithAck('conversation:snooze', p)),
};
