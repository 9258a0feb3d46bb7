import { z } from 'zod';
import type { ApiRoute } from '../http/openapi';

const check = z.object({
  status: z.enum(['ok', 'down']),
  latencyMs: z.number(),
  error: z.string().optional(),
});

export const healthView = z.object({
  status: z.enum(['ok', 'degraded']),
  /** Tells hubs apart behind a load balancer. */
  instance: z.string(),
  checks: z.object({ db: check, redis: check, llm: check }),
});

export const healthApi: ApiRoute[] = [
  {
    route: 'GET /healthz',
    summary: 'Liveness and dependencies',
    access: 'anyone',
    auth: 'none',
    description: 'The LLM being down only degrades the hub (200); the database or Redis down answers 503.',
    responses: {
      200: { description: 'Serving (`degraded` when the LLM is unreachable)', schema: healthView },
      503: { description: 'The database or Redis is down', schema: healthView },
    },
  },
];
