import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import { freePort, type ClientToServerEvents, type ServerToClientEvents } from '@velvet/shared';
import {
  createTestDatabase,
  createTestRedisPrefix,
  TEST_REDIS_URL,
  type TestDatabase,
  type TestRedisPrefix,
} from '@velvet/shared/testing';
import {
  startOllamaStandin,
  type OllamaStandin,
  type OllamaStandinOptions,
} from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, ROOT } from './harness';
import { assertDocumented } from './openapi-check';

export type InboxClient = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface VelvetProcess {
  role: 'hub' | 'workers' | 'all';
  child: ChildProcess;
  port?: number;
  url?: string;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Real Velvet processes (`hub/src/main.ts --role …`) sharing one PostgreSQL database, one
 * Redis prefix and one secret, the scaled deployment on one machine.
 */
export class Stack {
  readonly processes: VelvetProcess[] = [];
  readonly dataDir = mkdtempSync(path.join(os.tmpdir(), 'velvet-stack-'));
  readonly configFile = path.join(this.dataDir, 'velvet.yaml');

  private constructor(
    readonly db: TestDatabase,
    readonly redis: TestRedisPrefix,
    readonly env: Record<string, string>,
  ) {}

  static async create(options: { env?: Record<string, string>; config?: (yaml: string) => string } = {}) {
    const db = await createTestDatabase();
    const redis = createTestRedisPrefix();
    const stack = new Stack(db, redis, {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      VELVET_REDIS_PREFIX: redis.prefix,
      VELVET_SECRET: 'stack-secret-that-is-long-enough-for-velvet',
      VELVET_ADMIN_EMAIL: ADMIN.email,
      VELVET_ADMIN_PASSWORD: ADMIN.password,
      OLLAMA_HOST: 'http://127.0.0.1:9',
      LOG_LEVEL: 'info',
      ...options.env,
    });
    const yaml = readFileSync(path.join(ROOT, 'config/velvet.yaml'), 'utf8');
    writeFileSync(stack.configFile, options.config ? options.config(yaml) : yaml);
    stack.env.VELVET_CONFIG = stack.configFile;
    stack.env.DATA_DIR = stack.dataDir;
    return stack;
  }

  async start(
    role: VelvetProcess['role'],
    extraEnv: Record<string, string> = {},
    options: { startTimeoutMs?: number } = {},
  ): Promise<VelvetProcess> {
    const port = role === 'workers' ? undefined : await freePort();
    let output = '';
    // Benches can profile the processes: BENCH_CPU_PROF_DIR=/tmp/prof npm run bench.
    // BENCH_PERF_MAP=1 writes /tmp/perf-<pid>.map, so that `perf record` names JavaScript frames.
    const profile = [
      ...(process.env.BENCH_CPU_PROF_DIR
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
        : []),
      ...(process.env.BENCH_PERF_MAP === '1' ? ['--perf-basic-prof-only-functions'] : []),
    ];
    const child = spawn(
      process.execPath,
      [
        ...profile,
        '--import',
        'tsx',
        // BENCH_PRELOAD=bench/src/count-calls.ts counts each process's SQL statements and Redis commands.
        ...(process.env.BENCH_PRELOAD ? ['--import', process.env.BENCH_PRELOAD] : []),
        'hub/src/main.ts',
        '--role',
        role,
      ],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          ...(process.env.BENCH_COUNT_DIR ? { BENCH_COUNT_DIR: process.env.BENCH_COUNT_DIR } : {}),
          ...this.env,
          PORT: String(port ?? 0),
          PUBLIC_URL: this.env.PUBLIC_URL ?? `http://127.0.0.1:${port ?? 0}`,
          ...extraEnv,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const deadline = Date.now() + (options.startTimeoutMs ?? 45_000);
    while (!output.includes('Velvet is running')) {
      if (child.exitCode !== null) throw new Error(`${role} exited (${child.exitCode}):\n${output}`);
      if (Date.now() > deadline) {
        // Not left running behind the caller's back: nobody would stop it.
        child.kill('SIGKILL');
        throw new Error(`${role} did not start:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const proc: VelvetProcess = {
      role,
      child,
      port,
      url: port ? `http://127.0.0.1:${port}` : undefined,
      output: () => output,
      stop: (signal = 'SIGTERM') =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
          child.once('exit', (code) => resolve(code));
          child.kill(signal);
        }),
    };
    this.processes.push(proc);
    return proc;
  }

  async admin(url: string): Promise<Client> {
    const client = new Client(url);
    const response = await client.login(ADMIN.email, ADMIN.password);
    if (response.status !== 200) throw new Error(`admin login failed: ${response.status}`);
    return client;
  }

  /** Reads the stack's database directly, to assert what was stored. */
  async query<T>(sql: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: this.db.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    // A clean stop first (profiles and logs get written), then no mercy.
    await Promise.all(
      this.processes.map((p) => {
        const kill = setTimeout(() => p.child.kill('SIGKILL'), 3000);
        return p.stop('SIGTERM').finally(() => clearTimeout(kill));
      }),
    );
    await this.redis.cleanup();
    await this.db.drop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A real socket.io-client on `/inbox`, WebSocket first, connected and authenticated. */
export async function inboxClient(
  url: string,
  token: string | undefined,
  headers: Record<string, string> = {},
): Promise<InboxClient> {
  const socket: InboxClient = connect(`${url}/inbox`, {
    auth: { token },
    extraHeaders: headers,
    transports: ['websocket'],
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return socket;
}

/** Records every event a socket receives, in order. */
export function record(socket: InboxClient): { event: string; payload: any }[] {
  const events: { event: string; payload: any }[] = [];
  socket.onAny((event: string, payload: unknown) => events.push({ event, payload }));
  return events;
}

export async function until<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Connects a Telegram bot to a creator through the API, as an operator would; the webhook
 * secret is the one Velvet gave the (stand-in) Bot API in setWebhook.
 */
export async function connectTelegram(
  admin: Client,
  telegram: TelegramStandin,
  token: string,
  creatorId: string,
): Promise<{ accountId: string; secret: string }> {
  const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
    platform: 'telegram',
    credentials: { botToken: token },
  });
  if (connected.status !== 201)
    throw new Error(`connecting the bot failed: ${JSON.stringify(connected.body)}`);
  return { accountId: connected.body.id, secret: telegram.webhooks.get(token)!.secret_token! };
}

/** Posts a Telegram update the way Telegram does: JSON body, secret header. */
export async function postTelegram(
  url: string,
  accountId: string,
  secret: string | undefined,
  body: unknown,
) {
  const response = await fetch(`${url}/webhooks/telegram/${accountId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => undefined)) as any;
  assertDocumented({
    method: 'POST',
    url: `/webhooks/telegram/${accountId}`,
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: answer,
  });
  return { status: response.status, body: answer };
}

export interface TelegramStack {
  telegram: TelegramStandin;
  ollama: OllamaStandin;
  stack: Stack;
  hub: VelvetProcess;
  admin: Client;
  creatorId: string;
  account: { id: string; secret: string };
  /** A fresh Telegram update_id for each update a test builds. */
  nextUpdateId(): number;
  /** Posts any Telegram update to the creator's webhook. */
  post(body: unknown): ReturnType<typeof postTelegram>;
  /** A French-speaking fan writes `text` from the private chat `chatId`. */
  say(chatId: number, text: string, firstName?: string): ReturnType<typeof postTelegram>;
  destroy(): Promise<void>;
}

/**
 * The setup of the end-to-end drafting tests: Telegram and Ollama stand-ins, a hub and a
 * workers process, and one creator without quiet hours whose bot is connected.
 */
export async function startTelegramStack(options: {
  token: string;
  ollama: OllamaStandinOptions;
  /** Fields of the creator, over `creatorBody(name)` with quiet hours off. */
  creator: { name: string } & Record<string, unknown>;
  /** Default first name of the fans who `say` something. */
  fanName: string;
  config?: (yaml: string) => string;
  /** More environment for both processes. */
  env?: Record<string, string>;
}): Promise<TelegramStack> {
  const telegram = await startTelegramStandin({ tokens: [options.token] });
  const ollama = await startOllamaStandin(options.ollama);
  const stack = await Stack.create({
    env: { TELEGRAM_API_ROOT: telegram.apiRoot, OLLAMA_HOST: ollama.url, ...options.env },
    ...(options.config ? { config: options.config } : {}),
  });
  const hub = await stack.start('hub');
  await stack.start('workers');
  const admin = await stack.admin(hub.url!);
  const { name, ...fields } = options.creator;
  const creator = await admin.post('/api/creators', {
    ...creatorBody(name),
    quietHours: { start: '00:00', end: '00:00' },
    ...fields,
  });
  if (creator.status !== 201) throw new Error(`creating the creator failed: ${JSON.stringify(creator.body)}`);
  const connected = await connectTelegram(admin, telegram, options.token, creator.body.id);
  const account = { id: connected.accountId, secret: connected.secret };
  let updateId = 1;
  const post = (body: unknown) => postTelegram(hub.url!, account.id, account.secret, body);
  return {
    telegram,
    ollama,
    stack,
    hub,
    admin,
    creatorId: creator.body.id,
    account,
    nextUpdateId: () => updateId++,
    post,
    say: (chatId, text, firstName = options.fanName) =>
      post(
        telegramUpdates.text({
          updateId: updateId++,
          chatId,
          fromId: chatId,
          text,
          languageCode: 'fr',
          firstName,
        }),
      ),
    async destroy() {
      await stack.destroy();
      await ollama.close();
      await telegram.close();
    },
  };
}
