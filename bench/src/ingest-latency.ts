import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { JOB_NAMES } from '@velvet/shared';
import { startOllamaStandin } from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates } from '@velvet/platforms/testing';
import { creatorBody } from '../../hub/test/harness';
import { connectTelegram, inboxClient, postTelegram, Stack, type VelvetProcess } from '../../hub/test/stack';
import { CpuMeter, startRedisServer, type CpuGroup } from './cpu';
import { fanText } from './fan-texts';
import { paced, round, summarize } from './stats';

const TOKEN = '7400000001:AAH-bench-bot-token-for-the-ingest-bench01';
/** A short reply, streamed fast: the draft job's full path without waiting on a model. */
const REPLY = 'Coucou toi ! Merci, ça me fait plaisir 😊 Et toi, ta journée ?';
const FANS = 2000;
/** The workers' backlog must be empty this soon after the load ends. */
export const DRAIN_LIMIT_MS = 1000;

export interface IngestRun {
  rate: number;
  seconds: number;
  /** Workers running: the whole pipeline; else the hub alone. */
  pipeline: boolean;
  achievedRate: number;
  errors: number;
  /** Answers other than 200 by status (0: no answer, the request failed at the client). */
  errorStatuses: Record<string, number>;
  /** The hub's error log lines during the run, by message and error (why a 5xx was answered). */
  errorCauses: Record<string, number>;
  delivered: number;
  sent: number;
  latencyMs: ReturnType<typeof summarize>;
  /** Load end → no job waiting or running (null: not drained within the wait). */
  drainMs: number | null;
  drafts: number;
  /** CPU milliseconds per webhook, per process group, over load and drain, less the idle processes' own. */
  cpuMsPerWebhook: Record<CpuGroup, number> & { pipeline: number };
  /** The same, idle share included. */
  grossPipelineCpuMs: number;
}

/**
 * A rate is sustained: p99 webhook → `message:new` under 100 ms, every webhook 2xx and
 * delivered, the pace held, and (with workers) their backlog drained within a second.
 */
export const sustained = (run: IngestRun) =>
  run.errors === 0 &&
  run.delivered === run.sent &&
  run.latencyMs.p99 < 100 &&
  run.achievedRate >= 0.95 * run.rate &&
  (!run.pipeline || (run.drainMs !== null && run.drainMs <= DRAIN_LIMIT_MS));

/**
 * Webhook → `message:new` at a socket.io-client, through separate hub and workers
 * processes on real PostgreSQL and the bench's own Redis, with drafts streamed by the
 * Ollama stand-in: fixed rates, the highest sustained rate, then the hub alone.
 */
