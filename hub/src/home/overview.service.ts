import {
  can,
  creatorsRepo,
  Forbidden,
  NotFound,
  salesMetricsRepo,
  type Actor,
  type OverviewQuery,
  type OverviewResponse,
  type PlatformFigures,
} from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { dashboardQueries } from '../metrics/dashboard.queries';
import { overviewQueries, type Scope } from './overview.queries';

const DAY_MS = 24 * 3600 * 1000;
const AUTOMATION_LIMIT = 50;

const blank = (platform: string): PlatformFigures => ({
  platform,
  messagesIn: 0,
  messagesOut: 0,
  replyMedianMs: null,
  replies: 0,
  offers: 0,
  purchases: 0,
  conversion: null,
  revenue: [],
});

/**
 * The agency's home and a creator's own dashboard: one read of the figures the dashboard
 * and sales routes compute, consolidated across platforms, for the caller's scope.
 */
export function createOverviewService(ctx: HubContext) {
  const { db } = ctx;

  async function scopeOf(actor: Actor, creatorId: string | undefined): Promise<Scope> {
    if (!can(actor, 'home:agency') && !can(actor, 'home:creator')) throw new Forbidden();
    if (creatorId === undefined) return actor.role === 'admin' ? null : actor.creatorIds;
    if (!(await creatorsRepo.findById(db, creatorId))) throw new NotFound('Creator');
    authorize(actor, 'creator:read', { creatorId });
    return [creatorId];
  }

  return {
    async overview(actor: Actor, query: OverviewQuery): Promise<OverviewResponse> {
      const scope = await scopeOf(actor, query.creatorId);
      const to = ctx.now();
      const from = new Date(to.getTime() - query.days * DAY_MS);
      const minutes = query.days * 24 * 60;
      const [creators, messages, replies, sales, alerts, pending, automation, publishing] = await Promise.all(
        [
          overviewQueries.creators(db, scope),
          overviewQueries.messagesByPlatform(db, scope, from),
          overviewQueries.replyTimeByPlatform(db, scope, minutes),
          salesMetricsRepo.summary(db, { by: 'platform', creatorIds: scope ?? undefined, from, to }),
          overviewQueries.alerts(db, scope),
          dashboardQueries.pending(db, scope),
          overviewQueries.automation(db, scope, from, AUTOMATION_LIMIT),
          overviewQueries.publishingByPlatform(db, scope, from, to),
        ],
      );

      const platforms = new Map<string, PlatformFigures>();
      const row = (platform: string) => {
        if (!platforms.has(platform)) platforms.set(platform, blank(platform));
        return platforms.get(platform)!;
      };
      for (const m of messages) Object.assign(row(m.platform), { messagesIn: m.in, messagesOut: m.out });
      for (const r of replies) Object.assign(row(r.platform), { replyMedianMs: r.p50, replies: r.n });
      for (const s of sales) {
        const figures = row(s.key);
        figures.offers += s.offers;
        figures.purchases += s.purchases;
        figures.revenue.push({ currency: s.currency, cents: s.revenueCents });
      }
      const byPlatform = [...platforms.values()].sort((a, b) => b.messagesIn - a.messagesIn);
      const totals = blank('all');
      for (const p of byPlatform) {
        p.conversion = p.offers > 0 ? p.purchases / p.offers : null;
        totals.messagesIn += p.messagesIn;
        totals.messagesOut += p.messagesOut;
        totals.replies += p.replies;
        totals.offers += p.offers;
        totals.purchases += p.purchases;
        for (const r of p.revenue) {
          const same = totals.revenue.find((t) => t.currency === r.currency);
          if (same) same.cents += r.cents;
          else totals.revenue.push({ ...r });
        }
      }
      totals.conversion = totals.offers > 0 ? totals.purchases / totals.offers : null;
      // A median of medians would mislead: the busiest platform's stands for all when one dominates.
      totals.replyMedianMs = weightedMedian(byPlatform);

      return {
        window: { from: from.toISOString(), to: to.toISOString(), days: query.days },
        creators: { active: creators.active, archived: creators.archived },
        accounts: creators.accounts,
        performance: { byPlatform, totals },
        publishing: {
          byPlatform: publishing.filter((p) => p.published + p.failed + p.unconfirmed + p.scheduled > 0),
        },
        approvals: { pending: pending.count, oldestSeconds: pending.oldestSeconds },
        alerts: {
          accounts: alerts.accounts.map((a) => ({
            accountId: a.id,
            platform: a.platform,
            label: a.label,
            creatorId: a.creator_id,
            creatorName: a.creator_name,
          })),
          escalated: alerts.counts.escalated,
          minors: alerts.counts.minors,
          heldDrafts: alerts.counts.held,
        },
        automation: automation.map((a) => ({
          kind: a.kind,
          at: new Date(a.at).toISOString(),
          conversationId: a.conversation_id,
          creatorId: a.creator_id,
          creatorName: a.creator_name,
          fanName: a.fan_name,
          platform: a.platform,
          detail: a.detail,
        })),
      };
    },
  };
}

/** The platform medians weighted by their reply counts: a fair single figure without raw rows. */
function weightedMedian(rows: PlatformFigures[]): number | null {
  const withReplies = rows.filter((r) => r.replyMedianMs !== null && r.replies > 0);
  if (withReplies.length === 0) return null;
  const sorted = [...withReplies].sort((a, b) => a.replyMedianMs! - b.replyMedianMs!);
  const half = sorted.reduce((n, r) => n + r.replies, 0) / 2;
  let seen = 0;
  for (const r of sorted) {
    seen += r.replies;
    if (seen >= half) return r.replyMedianMs;
  }
  return sorted.at(-1)!.replyMedianMs;
}

export type OverviewService = ReturnType<typeof createOverviewService>;
