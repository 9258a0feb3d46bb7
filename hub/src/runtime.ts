import type http from 'node:http';
import path from 'node:path';
import { Redis } from 'ioredis';
import {
  closeQueues,
  createEmitterPublisher,
  createQueues,
  EventLog,
  OutboxRelay,
  deriveSecrets,
  loadVelvetConfig,
  openDatabase,
  resolveSecret,
  startLocalRedis,
  type Database,
  type Env,
  type LocalRedis,
} from '@velvet/shared';
import { bootstrapAdmin } from './admin-bootstrap';
import { createConnectors } from '@velvet/platforms';
import { startWorkers } from '@velvet/workers';
import { startHubServer } from './hub-server';
import type { HubContext } from './context';
import type { Logger } from './logger';
import { loadUi } from './ui';

export const ROLES = ['hub', 'workers', 'all'] as const;
export type ProcessRole = (typeof ROLES)[number];

export interface Runtime {
  ctx: HubContext;
  /** The HTTP server when this process serves the hub role. */
  server?: http.Server;
  url?: string;
  admin?: { email: string; password?: string };
  stop(): Promise<void>;
}

/**
 * Starts one process of the given role. Resources are opened in dependency order and
 * closed in reverse, so a failure half-way leaves nothing running.
 */
export async function startRuntime(env: Env, role: ProcessRole, logger: Logger): Promise<Runtime> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.error({ err: error }, 'error during shutdown'));
    }
    cleanups.length = 0;
  };

  try {
    const config = loadVelvetConfig(env.VELVET_CONFIG);
    const secrets = deriveSecrets(resolveSecret(env.VELVET_SECRET, env.DATA_DIR));

    let redisUrl = env.REDIS_URL;
    if (!redisUrl) {
      const local: LocalRedis = await startLocalRedis(path.join(env.DATA_DIR, 'redis'), logger);
      cleanups.push(local.stop);
      redisUrl = local.url;
    }
    const redis = new Redis(redisUrl, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
    redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
    cleanups.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });

    const database: Database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
    cleanups.push(() => database.close());
    logger.info({ driver: database.driver }, 'database ready, migrations applied');

    const ctx: HubContext = {
      env,
      config,
      db: database.db,
      database,
      redis,
      redisPrefix: env.VELVET_REDIS_PREFIX,
      secrets,
      logger,
      now: () => new Date(),
    };
    const admin = await bootstrapAdmin(ctx, env);

    const connectors = createConnectors(env);
    const queues = createQueues(redis, env.VELVET_REDIS_PREFIX);
    cleanups.push(() => closeQueues(queues));

    if (role !== 'hub') {
      // BullMQ workers block on Redis: they need their own connection without a retry cap.
      const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error (workers)'));
      cleanups.push(async () => void connection.disconnect());
      const eventLog = new EventLog(redis, env.VELVET_REDIS_PREFIX);
      const workers = startWorkers({
        ...ctx,
        connection,
        connectors,
        queues,
        publisher: createEmitterPublisher(redis, env.VELVET_REDIS_PREFIX, eventLog),
        relay: new OutboxRelay(database.db, queues, logger, {
          staleAfterMs: config.queues.outbox_stale_after,
          batch: 500,
        }),
      });
      cleanups.push(() => workers.stop());
    }
    if (role === 'workers') return { ctx, admin, stop };

    const hub = await startHubServer(ctx, { connectors, queues, port: env.PORT, ui: await loadUi() });
    cleanups.push(() => hub.close());
    return { ctx, server: hub.server, url: `http://localhost:${hub.port}`, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
