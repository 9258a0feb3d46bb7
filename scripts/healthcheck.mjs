#!/usr/bin/env node
// Container health check: `node scripts/healthcheck.mjs [hub|workers]` exits 0 when healthy.
// hub: GET /healthz answers 200 (it answers 503 when PostgreSQL or Redis is down).
// workers: no HTTP port, so check the PostgreSQL and Redis it works from; a crashed workers
// process exits and is restarted by the container's restart policy.
import pg from 'pg';
import { register } from 'tsx/esm/api';

const role = process.argv[2] ?? 'hub';
const timeout = AbortSignal.timeout(4000);

async function hub() {
  const response = await fetch(`http://127.0.0.1:${process.env.PORT ?? 8080}/healthz`, { signal: timeout });
  if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
}

async function workers() {
  if (process.env.REDIS_URL) {
    // REDIS_URL may name Sentinel or a Cluster: read it with the same code as the processes.
    register();
    const { connectRedis } = await import('../shared/src/redis/redis-url.ts');
    const redis = connectRedis(process.env.REDIS_URL, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      sentinelRetryStrategy: () => null,
    });
    try {
      await redis.connect();
      await redis.ping();
    } finally {
      redis.disconnect();
    }
  }
  if (process.env.DATABASE_URL) {
    const client = new pg.Client({
      connectionString: process.env.DATABASE_URL,
      connectionTimeoutMillis: 3000,
    });
    try {
      await client.connect();
      await client.query('select 1');
    } finally {
      await client.end().catch(() => {});
    }
  }
}

try {
  await (role === 'workers' ? workers() : hub());
  process.exit(0);
} catch (error) {
  process.stderr.write(`unhealthy (${role}): ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
