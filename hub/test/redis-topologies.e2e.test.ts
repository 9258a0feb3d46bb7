import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '@velvet/shared/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody, ROOT } from './harness';
import { SENTINEL_MASTER, startCluster, startSentinel, type RedisTopology } from './redis-topologies';
import {
  connectTelegram,
  inboxClient,
  postTelegram,
  record,
  Stack,
  until,
  type VelvetProcess,
} from './stack';

const TOKEN = '7955000001:AAH-redis-topology-bot-token-for-tests';

/** Every key under `prefix` on each node holding data, node by node. */
async function keysByNode(topology: RedisTopology, prefix: string): Promise<string[][]> {
  return Promise.all(
    topology.dataNodes.map(async (url) => {
      const redis = new Redis(url);
      try {
        return await redis.keys(`${prefix}*`);
      } finally {
        redis.disconnect();
      }
    }),
  );
}

const healthcheck = (redisUrl: string) =>
  spawnSync(process.execPath, ['scripts/healthcheck.mjs', 'workers'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, REDIS_URL: redisUrl },
    encoding: 'utf8',
    timeout: 20_000,
  });

/**
 * Velvet on Redis beyond one node: the processes are given only REDIS_URL, the sentinel's
 * address and the master's name, or some Cluster nodes. A sentinel answers no data
 * commands and a Cluster node refuses keys of other slots, so queues, the Socket.IO
 * adapter, the workers' emitter and the event log all work only if every connection was
 * made for that topology. The key prefix carries the hash tag a Cluster needs.
 */
describe.each([
  ['Sentinel', startSentinel],
  ['Cluster', startCluster],
])('Redis through %s', (_name, start) => {
  let topology: RedisTopology;
  let telegram: TelegramStandin;
  let stack: Stack;
  let hubs: VelvetProcess[];
  const prefix = `{${uniqueName('velvet-test')}}`;

  beforeAll(async () => {
    topology = await start();
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({
      env: { REDIS_URL: topology.url, VELVET_REDIS_PREFIX: prefix, TELEGRAM_API_ROOT: telegram.apiRoot },
    });
    hubs = [await stack.start('hub'), await stack.start('hub')];
    await stack.start('workers');
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    if (topology) {
      for (const [i, keys] of (await keysByNode(topology, prefix)).entries()) {
        if (keys.length === 0) continue;
        const redis = new Redis(topology.dataNodes[i]!);
        await redis.del(...keys);
        redis.disconnect();
      }
    }
    await telegram?.close();
    await topology?.close();
  });

  it('carries a fan message across two hubs and delivers the reply once', async () => {
    const [first, second] = hubs as [VelvetProcess, VelvetProcess];
    const admin = await stack.admin(first.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Topology'),
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

    // A client whose connection drops recovers, once back, what it missed from the event log.
    const missed = telegramUpdates.text({
      updateId: 3,
      chatId: 813,
      fromId: 813,
      text: 'While you were away',
    });
    socket.io.engine.close();
    expect((await postTelegram(first.url!, accountId, secret, missed)).status).toBe(200);
    await until(
      () => events.find((e) => e.event === 'message:new' && e.payload.message.text === 'While you were away'),
      15_000,
      'the missed message after reconnecting',
    );
    expect(socket.recovered).toBe(true);
    socket.disconnect();

    // Everything is in this Redis under the hash-tagged prefix, BullMQ's queues included,
    // and all on one node: one slot.
    const byNode = await keysByNode(topology, prefix);
    const keys = byNode.flat();
    expect(byNode.filter((k) => k.length > 0)).toHaveLength(1);
    expect(keys.some((key) => key.startsWith(`${prefix}:bull:inbound.process:`))).toBe(true);
    expect(keys.some((key) => key.startsWith(`${prefix}:bull:outbound.send:`))).toBe(true);
    expect(keys).toContain(`${prefix}:inbox:events`);
  }, 60_000);

  it('reports a workers process healthy through this REDIS_URL', () => {
    const check = healthcheck(topology.url);
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});

describe('Redis through Sentinel, misconfigured', () => {
  let sentinel: RedisTopology;
  beforeAll(async () => {
    sentinel = await startSentinel();
  });
  afterAll(() => sentinel?.close());

  it('reports unhealthy when the sentinels know no such master', () => {
    const wrong = healthcheck(sentinel.url.replace(SENTINEL_MASTER, 'no-such-master'));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('unhealthy (workers)');
  });
});
