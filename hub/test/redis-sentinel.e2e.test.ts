import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@velvet/shared';
import { TEST_REDIS_URL, uniqueName } from '@velvet/shared/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody } from './harness';
import {
  connectTelegram,
  inboxClient,
  postTelegram,
  record,
  Stack,
  until,
  type VelvetProcess,
} from './stack';

const TOKEN = '7955000001:AAH-redis-sentinel-bot-token-for-tests';
const MASTER = 'velvet-test-master';

interface Sentinel {
  port: number;
  close(): Promise<void>;
}

/**
 * A real Redis Sentinel (Debian's redis-server in sentinel mode) on a free loopback port,
 * monitoring the machine's Redis, the one the rest of the suite uses, as MASTER.
 */
async function startSentinel(): Promise<Sentinel> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: `apt-get install redis-server` (it runs Sentinel too)');
  }
  const master = new URL(TEST_REDIS_URL);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-sentinel-'));
  const config = path.join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file as it learns, so it gets one of its own.
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${MASTER} ${master.hostname} ${master.port || 6379} 1`,
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('redis-server', [config, '--sentinel'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await until(() => output.includes('+monitor master') || child.exitCode !== null, 10_000, 'the sentinel');
  if (child.exitCode !== null) throw new Error(`sentinel exited (${child.exitCode}):\n${output}`);
  return {
    port,
    async close() {
      if (child.exitCode === null) {
        await new Promise((resolve) => {
          child.once('exit', resolve);
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Velvet behind Redis Sentinel: the processes are given only the sentinel's address and the
 * master's name (REDIS_URL=redis+sentinel://…). The sentinel answers no data commands, so
 * queues, the Socket.IO adapter, the emitter and the event log all work only if every
 * connection asked the sentinel for the master. The key prefix carries a Cluster hash tag.
 */
describe('Redis through Sentinel', () => {
  let sentinel: Sentinel;
  let telegram: TelegramStandin;
  let stack: Stack;
  let hubs: VelvetProcess[];
  const prefix = `{${uniqueName('velvet-test')}}`;

  beforeAll(async () => {
    sentinel = await startSentinel();
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({
      env: {
        REDIS_URL: `redis+sentinel://127.0.0.1:${sentinel.port}/${MASTER}`,
        VELVET_REDIS_PREFIX: prefix,
        TELEGRAM_API_ROOT: telegram.apiRoot,
      },
    });
    hubs = [await stack.start('hub'), await stack.start('hub')];
    await stack.start('workers');
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await telegram?.close();
    await sentinel?.close();
  });

  it('carries a fan message across two hubs and delivers the reply once', async () => {
    const [first, second] = hubs as [VelvetProcess, VelvetProcess];
    const admin = await stack.admin(first.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Sentinel'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);

    // The operator is on the second hub; the webhook lands on the first.
    const socket = await inboxClient(second.url!, admin.token);
    const events = record(socket);
    const update = telegramUpdates.text({
      updateId: 1,
      chatId: 811,
      fromId: 811,
      text: 'Hello, are you there?',
    });
    expect((await postTelegram(first.url!, accountId, secret, update)).status).toBe(200);
    const incoming = await until(() => events.find((e) => e.event === 'message:new'), 15_000, 'message:new');
    expect(incoming.payload.message).toMatchObject({ direction: 'in', text: 'Hello, are you there?' });

    const ack = await socket.emitWithAck('message:send', {
      conversationId: incoming.payload.conversationId,
      text: 'Yes, here I am',
    });
    expect(ack).toMatchObject({ ok: true });
    await until(() => events.find((e) => e.event === 'message:sent'), 15_000, 'message:sent');
    expect(telegram.sent.filter((m) => m.text === 'Yes, here I am')).toHaveLength(1);

    // A command the workers answer on their own, through the queues.
    const help = telegramUpdates.command({
      updateId: 2,
      chatId: 812,
      fromId: 812,
      text: '/help',
      languageCode: 'en',
    });
    expect((await postTelegram(first.url!, accountId, secret, help)).status).toBe(200);
    await until(() => telegram.sent.find((m) => String(m.chat_id) === '812'), 15_000, 'the /help answer');
    socket.disconnect();

    // Everything went to the master under the hash-tagged prefix, BullMQ's queues included.
    const redis = new Redis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    redis.disconnect();
    expect(keys.some((key) => key.startsWith(`${prefix}:bull:inbound.process:`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${prefix}:bull:outbound.send:`))).toBe(true);
  }, 60_000);

  it('reports a workers process healthy through the sentinel', async () => {
    const check = spawnSync(process.execPath, ['scripts/healthcheck.mjs', 'workers'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, REDIS_URL: `redis+sentinel://127.0.0.1:${sentinel.port}/${MASTER}` },
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const wrong = spawnSync(process.execPath, ['scripts/healthcheck.mjs', 'workers'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        REDIS_URL: `redis+sentinel://127.0.0.1:${sentinel.port}/no-such-master`,
      },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('unhealthy (workers)');
  });
});
