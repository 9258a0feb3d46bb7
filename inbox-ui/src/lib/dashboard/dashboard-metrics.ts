import { z } from 'zod';

const quantiles = z.object({ p50: z.number().nullable(), p90: z.number().nullable(), count: z.number() });

/** `metrics:update` as the hub sends it; parsed, never cast. */
export const snapshotSchema = z.object({
  at: z.string(),
  scope: z.union([z.literal('all'), z.array(z.string())]),
  windowMinutes: z.number(),
  perMinute: z.array(z.object({ minute: z.string(), in: z.number(), out: z.number() })),
  responseTimeMs: quantiles,
  goals: z.object({
    responseTimeMs: z.number(),
    alertResponseTimeMs: z.number(),
    conversionBelow: z.number(),
    minOffers: z.number(),
  }),
  pending: z.object({ count: z.number(), oldestSeconds: z.number().nullable(), ages: z.array(z.number()) }),
  escalations: z.object({ open: z.number() }),
  conversations: z
    .object({ open: z.number(), escalated: z.number(), snoozed: z.number(), resolved: z.number() })
    .default({ open: 0, escalated: 0, snoozed: 0, resolved: 0 }),
  conversion: z.object({
    windowHours: z.number(),
    offers: z.number(),
    paid: z.number(),
    rate: z.number().nullable(),
    revenue: z.array(z.object({ currency: z.string(), amountCents: z.number() })),
  }),
  chatters: z.array(
    z.object({
      userId: z.string(),
      email: z.string(),
      replies: z.number(),
      approvals: z.number(),
      responseTimeMs: quantiles,
    }),
  ),
  llm: z.object({ ttftMs: quantiles, tokensPerSecond: quantiles, drafts: z.number(), fallbacks: z.number() }),
  failedSends: z.number(),
  queues: z.record(
    z.string(),
    z.object({ waiting: z.number(), active: z.number(), delayed: z.number(), failed: z.number() }),
  ),
});
export type Snapshot = z.output<typeof snapshotSchema>;

export const alertSchema = z.object({
  kind: z.string(),
  severity: z.enum(['info', 'warning', 'critical']),
  message: z.string(),
  creatorId: z.string().nullable(),
  conversationId: z.string().optional(),
  at: z.string(),
});
export type LiveAlert = z.output<typeof alertSchema>;

/** A round ceiling for a chart's axis: 1, 2, 5, 10, 20, 50… never below `floor`. */
export function niceMax(value: number, floor = 5): number {
  const v = Math.max(value, floor);
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 5, 10]) if (v <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

export interface Bar {
  x: number;
  width: number;
  y: number;
  height: number;
  value: number;
}

/** Bars for `values` in a `width`×`height` box, scaled to `max` (values above it are clipped). */
export function barLayout(
  values: readonly number[],
  width: number,
  height: number,
  max: number,
  gap = 1,
): Bar[] {
  if (values.length === 0 || max <= 0) return [];
  const slot = width / values.length;
  const barWidth = Math.max(0.5, slot - gap);
  return values.map((value, i) => {
    const h = (Math.min(Math.max(value, 0), max) / max) * height;
    return { x: i * slot, width: barWidth, y: height - h, height: h, value };
  });
}

/** A value's position (0 at the bottom) on a vertical axis of `height`, for goal lines. */
export function yOf(value: number, height: number, max: number): number {
  if (max <= 0) return height;
  return height - (Math.min(Math.max(value, 0), max) / max) * height;
}

export type Health = 'ok' | 'warn' | 'bad' | 'none';

/** Response time against the goal (20 s) and the alert line (30 s). */
export function responseHealth(p90: number | null, goals: Snapshot['goals']): Health {
  if (p90 === null) return 'none';
  if (p90 > goals.alertResponseTimeMs) return 'bad';
  if (p90 > goals.responseTimeMs) return 'warn';
  return 'ok';
}

/** No offers → nothing to judge ("no offers yet"), not 0 %. */
export function conversionHealth(c: Snapshot['conversion'], goals: Snapshot['goals']): Health {
  if (c.rate === null) return 'none';
  if (c.offers >= goals.minOffers && c.rate < goals.conversionBelow) return 'bad';
  return 'ok';
}

export function formatPercent(rate: number | null, lang: string): string | null {
  if (rate === null) return null;
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-US', {
    style: 'percent',
    maximumFractionDigits: 1,
  }).format(rate);
}

/** Newest first, at most `keep`. */
export function pushAlert(list: readonly LiveAlert[], alert: LiveAlert, keep = 50): LiveAlert[] {
  return [alert, ...list].slice(0, keep);
}

/** Latencies under a second read better in ms ("180 ms"), longer ones in seconds. */
export function formatLatency(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
