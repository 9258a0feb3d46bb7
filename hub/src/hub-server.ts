import http from 'node:http';
import type { RequestHandler } from 'express';
import { OutboxRelay, type Queues } from '@velvet/shared';
import type { IntentClassifier } from '@velvet/llm';
import type { Connectors } from '@velvet/platforms';
import { createApp } from './app';
import type { HubContext } from './context';
import { createConversationsService } from './conversations/conversations.service';
import { createDraftsService } from './drafts/drafts.service';
import { createInboxServer, type InboxServer } from './realtime/inbox.socket';
import { startMetricsStream } from './metrics/metrics.stream';

export interface HubServer {
  server: http.Server;
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
  const server = http.createServer();
  server.keepAliveTimeout = 65_000;
  const relay = new OutboxRelay(ctx.db, deps.queues, ctx.logger);
  const inbox = createInboxServer(ctx, server);
  const conversations = createConversationsService(ctx, { relay, publisher: inbox.publisher });
  inbox.attach({
    conversations,
    drafts: createDraftsService(ctx, { relay, publisher: inbox.publisher, connectors: deps.connectors }),
  });
  const metricsStream = startMetricsStream(ctx, inbox.io, deps.queues);
  server.on(
    'request',
    createApp(ctx, {
      ui: deps.ui,
      connectors: deps.connectors,
      classifier: deps.classifier,
      queues: deps.queues,
      relay,
      publisher: inbox.publisher,
      conversations,
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => resolve());
  });
  return {
    server,
    inbox,
    relay,
    port: (server.address() as { port: number }).port,
    async close() {
      // In-flight requests get a moment to finish, then their sockets are closed.
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      force.unref();
      server.closeIdleConnections();
      metricsStream.stop();
      await inbox.close();
      clearTimeout(force);
    },
  };
}
