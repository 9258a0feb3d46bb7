import type http from 'node:http';
import path from 'node:path';
import {
  createAccountAttention,
  createCredentialsKeeper,
  closeQueues,
  connectRedis,
  createEmitterPublisher,
  withNotifications,
  createQueues,
  EventLog,
  OutboxRelay,
  deriveSecrets,
  loadVelvetConfig,
  localMediaStore,
  openDatabase,
  resolveSecret,
  startLocalRedis,
  type Database,
  type Env,
  type LocalRedis,
  type Queues,
} from '@velvet/shared';
import { bootstrapAdmin, seedDemo } from './admin-bootstrap';
import {
  createChromaMemory,
  createOllamaClient,
  loadIntentClassifier,
  NO_MEMORY,
  startLocalChroma,
  type IntentClassifier,
  type OllamaClient,
} from '@velvet/llm';
import { createConnectors, createPublishers, type Connectors, type Publishers } from '@velvet/platforms';
import { DraftAborts, startWorkers } from '@velvet/workers';
import { startHubServer } from './hub-server';
import { createBackup } from './backup/backup';
import { channelToken, startBackupChannel } from './backup/backup.channel';
import type { HubContext } from './context';
import type { Logger } from './logger';
import { loadUiWhenBuilt } from './ui';

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
 * The workers role over an existing context: BullMQ workers on their own connection (they
 * block on Redis and need no retry cap), pushing to sockets through the Redis emitter.
 */
export function startWorkerRole(
  ctx: HubContext,
  deps: {
    redisUrl: string;
    connectors: Connectors;
    classifier: IntentClassifier;
    queues: Queues;
    publishers?: Publishers;
    /** The Chroma of the vector memory, when OLLAMA_EMBED_MODEL is set (CHROMA_URL or a local one). */
    chromaUrl?: string;
  },
): { stop(): Promise<void> } {
  const connection = connectRedis(deps.redisUrl, { maxRetriesPerRequest: null });
  connection.on('error', (error) => ctx.logger.warn({ err: error }, 'redis connection error (workers)'));
  const aborts = new DraftAborts(ctx.redis, ctx.redisPrefix);
  const { first_token, idle, total } = ctx.config.ollama.timeouts;
  const publisher = withNotifications(
    createEmitterPublisher(ctx.redis, ctx.redisPrefix, new EventLog(ctx.redis, ctx.redisPrefix)),
    { db: ctx.db, queues: deps.queues, logger: ctx.logger },
  );
  const ollama = createOllamaClient({
    host: ctx.env.OLLAMA_HOST,
    timeouts: { firstTokenMs: first_token, idleMs: idle, totalMs: total },
  });
  const workers = startWorkers({
    ...ctx,
    ...deps,
    memory: memoryOf(ctx, ollama, deps.chromaUrl ?? ctx.env.CHROMA_URL),
    memoryTimeoutMs: ctx.env.MEMORY_TIMEOUT_MS,
    connection,
    aborts,
    mediaDir: ctx.env.MEDIA_DIR,
    library: localMediaStore(ctx.env.MEDIA_DIR),
    publicUrl: ctx.env.PUBLIC_URL,
    publishers: deps.publishers ?? platformPublishers(ctx),
    backups: {
      dataDir: ctx.env.DATA_DIR,
      // The open database: the embedded one is copied through it, inside this process.
      create: (file) => createBackup(ctx.env, file, ctx.database),
    },
    ollama,
    publisher,
    credentials: createCredentialsKeeper({
      ...ctx,
      needsAttention: createAccountAttention({ ...ctx, publisher }),
    }),
    relay: new OutboxRelay(ctx.db, deps.queues, ctx.logger, {
      staleAfterMs: ctx.config.queues.outbox_stale_after,
      batch: 500,
    }),
  });
  return {
    async stop() {
      await workers.stop();
      aborts.close();
      connection.disconnect();
    },
  };
}

/** The vector memory: Chroma with Ollama's embeddings when OLLAMA_EMBED_MODEL is set, else none. */
function memoryOf(ctx: HubContext, ollama: OllamaClient, chromaUrl: string | undefined) {
  const model = ctx.env.OLLAMA_EMBED_MODEL;
  if (!model || !chromaUrl) return NO_MEMORY;
  return createChromaMemory({
    url: chromaUrl,
    model,
    namespace: ctx.redisPrefix,
    embed: (texts, signal) => ollama.embed(model, texts, signal),
  });
}

/** Where posts are published; the hub asks them how publishing-only accounts connect. */
export function platformPublishers(ctx: HubContext): Publishers {
  return createPublishers({ env: ctx.env, redis: ctx.redis, redisPrefix: ctx.redisPrefix });
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
    const secret = resolveSecret(env.VELVET_SECRET, env.DATA_DIR);
    const secrets = deriveSecrets(secret);

    let redisUrl = env.REDIS_URL;
    if (!redisUrl) {
      const local: LocalRedis = await startLocalRedis(path.join(env.DATA_DIR, 'redis'), logger);
      cleanups.push(local.stop);
      redisUrl = local.url;
    }
    const redis = connectRedis(redisUrl, { maxRetriesPerRequest: 3, enableOfflineQueue: true });
    redis.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
    cleanups.push(async () => {
      await redis.quit().catch(() => redis.disconnect());
    });

    const database: Database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
    cleanups.push(() => database.close());
    logger.info({ driver: database.driver }, 'database ready, migrations applied');
    if (database.driver === 'pglite') {
      // `npm run backup` asks this process, the only one that can copy PGlite consistently.
      const channel = await startBackupChannel({ env, database, token: channelToken(secret), logger }).catch(
        (error: unknown) => {
          logger.warn({ err: error }, 'backup channel not available: `npm run backup` needs Velvet stopped');
          return undefined;
        },
      );
      if (channel) cleanups.push(() => channel.close());
    }

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
    // The embedded shape is the demo: its first run gets a creator with the seed's packs.
    if (admin && database.driver === 'pglite') await seedDemo(ctx);

    const publishers = platformPublishers(ctx);
    const connectors = createConnectors(env, publishers);
    const classifier = loadIntentClassifier();
    const queues = createQueues(redis, env.VELVET_REDIS_PREFIX);
    cleanups.push(() => closeQueues(queues));

    if (role !== 'hub') {
      // The embedded shape's vector memory: Chroma from node_modules, data under DATA_DIR.
      let chromaUrl = env.CHROMA_URL;
      if (env.OLLAMA_EMBED_MODEL && !chromaUrl) {
        const chroma = await startLocalChroma(path.join(env.DATA_DIR, 'chroma'), logger);
        cleanups.push(chroma.stop);
        chromaUrl = chroma.url;
      }
      const workers = startWorkerRole(ctx, {
        redisUrl,
        connectors,
        classifier,
        queues,
        publishers,
        chromaUrl,
      });
      cleanups.push(() => workers.stop());
    }
    if (role === 'workers') return { ctx, admin, stop };

    const hub = await startHubServer(ctx, {
      connectors,
      classifier,
      queues,
      port: env.PORT,
      ui: await loadUiWhenBuilt(),
    });
    cleanups.push(() => hub.close());
    return { ctx, server: hub.server, url: `http://localhost:${hub.port}`, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
