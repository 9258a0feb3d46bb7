import type { Namespace, Socket } from 'socket.io';
import { z } from 'zod';
import {
  can,
  INBOX_NAMESPACE,
  type Actor,
  type ClientToServerEvents,
  type MetricsSnapshot,
  type Queues,
  type ServerToClientEvents,
} from '@velvet/shared';
import type { Server } from 'socket.io';
import type { HubContext } from '../context';
import type { Scope } from './dashboard.queries';
import { createDashboardService } from './dashboard.service';

type MetricsSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  { actor: Actor }
>;

const noPayload = z.union([z.undefined(), z.strictObject({})]);

/** Admins see every creator; managers the creators they work for. */
function metricsScope(actor: Actor): Scope {
  if (actor.role === 'admin') return null;
  return actor.creatorIds.filter((creatorId) => can(actor, 'metrics:read', { creatorId })).sort();
}

/**
 * `metrics:subscribe` on `/inbox`: every `intervalMs`, each hub computes one snapshot per
 * creator scope among its own subscribed sockets and sends it to them only, so N hubs never
 * send a socket the same figures twice.
 */
export function startMetricsStream(
  ctx: HubContext,
  io: Server<ClientToServerEvents, ServerToClientEvents>,
  queues: Queues,
  intervalMs = 5000,
): { stop(): void } {
  const snapshot = createDashboardService(ctx, queues);
  const subscribers = new Map<string, { socket: MetricsSocket; scope: Scope }>();
  const inbox = io.of(INBOX_NAMESPACE) as unknown as Namespace<
    ClientToServerEvents,
    ServerToClientEvents,
    Record<string, never>,
    { actor: Actor }
  >;

  inbox.on('connection', (socket: MetricsSocket) => {
    const actor = socket.data.actor;
    socket.on('metrics:subscribe', async (payload, ack) => {
      const reply = typeof ack === 'function' ? ack : () => {};
      if (!noPayload.safeParse(payload).success) {
        return reply({ ok: false, error: { code: 'validation_failed', message: 'expects {}' } });
      }
      if (!can(actor, 'metrics:read')) {
        return reply({
          ok: false,
          error: { code: 'forbidden', message: 'You do not have access to this resource' },
        });
      }
      const scope = metricsScope(actor);
      subscribers.set(socket.id, { socket, scope });
      try {
        reply({ ok: true, snapshot: await snapshot(scope) });
      } catch (error) {
        ctx.logger.error({ err: error }, 'metrics snapshot failed');
        reply({ ok: false, error: { code: 'internal', message: 'Something went wrong on our side' } });
      }
    });
    socket.on('metrics:unsubscribe', (_payload, ack) => {
      subscribers.delete(socket.id);
      if (typeof ack === 'function') ack({ ok: true });
    });
    socket.on('disconnect', () => subscribers.delete(socket.id));
  });

  let running = false;
  const tick = async () => {
    if (running || subscribers.size === 0) return;
    running = true;
    try {
      const byScope = new Map<string, { scope: Scope; sockets: MetricsSocket[] }>();
      for (const { socket, scope } of subscribers.values()) {
        const key = scope ? scope.join(',') : '*';
        const entry = byScope.get(key) ?? { scope, sockets: [] };
        entry.sockets.push(socket);
        byScope.set(key, entry);
      }
      for (const { scope, sockets } of byScope.values()) {
        const figures: MetricsSnapshot = await snapshot(scope);
        for (const socket of sockets) socket.emit('metrics:update', figures);
      }
    } catch (error) {
      ctx.logger.warn({ err: error }, 'metrics stream tick failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      subscribers.clear();
    },
  };
}
