import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import {
  closeQueues,
  createQueues,
  jobOptions,
  loadVelvetConfig,
  openDatabase,
  OutboxRelay,
  schema,
  type OutboxRow,
} from '@velvet/shared';
import { creatorBody, ROOT } from '../../hub/test/harness';
import { Stack } from '../../hub/test/stack';
import { cpuSeconds, CpuMeter, startRedisServer } from './cpu';
import { round, summarize } from './stats';

/** Sandbox accounts the targets are spread over: two per creator, each post going to both. */
const ACCOUNTS = 50;
/** Rows per insert statement and jobs per dispatch round. */
const CHUNK = 1000;
/** A process started on a machine busy with the run itself (and its neighbours) may be slow. */
const START_TIMEOUT_MS = 180_000;
const starting = { startTimeoutMs: START_TIMEOUT_MS };

export interface PublishingOptions {
  targets: number;
  /** The due times are spread uniformly over this many seconds. */
  windowSeconds: number;
  /** Seconds from the start of enqueueing to the first due time (enqueueing must fit in it). */
  leadSeconds: number;
  workers: number;
  /** After the last due time, how long to wait for stragglers (a killed worker's jobs). */
  graceSeconds: number;
  /** SIGKILL one worker this far into the window (fraction), then start a replacement. */
  killAt: number;
  /**
   * Run the baseline and the engine at the same time, on one shared first due time (set once
   * the engine's drafts are seeded), instead of one after the other: a window of an hour then
   * costs one hour, and both shapes meet the same machine.
   */
  together?: boolean;
  log(what: string): void;
}

/** When both shapes run together: the engine says its drafts are seeded, and both read the start. */
interface SharedStart {
  seeded(): void;
  start: Promise<number>;
}

export interface ScheduledRun {
  shape: 'engine' | 'raw';
  targets: number;
  windowSeconds: number;
  workers: number;
  offeredPerSecond: number;
  /** Engine only: writing the posts and targets as drafts, before anything is timed. */
  seedSeconds: number;
  /** Scheduling them (targets, held outbox rows) and handing every job to BullMQ. */
  enqueueSeconds: number;
  /**
   * How long before the first due time that ended: negative means the enqueueing load
   * overlapped the measured window, and the run is not valid (raise BENCH_PUBLISH_LEAD).
   */
  seedingMarginSeconds: number;
  /** Jobs handed to BullMQ after their due time: the lead was too short (must be 0). */
  enqueuedLate: number;
  /** Distinct targets (or jobs) in the feed. */
  fired: number;
  /** Feed entries beyond the first for the same target. */
  duplicates: number;
  /** Targets never in the feed. */
  missing: number;
  /** Engine only: targets the engine flagged for a human (a worker died mid-publication). */
  unconfirmed: number;
  /** Of those, how many the publisher did receive before the worker died. */
  unconfirmedInFeed: number;
  /** Engine only: targets still waiting (scheduled or publishing) when the grace ran out. */
  stillDue?: number;
  /** Targets neither in the feed, nor flagged, nor still due: silently lost (must be 0). */
  lost: number;
  /** Feed time − due time, over every fired target. */
  latenessMs: ReturnType<typeof summarize>;
  lateOver1s: number;
  /** First due time → last publication, targets per second. */
  firedPerSecond: number;
  /** Last due time → last publication. */
  drainMs: number;
  kill: { atSecond: number; replacementReadyMs: number };
  /** Engine only: attempts that threw, as the workers logged them. */
  failedAttempts?: number;
  /** Jobs BullMQ holds as failed for good, by reason. */
  failedJobs: Record<string, number>;
  workerPeakRssMiB: number[];
  redisPeakMiB: number;
  /** CPU milliseconds per target, from the first due time to the end. */
  cpuMsPerTarget: { workers: number; postgres: number; redis: number };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

/** Peak resident set (VmHWM) of a process, in MiB; undefined once it is gone. */
function peakRssMiB(pid: number): number | undefined {
  try {
    const kib = /^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    // A process killed but not yet reaped has no memory figures left.
    return kib === undefined ? undefined : round(Number(kib) / 1024, 1);
  } catch {
    return undefined;
  }
}

/**
 * Per-process CPU seconds and peak RSS, sampled every second so that a process killed
 * mid-run keeps its figures up to its last sample; the Redis server's used memory likewise.
 */
class Sampler {
  private readonly processes = new Map<
    number,
    { group: 'workers' | 'redis'; cpuFirst: number; cpuLast: number; peakMiB: number }
  >();
  private timer?: NodeJS.Timeout;
  redisPeakBytes = 0;

