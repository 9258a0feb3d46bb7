import http from 'node:http';
import type { RequestHandler } from 'express';
import {
  can,
  createAccountAttention,
  INBOX_NAMESPACE,
  OutboxRelay,
  rooms,
  withNotifications,
  type Queues,
} from '@velvet/shared';
import type { IntentClassifier } from '@velvet/llm';
import type { Connectors } from '@velvet/platforms';
import { createApp, securityHeaders } from './app';
import type { HubContext } from './context';
import { createSessionGate, type AccessEvents } from './auth/session-gate';
import { createConversationsService } from './conversations/conversations.service';
import { createDraftsService } from './drafts/drafts.service';
import { createInboxServer, type InboxServer } from './realtime/inbox.socket';
import { startAssigner } from './teams/assignment';
import { createPresence } from './teams/presence';
import { startMetricsStream } from './metrics/metrics.stream';
import { createPaymentsService } from './payments/payments.service';
import { createIngestService } from './webhooks/ingest.service';
import { createEventReceiver } from './webhooks/receive';
import { startLiveSessions } from './live/live-sessions';
import { createAccountCache } from './webhooks/account-cache';
import { createLeanWebhooks } from './webhooks/lean-webhooks';
import { createWebhookHandler } from './webhooks/webhooks.routes';

export interface HubServer {
  server: http.Server;
  /** The Express app behind the HTTP API (its router lists the routes served). */
  app: ReturnType<typeof createApp>;
  inbox: InboxServer;
  relay: OutboxRelay;
  port: number;
  close(): Promise<void>;
}

/** The hub role: HTTP API, webhooks and the `/inbox` Socket.IO namespace on one port. */
export async function startHubServer(
  ctx: HubContext,
  deps: {
    connectors: Connectors;
    classifier: IntentClassifier;
    queues: Queues;
    port: number;
    host?: string;
    ui?: RequestHandler;
  },
): Promise<HubServer> {
  // Engine.IO answers its long-polling requests by wrapping the 'request' listeners present
  // when it attaches; the app must be one of them, or Express answers /socket.io/ too (404).
  let handle: http.RequestListener = (_req, res) => res.writeHead(503).end();
  const server = http.createServer((req, res) => handle(req, res));
  server.keepAliveTimeout = 65_000;
  const requests = trackRequests(server);
  const relay = new OutboxRelay(ctx.db, deps.queues, ctx.logger);
  const gate = createSessionGate(ctx);
  const webhookAccounts = createAccountCache(ctx);
  const inbox = createInboxServer(ctx, server, gate);
  // Every alert raised in this process is also stored for the people it concerns.
  const publisher = withNotifications(inbox.publisher, {
    db: ctx.db,
    queues: deps.queues,
    logger: ctx.logger,
  });
  const access: AccessEvents = {
    async sessionEnded(sessionId) {
      await gate.forget({ sessionId });
      inbox.endSockets(rooms.session(sessionId));
    },
    async userChanged(userId) {
      await gate.forget({ userId });
      inbox.endSockets(rooms.user(userId));
    },
    async scopeAdded(userId, creatorId) {
      await gate.forget({ userId });
      const sockets = inbox.io.of(INBOX_NAMESPACE).in(rooms.user(userId));
      sockets.socketsJoin(rooms.creator(creatorId));
      // The publishing room too, for the roles that may read posts (not chatters).
      for (const socket of await sockets.fetchSockets()) {
        const actor = { ...socket.data.actor, creatorIds: [...socket.data.actor.creatorIds, creatorId] };
        if (can(actor, 'post:read', { creatorId })) socket.join(rooms.publishing(creatorId));
      }
    },
  };
  const conversations = createConversationsService(ctx, {
    relay,
    publisher,
    connectors: deps.connectors,
  });
  const presence = createPresence(ctx.redis, ctx.redisPrefix);
  const assigner = startAssigner(ctx, { presence, publisher });
  inbox.attach({
    presence,
    assigner,
    conversations,
    drafts: createDraftsService(ctx, { relay, publisher, connectors: deps.connectors }),
  });
  const metricsStream = startMetricsStream(ctx, inbox.io, deps.queues);
  const payments = createPaymentsService(ctx, {
    relay,
    publisher: inbox.publisher,
    queues: deps.queues,
    connectors: deps.connectors,
  });
  const receive = createEventReceiver(
    ctx,
    createIngestService(ctx, { relay, publisher: inbox.publisher }),
    payments,
    createAccountAttention({ ...ctx, publisher: inbox.publisher }),
  );
  const webhooks = createWebhookHandler(deps.connectors, receive, webhookAccounts);
  const app = createApp(ctx, {
    payments,
    webhooks,
    ui: deps.ui,
    connectors: deps.connectors,
    classifier: deps.classifier,
    queues: deps.queues,
    relay,
    publisher,
    conversations,
    gate,
    access,
    webhookAccounts,
    presence,
    assigner,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => resolve());
  });
  // Platform webhooks, the hot path, skip Express (same headers, limits and answers).
  const lean = createLeanWebhooks({
    connectors: deps.connectors,
    handle: webhooks,
    securityHeaders: securityHeaders(),
    logger: ctx.logger,
    slowMs: ctx.env.LOG_SLOW_REQUEST_MS,
  });
  handle = (req, res) => {
    if (!lean(req, res)) app(req, res);
  };
  const live = startLiveSessions(ctx, { connectors: deps.connectors, receive });
  return {
    server,
    app,
    inbox,
    relay,
    port: (server.address() as { port: number }).port,
    /**
     * In order: take no new connections; let requests in flight finish (5 s at most); stop the
     * metrics stream; close the sockets; only then drop the Redis connections they publish on.
     */
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const drained = await settled(requests.idle(), 5000);
      if (!drained) ctx.logger.warn({ requests: requests.count }, 'shutdown: closing requests still running');
      server.closeAllConnections();
      await live.stop();
      assigner.stop();
      metricsStream.stop();
      await inbox.close();
      gate.close();
      webhookAccounts.close();
      await settled(closed, 1000);
    },
  };
}

/** Counts requests whose response is not finished yet, and says when there are none. */
function trackRequests(server: http.Server) {
  let count = 0;
  let waiters: (() => void)[] = [];
  server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    count++;
    res.once('close', () => {
      if (--count > 0) return;
      for (const resolve of waiters) resolve();
      waiters = [];
    });
  });
  return {
    get count() {
      return count;
    },
    idle: () => (count === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}

/** Whether `promise` settled within `ms`. */
async function settled(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