export async function ingestBench(options: {
  rates: number[];
  seconds: number;
  searchSeconds: number;
  searchSteps: number;
  hubRates: number[];
  /** Untimed load at the first rate before anything is measured: V8 compiles the hot paths. */
  warmupSeconds: number;
}) {
  const telegram = await startTelegramStandin({ tokens: [TOKEN] });
  const ollama = await startOllamaStandin({ reply: () => REPLY, tokensPerSecond: 2000 });
  const redis = await startRedisServer();
  const stack = await Stack.create({
    env: {
      TELEGRAM_API_ROOT: telegram.apiRoot,
      OLLAMA_HOST: ollama.url,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
    },
    // Bench traffic comes from one address: lift the sign-in limit, nothing else.
    config: (yaml) => yaml.replace('attempts_per_ip: 30', 'attempts_per_ip: 100000'),
  });
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const queues = JOB_NAMES.map(
    (name) => new Queue(name, { connection, prefix: `${stack.redis.prefix}:bull` }),
  );
  let workers: VelvetProcess | undefined;
  let hub: VelvetProcess | undefined;
  const meter = new CpuMeter(
    () => ({ hub: hub?.child.pid, workers: workers?.child.pid, redis: redis.pid }),
    stack.db.url,
  );
  try {
    hub = await stack.start('hub');
    workers = await stack.start('workers');
    await meter.open();
    const admin = await stack.admin(hub.url!);
    // No quiet hours: every message is drafted (and waits for approval, the default policy).
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Bench'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const { accountId, secret } = await connectTelegram(admin, telegram, TOKEN, creator.body.id);
    const socket = await inboxClient(hub.url!, admin.token);
    // Texts repeat every 1,800 messages: the earliest unanswered send of a text is its event's.
    const sentAt = new Map<string, number[]>();
    let latencies: number[] = [];
    socket.on('message:new', (payload) => {
      const started = sentAt.get(payload.message.text)?.shift();
      if (started !== undefined) latencies.push(performance.now() - started);
    });
    const backlog = async () => {
      const counts = await Promise.all(
        queues.map((q) => q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children')),
      );
      return counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    };
    const draftCount = async () =>
      Number((await stack.query<{ n: string }>('select count(*) as n from drafts'))[0]!.n);

    // What the processes burn doing nothing (timers, sweeps, BullMQ polling), per second:
    // measured after the warm-up, below.
    let idlePerSecond: (group: CpuGroup) => number = () => 0;

    let updateId = 1;
    let textIndex = 0;
    const run = async (rate: number, seconds: number): Promise<IngestRun> => {
      latencies = [];
      sentAt.clear();
      let errors = 0;
      const errorStatuses: Record<string, number> = {};
      const pipeline = workers !== undefined;
      const draftsBefore = await draftCount();
      const logFrom = hub!.output().length;
      await meter.start();
      const began = performance.now();
      await paced(rate, seconds, async () => {
        const text = fanText(textIndex++);
        const chatId = 100_000 + (updateId % FANS);
        const queue = sentAt.get(text) ?? [];
        queue.push(performance.now());
        sentAt.set(text, queue);
        const response = await postTelegram(
          hub!.url!,
          accountId,
          secret,
          telegramUpdates.text({ updateId: updateId++, chatId, fromId: chatId, text }),
        ).catch(() => ({ status: 0 }));
        if (response.status !== 200) {
          errors++;
          errorStatuses[response.status] = (errorStatuses[response.status] ?? 0) + 1;
        }
      });
      const loadEnd = performance.now();
      const elapsed = (loadEnd - began) / 1000;
      const sent = Math.round(rate * seconds);
      // Late events still count (as slow ones).
      const deadline = performance.now() + 5000;
      while (latencies.length < sent - errors && performance.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      let drainMs: number | null = null;
      if (pipeline) {
        const drainDeadline = loadEnd + 15_000;
        while (performance.now() < drainDeadline) {
          if ((await backlog()) === 0) {
            drainMs = Math.round(performance.now() - loadEnd);
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
      }
      // Let a backlog that did not drain finish before the next run (its CPU still counts).
      const settle = performance.now() + 120_000;
      while (pipeline && drainMs === null && (await backlog()) > 0 && performance.now() < settle)
        await new Promise((r) => setTimeout(r, 200));
      const cpu = await meter.stop();
      const window = (performance.now() - began) / 1000;
      // The idle rate of a process that was stopped for this run (workers) is not subtracted.
      const net = (group: CpuGroup) =>
        group === 'bench' || (group === 'workers' && !pipeline)
          ? cpu[group]
          : Math.max(0, cpu[group] - idlePerSecond(group) * window);
      const perWebhook = Object.fromEntries(
        Object.keys(cpu).map((k) => [k, round(net(k as CpuGroup) / sent, 3)]),
      ) as Record<CpuGroup, number>;
      const drafts = (await draftCount()) - draftsBefore;
      await new Promise((r) => setTimeout(r, 1000));
      return {
        rate,
        seconds,
        pipeline,
        achievedRate: Math.round(sent / elapsed),
        errors,
        errorStatuses,
        errorCauses: errorCauses(hub!.output().slice(logFrom)),
        delivered: latencies.length,
        sent,
        latencyMs: summarize(latencies),
        drainMs,
        drafts,
        cpuMsPerWebhook: {
          ...perWebhook,
          pipeline: round(perWebhook.hub + perWebhook.workers + perWebhook.postgres + perWebhook.redis, 3),
        },
        grossPipelineCpuMs: round((cpu.hub + cpu.workers + cpu.postgres + cpu.redis) / sent, 3),
      };
    };

    // A hub runs for days: what it costs then, once V8 has compiled its hot paths, is measured,
    // not the first seconds of interpreted and baseline code. The warm-up is run but not kept.
    if (options.warmupSeconds > 0) await run(options.rates[0] ?? 50, options.warmupSeconds);

    // What the processes burn doing nothing (timers, sweeps, BullMQ polling), per second.
    await new Promise((r) => setTimeout(r, 2000));
    await meter.start();
    const idleBegan = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const idle = await meter.stop();
    const idleSeconds = (performance.now() - idleBegan) / 1000;
    idlePerSecond = (group: CpuGroup) => idle[group] / idleSeconds;

    // Throughput: bracket with the fixed rates, grow ×2 until a rate fails, then bisect.
    const search = async (fixed: IngestRun[], start: number) => {
      const steps: IngestRun[] = [];
      let pass = Math.max(0, ...fixed.filter(sustained).map((r) => r.rate));
      let fail = Math.min(Infinity, ...fixed.filter((r) => !sustained(r)).map((r) => r.rate));
      for (let i = 0; i < options.searchSteps; i++) {
        const rate = fail === Infinity ? Math.max(start, pass * 2) : Math.round((pass + fail) / 2);
        if (fail !== Infinity && fail - pass <= Math.max(10, pass * 0.05)) break;
        const step = await run(rate, options.searchSeconds);
        steps.push(step);
        if (sustained(step)) pass = rate;
        else fail = rate;
      }
      return { sustainedRate: pass, firstFailingRate: Number.isFinite(fail) ? fail : null, steps };
    };

    const fixed: IngestRun[] = [];
    for (const rate of options.rates) fixed.push(await run(rate, options.seconds));
    const throughput = await search(fixed, 50);

    // The hub alone: workers stopped, jobs pile up in Redis untouched.
    await workers.stop();
    workers = undefined;
    const hubFixed: IngestRun[] = [];
    for (const rate of options.hubRates) hubFixed.push(await run(rate, options.searchSeconds));
    const hubAlone = { fixed: hubFixed, ...(await search(hubFixed, 400)) };
    socket.disconnect();
    return { fixed, throughput, hubAlone };
  } finally {
    await meter.close().catch(() => {});
    await Promise.all(queues.map((q) => q.close()));
    connection.disconnect();
    await stack.destroy();
    await redis.stop();
    await ollama.close();
    await telegram.close();
  }
}

/** Counts the error lines (pino level ≥ 50) of a process's output by message and error. */
function errorCauses(output: string): Record<string, number> {
  const causes: Record<string, number> = {};
  for (const line of output.split('\n')) {
    if (!line.includes('"level":5') && !line.includes('"level":6')) continue;
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string; err?: { message?: string } };
      if ((entry.level ?? 0) < 50) continue;
      const cause = [entry.msg, entry.err?.message].filter(Boolean).join(': ');
      causes[cause] = (causes[cause] ?? 0) + 1;
    } catch {
      // Not a log line.
    }
  }
  return causes;
}