  constructor(private readonly redis: Redis) {}

  track(pid: number, group: 'workers' | 'redis' = 'workers') {
    const cpu = cpuSeconds(pid) ?? 0;
    this.processes.set(pid, { group, cpuFirst: cpu, cpuLast: cpu, peakMiB: peakRssMiB(pid) ?? 0 });
  }

  /** Counts CPU from now on. */
  resetCpu() {
    for (const entry of this.processes.values()) entry.cpuFirst = entry.cpuLast;
  }

  async sample() {
    for (const [pid, entry] of this.processes) {
      entry.cpuLast = cpuSeconds(pid) ?? entry.cpuLast;
      entry.peakMiB = Math.max(entry.peakMiB, peakRssMiB(pid) ?? 0);
    }
    const info = await this.redis.info('memory');
    this.redisPeakBytes = Math.max(this.redisPeakBytes, Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0));
  }

  start() {
    this.timer = setInterval(() => void this.sample().catch(() => {}), 1000);
  }

  stop() {
    clearInterval(this.timer);
  }

  cpuMs(group: 'workers' | 'redis') {
    let total = 0;
    for (const entry of this.processes.values())
      if (entry.group === group) total += (entry.cpuLast - entry.cpuFirst) * 1000;
    return total;
  }

  /** Peak RSS of each worker process, in the order they started. */
  workerPeaks() {
    return [...this.processes.values()].filter((e) => e.group === 'workers').map((e) => e.peakMiB);
  }
}

/** Jobs BullMQ holds as failed, counted by reason. */
async function failedJobs(queue: Queue): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const job of await queue.getFailed(0, 10_000)) {
    const reason = job.failedReason.slice(0, 120);
    counts[reason] = (counts[reason] ?? 0) + 1;
  }
  return counts;
}

/** Uniform due offsets (ms) over the window, two targets (one post, two accounts) per time. */
function dueOffsets(targets: number, windowMs: number): number[] {
  const times = Array.from({ length: Math.ceil(targets / 2) }, () => Math.floor(Math.random() * windowMs));
  times.sort((a, b) => a - b);
  return times.flatMap((t) => [t, t]).slice(0, targets);
}

/** Feed entries per key → distinct, duplicates, and the first time each key was fired. */
function tally(entries: { key: string; at: number }[]) {
  const first = new Map<string, number>();
  let duplicates = 0;
  for (const { key, at } of entries) {
    const seen = first.get(key);
    if (seen === undefined) first.set(key, at);
    else {
      duplicates++;
      first.set(key, Math.min(seen, at));
    }
  }
  return { first, duplicates };
}

function measure(
  shape: ScheduledRun['shape'],
  options: PublishingOptions,
  start: number,
  due: Map<string, number>,
  feed: { key: string; at: number }[],
) {
  const { first, duplicates } = tally(feed);
  const lateness: number[] = [];
  let lastFired = start;
  for (const [key, at] of first) {
    const dueAt = due.get(key);
    if (dueAt === undefined) continue;
    lateness.push(at - dueAt);
    lastFired = Math.max(lastFired, at);
  }
  const lastDue = Math.max(...due.values());
  return {
    shape,
    targets: options.targets,
    windowSeconds: options.windowSeconds,
    workers: options.workers,
    offeredPerSecond: round(options.targets / options.windowSeconds, 1),
    fired: first.size,
    duplicates,
    missing: [...due.keys()].filter((key) => !first.has(key)).length,
    latenessMs: summarize(lateness),
    lateOver1s: lateness.filter((l) => l > 1000).length,
    firedPerSecond: round(first.size / ((lastFired - start) / 1000), 1),
    drainMs: Math.round(lastFired - lastDue),
  };
}

