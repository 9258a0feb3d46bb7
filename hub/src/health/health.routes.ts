import { randomBytes } from 'node:crypto';
import { Router } from 'express';

/** Tells hubs apart behind a load balancer, without revealing host names or pids. */
const INSTANCE = randomBytes(6).toString('hex');
import type { HubContext } from '../context';

interface Check {
  status: 'ok' | 'down';
  latencyMs: number;
  error?: string;
}

async function timed(probe: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      error: (error as Error).message,
    };
  } finally {
    clearTimeout(timer);
  }
}

async function ollamaVersion(host: string, signal: AbortSignal): Promise<void> {
  const response = await fetch(new URL('/api/version', host), { signal });
  if (!response.ok) throw new Error(`Ollama answered ${response.status}`);
  await response.json();
}

/**
 * Liveness and dependencies. The LLM being down only degrades the hub (replies fall back
 * to templates); the database or Redis being down makes it unable to serve: 503.
 */
export function healthRoutes(ctx: HubContext): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    const [db, redis, llm] = await Promise.all([
      timed(() => ctx.database.ping(), 2000),
      timed(() => ctx.redis.ping(), 2000),
      timed(() => ollamaVersion(ctx.env.OLLAMA_HOST, AbortSignal.timeout(1500)), 2000),
    ]);
    const essentialDown = db.status === 'down' || redis.status === 'down';
    const status = essentialDown || llm.status === 'down' ? 'degraded' : 'ok';
    res.set('Cache-Control', 'no-store');
    res.status(essentialDown ? 503 : 200).json({ status, instance: INSTANCE, checks: { db, redis, llm } });
  });
  return router;
}
