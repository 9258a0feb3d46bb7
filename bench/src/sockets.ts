import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { io as connect, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import { startTelegramStandin, telegramUpdates } from '@velvet/platforms/testing';
import { Client, creatorBody } from '../../hub/test/harness';
import { connectTelegram, postTelegram, Stack } from '../../hub/test/stack';
import { summarize } from './stats';

const TOKEN = '7400000002:AAH-bench-bot-token-for-the-socket-bench1';
const ROOM = 1000;

/** Resident set size of a process, in MiB, from /proc. */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

/** Opens sockets in batches so the handshakes do not all land in the same tick. */
export async function openSockets(
  count: number,
  open: (i: number) => Socket,
  batch = 250,
): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let start = 0; start < count; start += batch) {
    const group = Array.from({ length: Math.min(batch, count - start) }, (_, k) => open(start + k));
    await Promise.all(
      group.map(
        (socket) =>
          new Promise<void>((resolve, reject) => {
            socket.once('connect', () => resolve());
            socket.once('connect_error', (error) => reject(error));
          }),
      ),
    );
    sockets.push(...group);
  }
  return sockets;
}

const options: Partial<ManagerOptions & SocketOptions> = {
  transports: ['websocket'],
  reconnection: false,
  forceNew: true,
};

/** Time from the trigger until every socket of the room has the event, `rounds` times. */
async function fanOut(
  room: Socket[],
  event: string,
  rounds: number,
  trigger: (round: number) => Promise<void>,
) {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let received = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const onEvent = () => {
      if (++received === room.length) resolveAll();
    };
    for (const socket of room) socket.once(event, onEvent);
    const started = performance.now();
    await trigger(round);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 10_000));
    if ((await Promise.race([all, timeout])) === 'timeout') {
      for (const socket of room) socket.off(event, onEvent);
      throw new Error(`only ${received}/${room.length} sockets got ${event}`);
    }
    samples.push(performance.now() - started);
    await new Promise((r) => setTimeout(r, 100));
  }
  return summarize(samples);
}

/** Baseline: the same sockets on one bare Socket.IO process, the same room fan-out. */
async function bareBaseline(total: number, rounds: number) {
  const child = fork(new URL('./bare-room-server.ts', import.meta.url), {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const port = await new Promise<number>((resolve) =>
      child.once('message', (m: { port: number }) => resolve(m.port)),
    );
    const idleMiB = rssMiB(child.pid!);
    const sockets = await openSockets(total, (i) =>
      connect(`http://127.0.0.1:${port}`, { ...options, auth: { room: i < ROOM ? 'a' : 'b' } }),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const loadedMiB = rssMiB(child.pid!);
    const deliverMs = await fanOut(sockets.slice(0, ROOM), 'hit', rounds, async () => {
      child.send({ emit: 'a' });
    });
    for (const socket of sockets) socket.disconnect();
    return {
      idleMiB,
      loadedMiB,
      kibPerSocket: Math.round(((loadedMiB - idleMiB) * 1024) / total),
      deliverMs,
    };
  } finally {
    child.kill('SIGTERM');
  }
}

/**
 * Idle authenticated operator sockets spread over two hub processes (no workers: nothing
 * but the hubs' own work), RSS per process, and the time for one `message:new` to reach
 * every socket of a creator's room of 1,000 (the other sockets watch another creator).
 */
export async function socketsBench(counts: number[], rounds: number) {
  const results = [];
  for (const total of counts) {
    const baseline = await bareBaseline(total, rounds);
    const telegram = await startTelegramStandin({ tokens: [TOKEN] });
    const stack = await Stack.create({
      env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' },
      config: (yaml) => yaml.replace('attempts_per_ip: 30', 'attempts_per_ip: 100000'),
    });
    try {
      const hubs = [await stack.start('hub'), await stack.start('hub')];
      const admin = await stack.admin(hubs[0]!.url!);
      const roomCreator = await admin.post('/api/creators', creatorBody('Room'));
      const otherCreator = await admin.post('/api/creators', creatorBody('Other'));
      const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, roomCreator.body.id);
      const tokens: string[] = [];
      for (const [email, creatorId] of [
        ['room-chatter@bench.velvet', roomCreator.body.id],
        ['other-chatter@bench.velvet', otherCreator.body.id],
      ]) {
        const created = await admin.post('/api/users', {
          email,
          password: 'chatter-password-123',
          role: 'chatter',
          creatorIds: [creatorId],
        });
        if (created.status !== 201) throw new Error(`user: ${JSON.stringify(created.body)}`);
        const chatter = new Client(hubs[0]!.url!);
        await chatter.login(email!, 'chatter-password-123');
        tokens.push(chatter.token!);
      }
      await new Promise((r) => setTimeout(r, 1000));
      const idleMiB = hubs.map((h) => rssMiB(h.child.pid!));
      const openedAt = performance.now();
      const sockets = await openSockets(total, (i) =>
        connect(`${hubs[i % 2]!.url}/inbox`, { ...options, auth: { token: tokens[i < ROOM ? 0 : 1] } }),
      );
      const connectSeconds = (performance.now() - openedAt) / 1000;
      await new Promise((r) => setTimeout(r, 2000));
      const loadedMiB = hubs.map((h) => rssMiB(h.child.pid!));
      let leaked = 0;
      for (const socket of sockets.slice(ROOM)) socket.on('message:new', () => leaked++);
      let updateId = 1;
      const deliverMs = await fanOut(sockets.slice(0, ROOM), 'message:new', rounds, async (round) => {
        const chatId = 300_000 + round;
        const response = await postTelegram(
          hubs[round % 2]!.url!,
          accountId,
          secret,
          telegramUpdates.text({ updateId: updateId++, chatId, fromId: chatId, text: `room ${round}` }),
        );
        if (response.status !== 200) throw new Error(`webhook answered ${response.status}`);
      });
      for (const socket of sockets) socket.disconnect();
      const added = loadedMiB.reduce((a, b) => a + b, 0) - idleMiB.reduce((a, b) => a + b, 0);
      results.push({
        sockets: total,
        roomSize: ROOM,
        connectSeconds: Math.round(connectSeconds * 10) / 10,
        hubs: hubs.map((_, i) => ({ idleMiB: idleMiB[i]!, loadedMiB: loadedMiB[i]! })),
        kibPerSocket: Math.round((added * 1024) / total),
        deliverMs,
        leakedToOtherCreator: leaked,
        baseline,
      });
    } finally {
      await stack.destroy();
      await telegram.close();
    }
  }
  return results;
}