/**
 * The window itself, shared by both shapes: wait for the first due time, SIGKILL one worker
 * at `killAt` of the window and start its replacement, then wait for `done` (or the grace).
 */
async function runWindow(options: {
  start: number;
  windowMs: number;
  graceMs: number;
  killAt: number;
  workers: ChildProcess[];
  replace(): Promise<ChildProcess>;
  sampler: Sampler;
  /** The database's backends' CPU (the engine only). */
  postgres?: CpuMeter;
  done(): Promise<boolean>;
  log(what: string): void;
}) {
  const { start, windowMs, sampler } = options;
  for (const worker of options.workers) sampler.track(worker.pid!);
  await sleep(start - Date.now());
  await sampler.sample();
  sampler.resetCpu();
  sampler.start();
  await options.postgres?.start();
  await sleep(start + windowMs * options.killAt - Date.now());
  await sampler.sample();
  const killedAt = Date.now();
  options.workers[0]!.kill('SIGKILL');
  options.log(`SIGKILLed worker ${options.workers[0]!.pid}; starting a replacement`);
  const replacement = await options.replace();
  const replacementReadyMs = Date.now() - killedAt;
  sampler.track(replacement.pid!);
  await sleep(start + windowMs - Date.now());
  const deadline = Date.now() + options.graceMs;
  while (!(await options.done()) && Date.now() < deadline) await sleep(1000);
  await sampler.sample();
  sampler.stop();
  const postgresMs = (await options.postgres?.stop())?.postgres ?? 0;
  return {
    kill: { atSecond: round((killedAt - start) / 1000, 1), replacementReadyMs },
    postgresMs,
  };
}

/** A Node process of the bench's own, ready once it prints `ready`. */
async function startRawWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/src/raw-delayed-worker.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!output.includes('raw worker ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`raw worker did not start:\n${output}`);
    }
    await sleep(50);
  }
  return child;
}

/**
 * Baseline: raw BullMQ delayed jobs, same count and due offsets, the engine's job options
 * (attempts, retention) and worker settings, a processor that only appends to a list, the
 * same number of worker processes and the same kill.
 */
async function rawRun(
  options: PublishingOptions,
  offsets: number[],
  shared?: SharedStart,
): Promise<ScheduledRun> {
  const redis = await startRedisServer();
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const prefix = 'bench-raw';
  const queueName = 'post.publish';
  const feedKey = `${prefix}:feed`;
  const config = loadVelvetConfig(`${ROOT}/config/velvet.yaml`).queues;
  const workerEnv = {
    REDIS_URL: redis.url,
    BENCH_PREFIX: prefix,
    BENCH_QUEUE: queueName,
    BENCH_FEED: feedKey,
    BENCH_CONCURRENCY: String(config.publish_concurrency),
    BENCH_LOCK_MS: String(config.lock_duration),
  };
  const workers: ChildProcess[] = [];
  const queue = new Queue(queueName, { connection, prefix });
  const sampler = new Sampler(connection);
  sampler.track(redis.pid, 'redis');
  try {
    for (let i = 0; i < options.workers; i++) workers.push(await startRawWorker(workerEnv));
    const start = shared ? await shared.start : Date.now() + options.leadSeconds * 1000;
    const began = Date.now();
    const due = new Map<string, number>();
    let enqueuedLate = 0;
    for (let from = 0; from < offsets.length; from += CHUNK) {
      const chunk = offsets
        .slice(from, from + CHUNK)
        .map((offset, i) => ({ id: `raw-${from + i}`, at: start + offset }));
      await Promise.all(
        chunk.map(({ id, at }) => {
          const { jobId: _jobId, ...same } = jobOptions({
            name: 'post.publish',
            data: { targetId: id, dueAt: at },
          });
          return queue.add(queueName, { dueAt: at }, { ...same, jobId: id });
        }),
      );
      const now = Date.now();
      for (const { id, at } of chunk) {
        due.set(id, at);
        if (at < now) enqueuedLate++;
      }
    }
    const enqueueSeconds = round((Date.now() - began) / 1000, 1);
    const seedingMarginSeconds = round((start - Date.now()) / 1000, 1);
    options.log(
      `raw BullMQ: ${offsets.length} delayed jobs added in ${enqueueSeconds} s, ${seedingMarginSeconds} s before the window`,
    );

    const window = await runWindow({
      start,
      windowMs: options.windowSeconds * 1000,
      graceMs: options.graceSeconds * 1000,
      killAt: options.killAt,
      workers,
      replace: async () => {
        const replacement = await startRawWorker(workerEnv);
        workers.push(replacement);
        return replacement;
      },
      sampler,
      done: async () => {
        const counts = await queue.getJobCounts('delayed', 'waiting', 'active');
        return Object.values(counts).every((n) => n === 0);
      },
      log: options.log,
    });
    const feed = (await connection.lrange(feedKey, 0, -1)).map((entry) => {
      const { id, at } = JSON.parse(entry) as { id: string; at: number };
      return { key: id, at };
    });
    const measured = measure('raw', options, start, due, feed);
    const failed = await failedJobs(queue);
    return {
      ...measured,
      seedSeconds: 0,
      enqueueSeconds,
      enqueuedLate,
      seedingMarginSeconds,
      unconfirmed: 0,
      unconfirmedInFeed: 0,
      lost: measured.missing,
      kill: window.kill,
      failedJobs: failed,
      workerPeakRssMiB: sampler.workerPeaks(),
      redisPeakMiB: round(sampler.redisPeakBytes / 2 ** 20, 1),
      cpuMsPerTarget: {
        workers: round(sampler.cpuMs('workers') / options.targets, 3),
        postgres: 0,
        redis: round(sampler.cpuMs('redis') / options.targets, 3),
      },
    };
  } finally {
    for (const worker of workers)
      if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
    await queue.close();
    connection.disconnect();
    await redis.stop();
  }
}

