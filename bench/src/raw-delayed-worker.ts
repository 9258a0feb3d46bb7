import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

/*
 * Baseline process for the publishing bench: a bare BullMQ worker with the engine's worker
 * settings (concurrency, lock duration, stalled check) and a trivial processor that appends
 * `{id, at}` to one Redis list, the way the sandbox publisher appends to its feed. No
 * database, no claim: a job re-run after a crash appends again, and the bench counts it.
 * Environment: REDIS_URL, BENCH_PREFIX, BENCH_QUEUE, BENCH_FEED, BENCH_CONCURRENCY,
 * BENCH_LOCK_MS.
 */
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const lockDuration = Number(env('BENCH_LOCK_MS'));
const connection = new Redis(env('REDIS_URL'), { maxRetriesPerRequest: null });
const feed = env('BENCH_FEED');
const worker = new Worker(
  env('BENCH_QUEUE'),
  async (job) => {
    await connection.rpush(feed, JSON.stringify({ id: job.id, at: Date.now() }));
  },
  {
    connection,
    prefix: env('BENCH_PREFIX'),
    concurrency: Number(env('BENCH_CONCURRENCY')),
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
  },
);
worker.on('error', (error) => console.error(error));
await worker.waitUntilReady();
console.log('raw worker ready');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
