import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { createTestDatabase, createTestRedisPrefix, TEST_REDIS_URL } from '@velvet/shared/testing';
import { summarize } from './stats';

/** Runs `op` from `concurrency` loops for `seconds`; operations per second and per-op latency. */
async function closedLoop(seconds: number, concurrency: number, op: (i: number) => Promise<unknown>) {
  const latencies: number[] = [];
  let next = 0;
  const end = performance.now() + seconds * 1000;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        await op(next++);
        latencies.push(performance.now() - started);
      }
    }),
  );
  const elapsed = (performance.now() - began) / 1000;
  return {
    perSecond: Math.round(latencies.length / elapsed),
    ops: latencies.length,
    latencyMs: summarize(latencies),
  };
}

/**
 * Baseline: BullMQ `Queue.add` with a job id, the way the hub enqueues, on its own Redis
 * prefix; nothing consumes the queue.
 */
export async function bullmqAddRate(seconds: number, concurrency = 32) {
  const prefix = createTestRedisPrefix();
  const connection = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue('bench.add', { connection, prefix: prefix.prefix });
  try {
    return await closedLoop(seconds, concurrency, (i) =>
      queue.add('bench.add', { messageId: `m-${i}` }, { jobId: `m-${i}`, removeOnComplete: true }),
    );
  } finally {
    await queue.close();
    connection.disconnect();
    await prefix.cleanup();
  }
}

/**
 * Baseline: one single-row INSERT per statement (autocommit) into a table shaped like a
 * message row, over a pool of 10 connections, the hub's pool size.
 */
export async function pgInsertRate(seconds: number, concurrency = 32) {
  const db = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: db.url, max: 10 });
  // Dropping the database (with force) may close a pooled connection before the pool does.
  pool.on('error', () => {});
  try {
    await pool.query(
      `create table bench_rows (id bigserial primary key, account_id uuid not null,
        platform_message_id text not null, text text not null,
        created_at timestamptz not null default now(), unique (account_id, platform_message_id))`,
    );
    const account = '00000000-0000-4000-8000-000000000001';
    return await closedLoop(seconds, concurrency, (i) =>
      pool.query('insert into bench_rows (account_id, platform_message_id, text) values ($1, $2, $3)', [
        account,
        `pm-${i}`,
        `bench message #${i}`,
      ]),
    );
  } finally {
    await pool.end();
    await db.drop();
  }
}