/**
 * The engine: a hub, worker processes, real PostgreSQL and the bench's own Redis. Posts and
 * their targets are seeded straight into the database (sandbox accounts made through the
 * API), each target with its outbox row held until its time, as `postScheduleRepo.schedule`
 * writes them; then the relay's own `dispatch` hands them to BullMQ, as the hub does right
 * after the commit. The sandbox publisher's feeds in Redis say when each target went out.
 */
async function engineRun(
  options: PublishingOptions,
  offsets: number[],
  shared?: SharedStart,
): Promise<ScheduledRun> {
  const redis = await startRedisServer();
  const stack = await Stack.create({ env: { REDIS_URL: redis.url, LOG_LEVEL: 'warn' } });
  const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const sampler = new Sampler(connection);
  sampler.track(redis.pid, 'redis');
  const postgres = new CpuMeter(() => ({}), stack.db.url);
  const database = await openDatabase({ databaseUrl: stack.db.url, dataDir: stack.dataDir, migrate: false });
  const queues = createQueues(connection, stack.redis.prefix);
  const relay = new OutboxRelay(database.db, queues, { warn: () => {} });
  try {
    const hub = await stack.start('hub', {}, starting);
    const workers: ChildProcess[] = [];
    for (let i = 0; i < options.workers; i++)
      workers.push((await stack.start('workers', {}, starting)).child);
    await postgres.open();
    const admin = await stack.admin(hub.url!);
    const accounts: { creatorId: string; accountIds: string[] }[] = [];
    for (let c = 0; c < ACCOUNTS / 2; c++) {
      const creator = await admin.post('/api/creators', creatorBody(`Bench ${c}`));
      const accountIds: string[] = [];
      for (const label of ['Feed A', 'Feed B']) {
        const account = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
          platform: 'sandbox',
          credentials: { token: `bench-sandbox-${c}-${label}` },
          label,
        });
        if (account.status !== 201) throw new Error(`sandbox account: ${JSON.stringify(account.body)}`);
        accountIds.push(account.body.id as string);
      }
      accounts.push({ creatorId: creator.body.id as string, accountIds });
    }

    const { db } = database;
    // Phase 1, untimed: the posts and their targets, as drafts (no time, no job yet).
    const seedStarted = Date.now();
    const targetIds: string[] = [];
    for (let from = 0; from < offsets.length; from += CHUNK) {
      const count = Math.min(CHUNK, offsets.length - from);
      // Two targets per post, on the two accounts of one creator, at the same time.
      const ids = await db.transaction(async (tx) => {
        const created = await tx
          .insert(schema.posts)
          .values(
            Array.from({ length: Math.ceil(count / 2) }, (_, i) => ({
              creatorId: accounts[(from / 2 + i) % accounts.length]!.creatorId,
              kind: 'text',
              text: `Bonsoir ! Post ${from / 2 + i} du jour`,
            })),
          )
          .returning({ id: schema.posts.id, creatorId: schema.posts.creatorId });
        const rows = Array.from({ length: count }, (_, i) => {
          const post = created[Math.floor(i / 2)]!;
          const owner = accounts.find((a) => a.creatorId === post.creatorId)!;
          return { postId: post.id, accountId: owner.accountIds[i % 2]!, platform: 'sandbox' as const };
        });
        const inserted = await tx.insert(schema.postTargets).values(rows).returning({
          id: schema.postTargets.id,
          postId: schema.postTargets.postId,
          accountId: schema.postTargets.accountId,
        });
        // RETURNING order is not promised: match each row back to its place.
        const byKey = new Map(inserted.map((t) => [`${t.postId}|${t.accountId}`, t.id]));
        return rows.map((r) => byKey.get(`${r.postId}|${r.accountId}`)!);
      });
      targetIds.push(...ids);
    }
    const seedSeconds = round((Date.now() - seedStarted) / 1000, 1);
    options.log(`engine: ${offsets.length} draft targets seeded in ${seedSeconds} s (before the window)`);

    // Phase 2: each target scheduled with its held outbox row, as `postScheduleRepo.schedule`
    // writes them, then handed to BullMQ by the relay's own `dispatch` as the hub does after
    // the commit. It must end before the first due time, or the run says it is invalid.
    shared?.seeded();
    const start = shared ? await shared.start : Date.now() + options.leadSeconds * 1000;
    const began = Date.now();
    const due = new Map<string, number>();
    let enqueuedLate = 0;
    for (let from = 0; from < offsets.length; from += CHUNK) {
      const ids = targetIds.slice(from, from + CHUNK);
      const times = offsets.slice(from, from + CHUNK).map((offset) => start + offset);
      const rows = await db.transaction(async (tx) => {
        // Ids and times are the bench's own (uuids, integers): inlined as array literals.
        await tx.execute(
          `update post_targets t
              set state = 'scheduled', scheduled_at = 'epoch'::timestamptz + x.ms * interval '1 millisecond',
                  time_zone = 'Europe/Paris', updated_at = now()
             from unnest('{${ids.join(',')}}'::uuid[], '{${times.join(',')}}'::bigint[]) as x(id, ms)
            where t.id = x.id`,
        );
        const outbox = await tx
          .insert(schema.outbox)
          .values(
            ids.map((id, i) => ({
              topic: 'post.publish',
              payload: { targetId: id, dueAt: times[i]! },
              // Held until due, like `outboxRepo.insert(…, { holdUntil })`.
              enqueuedAt: new Date(times[i]!),
            })),
          )
          .returning();
        return outbox.map((r): OutboxRow => ({
          id: r.id,
          job: { name: 'post.publish', data: r.payload } as OutboxRow['job'],
        }));
      });
      await relay.dispatch(rows);
      const now = Date.now();
      for (const row of rows) {
        const { targetId, dueAt } = row.job.data as { targetId: string; dueAt: number };
        due.set(targetId, dueAt);
        if (dueAt < now) enqueuedLate++;
      }
    }
    const enqueueSeconds = round((Date.now() - began) / 1000, 1);
    const seedingMarginSeconds = round((start - Date.now()) / 1000, 1);
    options.log(
      `engine: ${offsets.length} targets scheduled and enqueued in ${enqueueSeconds} s, ${seedingMarginSeconds} s before the window`,
    );

    const window = await runWindow({
      start,
      windowMs: options.windowSeconds * 1000,
      graceMs: options.graceSeconds * 1000,
      killAt: options.killAt,
      workers,
      replace: async () => (await stack.start('workers', {}, starting)).child,
      sampler,
      postgres,
      done: async () => {
        const [row] = await stack.query<{ n: number }>(
          "select count(*)::int as n from post_targets where state in ('scheduled', 'publishing')",
        );
        return row!.n === 0;
      },
      log: options.log,
    });

    const feed: { key: string; at: number }[] = [];
    for (const { accountIds } of accounts)
      for (const accountId of accountIds)
        for (const entry of await connection.lrange(
          `${stack.redis.prefix}:sandbox:feed:${accountId}`,
          0,
          -1,
        )) {
          const { targetId, at } = JSON.parse(entry) as { targetId: string; at: string };
          feed.push({ key: targetId, at: Date.parse(at) });
        }
    const measured = measure('engine', options, start, due, feed);
    const fired = new Set(feed.map((f) => f.key));
    const unconfirmed = (
      await stack.query<{ id: string }>("select id from post_targets where state = 'unconfirmed'")
    ).map((r) => r.id);
    const unconfirmedInFeed = unconfirmed.filter((id) => fired.has(id)).length;
    const [stillDue] = await stack.query<{ n: number }>(
      "select count(*)::int as n from post_targets where state in ('scheduled', 'publishing')",
    );
    return {
      ...measured,
      seedSeconds,
      enqueueSeconds,
      enqueuedLate,
      seedingMarginSeconds,
      unconfirmed: unconfirmed.length,
      unconfirmedInFeed,
      stillDue: stillDue!.n,
      lost: measured.missing - (unconfirmed.length - unconfirmedInFeed) - stillDue!.n,
      kill: window.kill,
      failedAttempts: stack.processes
        .filter((p) => p.role === 'workers')
        .reduce((sum, p) => sum + p.output().split('"msg":"job failed"').length - 1, 0),
      failedJobs: await failedJobs(queues['post.publish']),
      workerPeakRssMiB: sampler.workerPeaks(),
      redisPeakMiB: round(sampler.redisPeakBytes / 2 ** 20, 1),
      cpuMsPerTarget: {
        workers: round(sampler.cpuMs('workers') / options.targets, 3),
        postgres: round(window.postgresMs / options.targets, 3),
        redis: round(sampler.cpuMs('redis') / options.targets, 3),
      },
    };
  } finally {
    await relay.stop();
    await closeQueues(queues);
    connection.disconnect();
    await postgres.close().catch(() => {});
    await database.close();
    await stack.destroy();
    await redis.stop();
  }
}

