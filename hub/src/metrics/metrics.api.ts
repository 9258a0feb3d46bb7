import { z } from 'zod';
import { DRAFT_STATUSES } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const quantiles = z.object({
  p50: z.number().nullable(),
  p90: z.number().nullable(),
  count: z.number().int(),
});

export const metricsView = z.object({
  windowMinutes: z.number().int(),
  drafts: z.partialRecord(z.enum(DRAFT_STATUSES), z.number().int()),
  fallbacks: z.number().int(),
  oldestPendingSeconds: z.number().nullable(),
  llm: z.object({ ttftMs: quantiles, tokensPerSecond: quantiles }),
  responseTimeMs: quantiles,
  responseTimeGoalMs: z.number(),
  queues: z.record(
    z.string(),
    z.object({
      waiting: z.number().int(),
      active: z.number().int(),
      delayed: z.number().int(),
      failed: z.number().int(),
    }),
  ),
});

export const metricsApi: ApiRoute[] = [
  {
    route: 'GET /api/metrics',
    summary: 'Drafts, LLM speed, response time and queue depths over the last hour',
    action: 'metrics:read',
    auth: 'bearer',
    responses: { 200: { description: 'The figures', schema: metricsView } },
  },
  {
    route: 'GET /metrics',
    summary: 'The same figures for Prometheus',
    action: 'metrics:read',
    auth: 'bearer',
    description:
      'Besides an access token, the bearer may be the scrape token set in `METRICS_TOKEN` (figures over every creator). Failed attempts are limited per client address (429).',
    errors: [429],
    responses: {
      200: {
        description: 'Prometheus text exposition format 0.0.4',
        contentType: 'text/plain; version=0.0.4',
      },
    },
  },
];
