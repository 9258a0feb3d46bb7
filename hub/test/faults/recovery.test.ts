import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmitterPublisher, EventLog } from '@velvet/shared';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { ADMIN, Client, startTestHub, type TestHub } from '../harness';
import { inboxClient, until } from '../stack';

/**
 * Connection state recovery while events keep coming: whatever is broadcast while a
 * reconnecting socket is being restored (its session read, its token checked) reaches it.
 */
describe('recovery of missed events under a steady stream', () => {
  let hub: TestHub;
  let admin: Client;
  let redis: Redis;

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    redis?.disconnect();
    await hub?.stop();
  });

  it('gives a client every event across ten dropped connections', async () => {
    const socket = await inboxClient(hub.url, admin.token);
    const received = new Set<number>();
    socket.on('conversation:update', (payload) => received.add(Number(payload.conversationId)));
    const publisher = createEmitterPublisher(redis, hub.redisPrefix, new EventLog(redis, hub.redisPrefix));

    // One event every millisecond or so, as a busy creator's inbox would produce.
    const sent: number[] = [];
    let streaming = true;
    const stream = (async () => {
      for (let n = 1; streaming; n++) {
        await publisher.emit({ creatorId: 'c0ffee00-0000-4000-8000-000000000000' }, 'conversation:update', {
          conversationId: String(n),
          status: 'bot',
        });
        sent.push(n);
        await new Promise((r) => setImmediate(r));
      }
    })();

    let recoveries = 0;
    for (let drop = 0; drop < 10; drop++) {
      await new Promise((r) => setTimeout(r, 50));
      // Drop the transport as a flaky network would (not a deliberate disconnect).
      socket.io.engine.close();
      await until(() => socket.disconnected || undefined, 5000, 'disconnect');
      await until(() => socket.connected || undefined, 5000, 'reconnect');
      if (socket.recovered) recoveries++;
    }
    streaming = false;
    await stream;

    expect(recoveries).toBe(10);
    await until(() => sent.every((n) => received.has(n)) || undefined, 5000, 'every event').catch(() => {
      expect(
        sent.filter((n) => !received.has(n)),
        `missed of ${sent.length}`,
      ).toEqual([]);
    });
    socket.disconnect();
  }, 60_000);

  it('recovers a client whose connection drops before any event reached it', async () => {
    const publisher = createEmitterPublisher(redis, hub.redisPrefix, new EventLog(redis, hub.redisPrefix));
    const socket = await inboxClient(hub.url, admin.token);
    const received: string[] = [];
    socket.on('conversation:update', (payload) => received.push(payload.conversationId));
    const offered = new Promise<void>((resolve) => socket.once('sync:offset', () => resolve()));
    await offered;
    expect(received).toEqual([]);

    // Drop it, and make it miss an event before it is back.
    socket.io.reconnection(false);
    socket.io.engine.close();
    await until(() => socket.disconnected || undefined, 5000, 'disconnect');
    await publisher.emit({ creatorId: 'c0ffee00-0000-4000-8000-000000000000' }, 'conversation:update', {
      conversationId: 'while-away',
      status: 'bot',
    });
    socket.io.reconnection(true);
    socket.connect();
    await until(() => socket.connected || undefined, 5000, 'reconnect');

    expect(socket.recovered).toBe(true);
    await until(() => received.includes('while-away') || undefined, 5000, 'the missed event');
    socket.disconnect();
  });
});
