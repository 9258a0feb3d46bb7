import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from './cpu';
import { fanText } from './fan-texts';
import { openSockets, rssMiB } from './sockets';
import { io as connect, type Socket } from 'socket.io-client';
import { startTelegramStandin, telegramUpdates } from '@velvet/platforms/testing';
import { Client, creatorBody } from '../../hub/test/harness';
import { startNginx } from '../../hub/test/nginx';
import { connectTelegram, postTelegram, Stack, type VelvetProcess } from '../../hub/test/stack';
import { paced, round, summarize } from './stats';

const TOKEN = '7400000003:AAH-bench-bot-token-for-the-scale-bench01';
/** Operators watching the creator the load is for; every other socket watches another creator. */
const WATCHERS = 100;
/** A busy machine compiles the TypeScript of each process slowly: wait as the publishing case does. */
const starting = { startTimeoutMs: 180_000 };

/** nginx's master and its workers. */
function withChildren(pid: number): number[] {
  const pids = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export interface ScaleRun {
  hubs: number;
  workers: number;
  sockets: number;
  rate: number;
  achievedRate: number;
  sent: number;
  delivered: number;
  errors: number;
  latencyMs: ReturnType<typeof summarize>;
  /** Time to open every socket through nginx, 100 handshakes at a time. */
  connectSeconds: number;
  /** Sockets per hub, as nginx spread the handshakes. */
  socketsPerHub: number[];
  hubRssMiB: number[];
  /** CPU milliseconds per webhook during the load, per kind of process. */
  cpuMsPerWebhook: { hubs: number; workers: number; nginx: number };
}

/**
 * The scaled shape against the single one, in the same run: `hubs` hub processes and as many
 * worker processes behind the repository's nginx.conf, `sockets` operator sockets opened
 * through nginx, and a steady webhook load through nginx measured to `message:new` at an
 * operator's socket.
 */
async function scaleRun(options: { hubs: number; sockets: number; rate: number; seconds: number }) {
  const telegram = await startTelegramStandin({ tokens: [TOKEN] });
  const stack = await Stack.create({
    env: { TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' },
    config: (yaml) => yaml.replace('attempts_per_ip: 30', 'attempts_per_ip: 100000'),
  });
  let nginx: Awaited<ReturnType<typeof startNginx>>['process'] | undefined;
  const sockets: Socket[] = [];
  try {
    const hubs: VelvetProcess[] = await Promise.all(
      Array.from({ length: options.hubs }, (_, i) =>
        stack.start('hub', { VELVET_HUB_ID: `hub-${i + 1}` }, starting),
      ),
    );
    const workers: VelvetProcess[] = await Promise.all(
      Array.from({ length: options.hubs }, () => stack.start('workers', {}, starting)),
    );
    const front = await startNginx(
      stack.dataDir,
      hubs.map((h) => h.port!),
    );
    nginx = front.process;
    const admin = await stack.admin(front.url);
    const watched = await admin.post('/api/creators', creatorBody('Watched'));
    const other = await admin.post('/api/creators', creatorBody('Other'));
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, watched.body.id);
    const tokens: string[] = [];
    for (const [email, creatorId] of [
      ['watcher@bench.velvet', watched.body.id as string],
      ['other@bench.velvet', other.body.id as string],
    ] as const) {
      const created = await admin.post('/api/users', {
        email,
        password: 'chatter-password-123',
        role: 'chatter',
        creatorIds: [creatorId],
      });
      if (created.status !== 201) throw new Error(`user: ${JSON.stringify(created.body)}`);
      const chatter = new Client(front.url);
      await chatter.login(email, 'chatter-password-123');
      tokens.push(chatter.token!);
    }

    const connecting = performance.now();
    sockets.push(
      ...(await openSockets(
        options.sockets,
        (i) =>
          connect(`${front.url}/inbox`, {
            transports: ['websocket'],
            reconnection: false,
            forceNew: true,
            // Handshakes queue behind each other on a busy machine: slow is measured, not fatal.
            timeout: 120_000,
            auth: { token: tokens[i < WATCHERS ? 0 : 1] },
          }),
        100,
      )),
    );
    const connectSeconds = round((performance.now() - connecting) / 1000, 1);
    // Each hub prefixes the Engine.IO session ids it creates with its VELVET_HUB_ID.
    const socketsPerHub = hubs.map(
      (_, i) => sockets.filter((socket) => socket.io.engine.id.startsWith(`hub-${i + 1}.`)).length,
    );
    await new Promise((r) => setTimeout(r, 1000));

    const listener = sockets[0]!;
    // The texts repeat after a couple of thousand: each text's sends are matched in order.
    const sentAt = new Map<string, number[]>();
    const latencies: number[] = [];
    listener.on('message:new', (payload: { message: { text: string } }) => {
      const started = sentAt.get(payload.message.text)?.shift();
      if (started !== undefined) latencies.push(performance.now() - started);
    });

    const pids = {
      hubs: hubs.map((h) => h.child.pid!),
      workers: workers.map((w) => w.child.pid!),
      nginx: withChildren(nginx.pid!),
    };
    const cpu = () => ({
      hubs: pids.hubs.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0),
      workers: pids.workers.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0),
      nginx: pids.nginx.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0),
    });

    let errors = 0;
    const before = cpu();
    const began = performance.now();
    await paced(options.rate, options.seconds, async (i) => {
      const text = fanText(i);
      const chatId = 500_000 + (i % 400);
      sentAt.set(text, [...(sentAt.get(text) ?? []), performance.now()]);
      const response = await postTelegram(
        front.url,
        accountId,
        secret,
        telegramUpdates.text({ updateId: i + 1, chatId, fromId: chatId, text }),
      ).catch(() => ({ status: 0 }));
      if (response.status !== 200) errors++;
    });
    const elapsed = (performance.now() - began) / 1000;
    const sent = Math.round(options.rate * options.seconds);
    const deadline = performance.now() + 10_000;
    while (latencies.length < sent - errors && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const after = cpu();
    const perWebhook = (kind: keyof typeof before) => round(((after[kind] - before[kind]) * 1000) / sent, 2);

    return {
      hubs: options.hubs,
      workers: options.hubs,
      sockets: options.sockets,
      rate: options.rate,
      achievedRate: Math.round(sent / elapsed),
      sent,
      delivered: latencies.length,
      errors,
      latencyMs: summarize(latencies),
      connectSeconds,
      socketsPerHub,
      hubRssMiB: pids.hubs.map(rssMiB),
      cpuMsPerWebhook: {
        hubs: perWebhook('hubs'),
        workers: perWebhook('workers'),
        nginx: perWebhook('nginx'),
      },
    } satisfies ScaleRun;
  } finally {
    for (const socket of sockets) socket.disconnect();
    nginx?.kill('SIGTERM');
    await stack.destroy();
    await telegram.close();
  }
}

/** One hub and one worker behind nginx (the baseline), then two of each, the same load. */
export async function scaleBench(options: { sockets: number; rate: number; seconds: number }) {
  const single = await scaleRun({ ...options, hubs: 1 });
  const scaled = await scaleRun({ ...options, hubs: 2 });
  return { single, scaled };
}
