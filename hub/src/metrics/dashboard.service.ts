import { JOB_NAMES, type MetricsSnapshot, type Queues } from '@velvet/shared';
import type { HubContext } from '../context';
import { dashboardQueries as q, type Scope } from './dashboard.queries';

const WINDOW_MINUTES = 60;
const GOAL_MS = 20_000;

/** Fills the minutes with no messages, so the chart always has the whole hour, oldest first. */
export function fillMinutes(
  rows: { minute: number; in: number; out: number }[],
  nowMinute: number,
  minutes: number,
): MetricsSnapshot['perMinute'] {
  const byMinute = new Map(rows.map((r) => [r.minute, r]));
  return Array.from({ length: minutes }, (_, i) => {
    const minute = nowMinute - minutes + 1 + i;
    const row = byMinute.get(minute);
    return { minute: new Date(minute * 60_000).toISOString(), in: row?.in ?? 0, out: row?.out ?? 0 };
  });
}

/** One dashboard snapshot for a creator scope (null: every creator). */
export function createDashboardService(ctx: HubContext, queues: Queues) {
  return async function snapshot(scope: Scope): Promise<MetricsSnapshot> {
    const { alerts } = ctx.config;
    const conversionMinutes = Math.ceil(alerts.conversion.window / 60_000);
    const [perMinute, responseTimeMs, pending, states, conversion, chatters, llm, failedSends, depths] =
      await Promise.all([
        q.perMinute(ctx.db, scope, WINDOW_MINUTES),
        q.responseTime(ctx.db, scope, WINDOW_MINUTES),
        q.pending(ctx.db, scope),
        q.conversationStates(ctx.db, scope, WINDOW_MINUTES),
        q.conversion(ctx.db, scope, conversionMinutes),
        q.chatters(ctx.db, scope, WINDOW_MINUTES),
        q.llm(ctx.db, scope, WINDOW_MINUTES),
        q.failedSends(ctx.db, scope, WINDOW_MINUTES),
        Promise.all(
          JOB_NAMES.map(
            async (name) =>
              [name, await queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed')] as const,
          ),
        ),
      ]);
    const now = ctx.now();
    return {
      at: now.toISOString(),
      scope: scope ? [...scope] : 'all',
      windowMinutes: WINDOW_MINUTES,
      perMinute: fillMinutes(perMinute, Math.floor(now.getTime() / 60_000), WINDOW_MINUTES),
      responseTimeMs,
      goals: {
        responseTimeMs: GOAL_MS,
        alertResponseTimeMs: alerts.response_time,
        conversionBelow: alerts.conversion.below,
        minOffers: alerts.conversion.min_offers,
      },
      pending,
      escalations: { open: states.escalated },
      conversations: states,
      conversion: {
        windowHours: Math.round(conversionMinutes / 60),
        offers: conversion.offers,
        paid: conversion.paid,
        rate: conversion.offers > 0 ? conversion.paid / conversion.offers : null,
        revenue: conversion.revenue,
      },
      chatters,
      llm,
      failedSends,
      queues: Object.fromEntries(
        depths.map(([name, c]) => [
          name,
          { waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 },
        ]),
      ),
    };
  };
}

export type DashboardSnapshotFn = ReturnType<typeof createDashboardService>;
