import type { ChildProcess } from 'node:child_process';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { creatorBody, type Client } from './harness';
import { startNginx } from './nginx';
import {
  connectTelegram,
  postTelegram,
  record,
  Stack,
  until,
  type InboxClient,
  type VelvetProcess,
} from './stack';

const TOKEN = '7200000002:AAH-sticky-test-bot-token-for-tests-0002';

interface Poller {
  socket: InboxClient;
  events: { event: string; payload: any }[];
  polls: number;
  disconnects: number;
}

/**
 * Long-polling only (no WebSocket), no cookie, no header: what a browser behind a proxy that
 * blocks WebSocket does. Two hubs behind the repository's nginx.conf, each request after the
 * handshake must reach the hub holding the Engine.IO session or it is refused
 * ("Session ID unknown") and the client drops.
 */
describe('long-polling clients through nginx with two hubs', () => {
  let telegram: TelegramStandin;
  let stack: Stack;
  let hubs: VelvetProcess[];
  let nginx: ChildProcess;
  let url: string;
  let admin: Client;
  let account: { accountId: string; secret: string };
  let updateId = 1;
  const pollers: Poller[] = [];

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    stack = await Stack.create({ env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' } });
    hubs = await Promise.all([
      stack.start('hub', { VELVET_HUB_ID: 'hub-1' }),
      stack.start('hub', { VELVET_HUB_ID: 'hub-2' }),
    ]);
    await stack.start('workers');
    ({ url, process: nginx } = await startNginx(
      stack.dataDir,
      hubs.map((h) => h.port!),
    ));
    admin = await stack.admin(url);
    const creator = await admin.post('/api/creators', creatorBody('Polly'));
    account = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
  }, 120_000);

  afterAll(async () => {
    for (const p of pollers) p.socket.disconnect();
    nginx?.kill('SIGTERM');
    await stack?.destroy();
    await telegram?.close();
  });

  async function poller(): Promise<Poller> {
    const socket: InboxClient = connect(`${url}/inbox`, {
      auth: { token: admin.token },
      transports: ['polling'],
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    const p: Poller = { socket, events: record(socket), polls: 0, disconnects: 0 };
    const countPolls = () => socket.io.engine.transport.on('pollComplete', () => p.polls++);
    socket.io.on('open', countPolls);
    socket.on('disconnect', () => p.disconnects++);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    // Its place in the event log: what it echoes back to recover after a drop. A client that
    // never got one starts afresh (the inbox then reloads), which is not what is tested here.
    await until(() => p.events.some((e) => e.event === 'sync:offset'), 10_000, 'the log offset');
    return p;
  }

  const hubOf = (p: Poller) => p.socket.io.engine.id.split('.')[0];

  async function fanWrites(text: string): Promise<void> {
    const update = telegramUpdates.text({ updateId: updateId++, chatId: 7001, fromId: 7001, text });
    expect((await postTelegram(url, account.accountId, account.secret, update)).status).toBe(200);
  }

  it('spreads handshakes over both hubs and keeps every client on its own', async () => {
    // Handshakes are spread at random: connect until each hub holds at least two clients.
    while (
      pollers.length < 40 &&
      ['hub-1', 'hub-2'].some((h) => pollers.filter((p) => hubOf(p) === h).length < 2)
    )
      pollers.push(await poller());
    for (const hub of ['hub-1', 'hub-2'])
      expect(pollers.filter((p) => hubOf(p) === hub).length).toBeGreaterThanOrEqual(2);
    for (const p of pollers) expect(p.socket.io.engine.transport.name).toBe('polling');

    // Several webhooks, each a round of long-polls answered with the event, on every client.
    for (let i = 1; i <= 5; i++) {
      await fanWrites(`polling round ${i}`);
      for (const p of pollers)
        await until(
          () =>
            p.events.some(
              (e) => e.event === 'message:new' && e.payload.message.text === `polling round ${i}`,
            ),
          10_000,
          `round ${i} on ${p.socket.io.engine.id}`,
        );
    }
    for (const p of pollers) {
      expect(p.polls).toBeGreaterThanOrEqual(5);
      expect(p.disconnects).toBe(0);
    }

    // Client → server over polling (a POST carrying the sid): a reply from a client on each hub.
    const conversationId = pollers[0]!.events.find((e) => e.event === 'message:new')!.payload.conversationId;
    for (const hub of ['hub-1', 'hub-2']) {
      const p = pollers.find((c) => hubOf(c) === hub)!;
      const ack = await p.socket.emitWithAck('message:send', { conversationId, text: `reply from ${hub}` });
      expect(ack.ok).toBe(true);
    }
    await until(
      () => telegram.sent.filter((m) => String(m.text).startsWith('reply from hub-')).length === 2,
      10_000,
      'replies',
    );
  }, 90_000);

  it('reconnects a dropped polling client through nginx and misses nothing', async () => {
    const dropped = pollers.slice(0, 4);
    expect(dropped).toHaveLength(4);
    const before = dropped.map((p) => p.socket.io.engine.id);
    // The connection drops (not a client disconnect): the manager reconnects on its own.
    for (const p of dropped) p.socket.io.engine.close();
    await fanWrites('while they were away');
    await until(
      () => dropped.every((p, i) => p.socket.connected && p.socket.io.engine.id !== before[i]),
      10_000,
      'reconnection',
    );
    for (const p of dropped) expect(p.socket.io.engine.transport.name).toBe('polling');
    await fanWrites('after the reconnection');
    for (const p of pollers)
      for (const text of ['while they were away', 'after the reconnection'])
        await until(
          () => p.events.some((e) => e.event === 'message:new' && e.payload.message.text === text),
          10_000,
          `"${text}" on ${p.socket.io.engine.id}`,
        );
  }, 60_000);

  it('moves the polling clients of a killed hub to the other one, with every event', async () => {
    // The reconnections above went to either hub at random: make sure hub-1 holds two.
    while (pollers.length < 60 && pollers.filter((p) => hubOf(p) === 'hub-1').length < 2)
      pollers.push(await poller());
    const victims = pollers.filter((p) => hubOf(p) === 'hub-1');
    expect(victims.length).toBeGreaterThanOrEqual(2);
    await hubs[0]!.stop('SIGKILL');
    // Their next poll gets nginx's 502; they handshake again, now on hub-2.
    await fanWrites('after hub-1 died');
    await until(
      () => victims.every((p) => p.socket.connected && hubOf(p) === 'hub-2'),
      15_000,
      'the killed hub’s clients on hub-2',
    );
    for (const p of pollers)
      await until(
        () =>
          p.events.some((e) => e.event === 'message:new' && e.payload.message.text === 'after hub-1 died'),
        10_000,
        `the event on ${p.socket.io.engine.id}`,
      );
    for (const p of victims) expect(p.socket.io.engine.transport.name).toBe('polling');
  }, 60_000);
});
