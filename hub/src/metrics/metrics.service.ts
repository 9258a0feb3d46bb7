import { can, JOB_NAMES, metricsRepo, type Actor, type Queues } from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { dashboardQueries as q } from './dashboard.queries';

const WINDOW_MINUTES = 60;

export type Snapshot = Awaited<ReturnType<ReturnType<typeof createMetricsService>['snapshot']>>;

/** One snapshot of the live figures, for the supervisor dashboard (JSON) and Prometheus (text). */
export function createMetricsService(ctx: HubContext, queues: Queues) {
  const queueDepths = () =>
    Promise.all(
      JOB_NAMES.map(
        async (name) =>
          [name, await queues[name].getJobCounts('waiting', 'active', 'delayed', 'failed')] as const,
      ),
    );

  async function snapshot() {
    const [drafts, fallbacks, oldestPendingSeconds, llm, responseTimeMs, depths] = await Promise.all([
      metricsRepo.draftsByStatus(ctx.db),
      metricsRepo.fallbacks(ctx.db, WINDOW_MINUTES),
      metricsRepo.oldestPendingSeconds(ctx.db),
      metricsRepo.llm(ctx.db, WINDOW_MINUTES),
      metricsRepo.responseTimeMs(ctx.db, WINDOW_MINUTES),
      queueDepths(),
    ]);
    return {
      windowMinutes: WINDOW_MINUTES,
      drafts,
      fallbacks,
      oldestPendingSeconds,
      llm,
      responseTimeMs,
      responseTimeGoalMs: 20_000,
      queues: Object.fromEntries(depths),
    };
  }

  /** The same figures over a manager's creators only; queues are shared by everyone. */
  async function scopedSnapshot(creatorIds: readonly string[]): Promise<Snapshot> {
    const [depths, drafts, pending, llm, responseTimeMs] = await Promise.all([
      queueDepths(),
      q.draftsByStatus(ctx.db, creatorIds),
      q.pending(ctx.db, creatorIds),
      q.llm(ctx.db, creatorIds, WINDOW_MINUTES),
      q.responseTime(ctx.db, creatorIds, WINDOW_MINUTES),
    ]);
    return {
      windowMinutes: WINDOW_MINUTES,
      drafts,
      fallbacks: llm.fallbacks,
      oldestPendingSeconds: pending.oldestSeconds,
      llm: { ttftMs: llm.ttftMs, tokensPerSecond: llm.tokensPerSecond },
      responseTimeMs,
      responseTimeGoalMs: 20_000,
      queues: Object.fromEntries(depths),
    };
  }

  return {
    async read(actor: Actor) {
      authorize(actor, 'metrics:read');
      if (actor.role === 'admin') return snapshot();
      return scopedSnapshot(
        actor.creatorIds.filter((creatorId) => can(actor, 'metrics:read', { creatorId })),
      );
    },
    snapshot,
  };
}

const line = (name: string, labels: Record<string, string>, value: number | null) => {
  if (value === null || Number.isNaN(value)) return '';
  const rendered = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',');
  return `${name}${rendered ? `{${rendered}}` : ''} ${Number(value.toFixed(3))}\n`;
};

/** Prometheus text exposition format, version 0.0.4. */
export function toPrometheus(s: Snapshot): string {
  let out = '';
  out += '# HELP velvet_drafts Drafts by status.\n# TYPE velvet_drafts gauge\n';
  for (const [status, n] of Object.entries(s.drafts)) out += line('velvet_drafts', { status }, n);
  out +=
    '# HELP velvet_draft_fallbacks Template replies used because the LLM could not answer, last hour.\n# TYPE velvet_draft_fallbacks gauge\n';
  out += line('velvet_draft_fallbacks', {}, s.fallbacks);
  out +=
    '# HELP velvet_pending_approval_oldest_seconds Age of the oldest draft waiting for a human.\n# TYPE velvet_pending_approval_oldest_seconds gauge\n';
  out += line('velvet_pending_approval_oldest_seconds', {}, s.oldestPendingSeconds);
  out +=
    '# HELP velvet_llm_time_to_first_token_ms Time to first token of LLM drafts, last hour.\n# TYPE velvet_llm_time_to_first_token_ms summary\n';
  out += line('velvet_llm_time_to_first_token_ms', { quantile: '0.5' }, s.llm.ttftMs.p50);
  out += line('velvet_llm_time_to_first_token_ms', { quantile: '0.9' }, s.llm.ttftMs.p90);
  out += line('velvet_llm_time_to_first_token_ms_count', {}, s.llm.ttftMs.count);
  out +=
    '# HELP velvet_llm_tokens_per_second Generation speed of LLM drafts, last hour.\n# TYPE velvet_llm_tokens_per_second summary\n';
  out += line('velvet_llm_tokens_per_second', { quantile: '0.5' }, s.llm.tokensPerSecond.p50);
  out += line('velvet_llm_tokens_per_second', { quantile: '0.9' }, s.llm.tokensPerSecond.p90);
  out +=
    '# HELP velvet_response_time_ms From a fan message to the reply reaching the fan, last hour (goal 20 s).\n# TYPE velvet_response_time_ms summary\n';
  out += line('velvet_response_time_ms', { quantile: '0.5' }, s.responseTimeMs.p50);
  out += line('velvet_response_time_ms', { quantile: '0.9' }, s.responseTimeMs.p90);
  out += line('velvet_response_time_ms_count', {}, s.responseTimeMs.count);
  out += '# HELP velvet_queue_jobs Jobs by queue and state.\n# TYPE velvet_queue_jobs gauge\n';
  for (const [queue, counts] of Object.entries(s.queues)) {
    for (const [state, n] of Object.entries(counts)) out += line('velvet_queue_jobs', { queue, state }, n);
  }
  return out;
}
