import http from 'node:http';
import path from 'node:path';
import { Redis } from 'ioredis';
import {
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
import { createApp } from './app';
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

    if (role === 'workers') {
      return { ctx, admin, stop };
    }

    const app = createApp(ctx, { ui: await loadUi() });
    const server = http.createServer(app);
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(env.PORT, () => resolve());
    });
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          // In-flight requests get a moment to finish, then their sockets are closed.
          setTimeout(() => server.closeAllConnections(), 5000).unref();
        }),
    );
    const { port } = server.address() as { port: number };
    return { ctx, server, url: `http://localhost:${port}`, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