/** The baseline and then the engine on the same due offsets, or both at once (`together`). */
export async function publishingBench(options: PublishingOptions) {
  const offsets = dueOffsets(options.targets, options.windowSeconds * 1000);
  if (options.together) {
    options.log(
      `publishing: raw BullMQ baseline and the engine together, ${options.targets} targets each over ${options.windowSeconds} s`,
    );
    let seeded!: () => void;
    let failed!: (error: unknown) => void;
    const start = new Promise<number>((resolve, reject) => {
      seeded = () => resolve(Date.now() + options.leadSeconds * 1000);
      failed = reject;
    });
    const shared: SharedStart = { seeded, start };
    // An engine that fails before its drafts are seeded must not leave the baseline waiting.
    const [raw, engine] = await Promise.all([
      rawRun(options, offsets, shared),
      engineRun(options, offsets, shared).catch((error: unknown) => {
        failed(error);
        throw error;
      }),
    ]);
    options.log(`raw BullMQ: ${JSON.stringify(raw)}`);
    options.log(`engine: ${JSON.stringify(engine)}`);
    return { raw, engine };
  }
  options.log(
    `publishing: raw BullMQ baseline, ${options.targets} delayed jobs over ${options.windowSeconds} s`,
  );
  const raw = await rawRun(options, offsets);
  options.log(`raw BullMQ: ${JSON.stringify(raw)}`);
  options.log(`publishing: the engine, ${options.targets} targets over ${options.windowSeconds} s`);
  const engine = await engineRun(options, offsets);
  options.log(`engine: ${JSON.stringify(engine)}`);
  return { raw, engine };
}
