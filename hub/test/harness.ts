import { mkdtempSync, rmSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import {
  closeQueues,
  createQueues,
  deriveSecrets,
  loadEnv,
  loadVelvetConfig,
  openDatabase,
  usersRepo,
  type Database,
  type Queues,
  type Role,
  type VelvetConfig,
} from '@velvet/shared';
import { createTestDatabase, createTestRedisPrefix, TEST_REDIS_URL } from '@velvet/shared/testing';
import { loadIntentClassifier } from '@velvet/llm';
import { createConnectors } from '@velvet/platforms';
import { startHubServer, type HubServer } from '../src/hub-server';
import { platformPublishers, startWorkerRole } from '../src/runtime';
import { hashPassword } from '../src/auth/passwords';
import type { HubContext } from '../src/context';
import { createLogger } from '../src/logger';
import { loadUi } from '../src/ui';
import { assertDocumented } from './openapi-check';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const ADMIN = { email: 'admin@test.velvet', password: 'admin-password-123' };

export interface TestHub {
  url: string;
  /** The HTTP server (Socket.IO's engine and the Express app listen on it). */
  server: http.Server;
  /** The Express app: its router lists the routes served. */
  app: HubServer['app'];
  queues: Queues;
  redisPrefix: string;
  ctx: HubContext;
  database: Database;
  /** Every log line this hub wrote. */
  logs: string[];
  createUser(email: string, role: Role, creatorIds?: string[]): Promise<{ email: string; password: string }>;
  stop(): Promise<void>;
}

/**
 * The real Express app on an ephemeral port over a database and Redis prefix of its own:
 * PostgreSQL by default, embedded PGlite with `driver: 'pglite'`.
 */
export async function startTestHub(
  options: {
    driver?: 'postgres' | 'pglite';
    config?: (config: VelvetConfig) => void;
    /** Serve the built inbox UI, as the real hub does. */
    ui?: boolean;
    publicUrl?: string;
    telegramApiRoot?: string;
    /** Run the BullMQ workers in this process too. */
    workers?: boolean;
    /** More environment, as the process would read it. */
    env?: Record<string, string>;
  } = {},
): Promise<TestHub> {
  const driver = options.driver ?? 'postgres';
  const pgDb = driver === 'postgres' ? await createTestDatabase() : undefined;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'velvet-hub-'));
  // A second hub beside a first one shares its Redis keys (queues, locks); the first cleans up.
  const shared = options.env?.VELVET_REDIS_PREFIX;
  const redisPrefix = shared ? { prefix: shared, cleanup: async () => {} } : createTestRedisPrefix();
  const env = loadEnv(
    {
      DATA_DIR: dataDir,
      DATABASE_URL: pgDb?.url,
      REDIS_URL: TEST_REDIS_URL,
      VELVET_REDIS_PREFIX: redisPrefix.prefix,
      VELVET_SECRET: 'test-secret-that-is-long-enough-for-velvet',
      PUBLIC_URL: options.publicUrl ?? 'https://hub.test.velvet',
      OLLAMA_HOST: 'http://127.0.0.1:9',
      TELEGRAM_API_ROOT: options.telegramApiRoot ?? 'http://127.0.0.1:9',
      VELVET_CONFIG: path.join(ROOT, 'config/velvet.yaml'),
      ...options.env,
    },
    ROOT,
  );
  const config = loadVelvetConfig(env.VELVET_CONFIG);
  options.config?.(config);

  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger('debug', sink);
  const redis = new Redis(TEST_REDIS_URL);
  const database = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir });
  const ctx: HubContext = {
    env,
    config,
    db: database.db,
    database,
    redis,
    redisPrefix: redisPrefix.prefix,
    secrets: deriveSecrets(env.VELVET_SECRET!),
    logger,
    now: () => new Date(),
  };
  await usersRepo.create(database.db, {
    email: ADMIN.email,
    passwordHash: await hashPassword(ADMIN.password),
    role: 'admin',
    creatorIds: [],
  });

  const ui = options.ui ? await loadUi() : undefined;
  if (options.ui && !ui) throw new Error('The inbox UI is not built: run `npm run build` first');
  const connectors = createConnectors(env, platformPublishers(ctx));
  const classifier = loadIntentClassifier();
  const queues = createQueues(redis, redisPrefix.prefix);
  const hub = await startHubServer(ctx, { connectors, classifier, queues, port: 0, host: '127.0.0.1', ui });
  const workers = options.workers
    ? startWorkerRole(ctx, { redisUrl: TEST_REDIS_URL, connectors, classifier, queues })
    : undefined;
  const port = hub.port;

  return {
    url: `http://127.0.0.1:${port}`,
    server: hub.server,
    app: hub.app,
    queues,
    redisPrefix: redisPrefix.prefix,
    ctx,
    database,
    logs,
    async createUser(email, role, creatorIds = []) {
      const password = `${role}-password-123`;
      await usersRepo.create(database.db, {
        email,
        passwordHash: await hashPassword(password),
        role,
        creatorIds,
      });
      return { email, password };
    },
    async stop() {
      await hub.close();
      await workers?.stop();
      await closeQueues(queues);
      await database.close();
      redis.disconnect();
      await redisPrefix.cleanup();
      await pgDb?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client that keeps cookies like a browser on one site would. */
export class Client {
  readonly cookies = new Map<string, string>();
  token: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name!);
      else this.cookies.set(name!, value);
    }
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : undefined;
    // Every answer a test receives is checked against the API document (`/api/openapi.json`).
    assertDocumented({
      method,
      url: path,
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: parsed,
    });
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  patch<T = any>(path: string, body?: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  put<T = any>(path: string, body?: unknown) {
    return this.request<T>('PUT', path, body);
  }

  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }

  csrfHeader(): Record<string, string> {
    const token = this.cookies.get('velvet_csrf');
    return token ? { 'x-csrf-token': decodeURIComponent(token) } : {};
  }

  async login(email: string, password: string): Promise<ApiResponse> {
    const response = await this.post('/api/auth/login', { email, password });
    if (response.status === 200) this.token = response.body.accessToken;
    return response;
  }
}

export const creatorBody = (name = 'Lina') => ({
  name,
  pseudonym: `${name.toLowerCase()}_star`,
  timezone: 'Europe/Paris',
  market: 'FR',
});
