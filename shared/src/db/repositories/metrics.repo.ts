import { sql, type SQL } from 'drizzle-orm';
import { selectRows, type Db } from '../client';

export interface Quantiles {
  p50: number | null;
  p90: number | null;
  count: number;
}

/**
 * Replies that reached fans in the last `sinceMinutes` (in `creatorIds` when given), each with
 * its creator, the user who sent or approved it, and the time
 * since the fan message it answered (`rt`, ms).
 */
export const recentReplies = (sinceMinutes: number, creatorIds?: readonly string[]) => sql`
  select c.creator_id, o.author_id, extract(epoch from (o.sent_at - i.created_at)) * 1000 as rt
  from messages o
  join conversations c on c.id = o.conversation_id
  cross join lateral (
    select created_at from messages i
    where i.conversation_id = o.conversation_id and i.direction = 'in' and i.created_at <= o.created_at
    order by i.created_at desc limit 1
  ) i
  where o.direction = 'out' and o.status = 'sent'
    -- Answers only: a person's message or an AI draft, not the automatic gate, command,
    -- offer and follow-up messages, which would make reply times look better than they are.
    and (o.sender = 'human' or o.raw->>'origin' = 'draft')
    and o.sent_at > now() - make_interval(mins => ${sinceMinutes})
    ${creatorIds ? sql`and ${inCreators(sql`c.creator_id`, creatorIds)}` : sql``}`;

/** `column in (…)` over a creator scope; an empty scope matches nothing. */
export const inCreators = (column: SQL, creatorIds: readonly string[]) =>
  creatorIds.length === 0
    ? sql`false`
    : sql`${column} in (${sql.join(
        creatorIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`;

/** Live figures for supervisors and Prometheus, computed from the database of record. */
export const metricsRepo = {
  async draftsByStatus(db: Db): Promise<Record<string, number>> {
    const rows = await selectRows<{ status: string; n: number }>(
      db,
      sql`select status, count(*)::int as n from drafts group by status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  },

  async fallbacks(db: Db, sinceMinutes: number): Promise<number> {
    const [row] = await selectRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from drafts where generated_by = 'fallback'
          and created_at > now() - make_interval(mins => ${sinceMinutes})`,
    );
    return row?.n ?? 0;
  },

  /** Oldest draft still waiting for a human, in seconds. */
  async oldestPendingSeconds(db: Db): Promise<number | null> {
    const [row] = await selectRows<{ s: number | null }>(
      db,
      sql`select extract(epoch from now() - min(created_at))::float as s from drafts where status in ('pending_approval', 'blocked')`,
    );
    return row?.s ?? null;
  },

  /** Time to first token and tokens/s of recent LLM drafts. */
  async llm(db: Db, sinceMinutes: number): Promise<{ ttftMs: Quantiles; tokensPerSecond: Quantiles }> {
    const [row] = await selectRows<{
      t50: number | null;
      t90: number | null;
      r50: number | null;
      r90: number | null;
      n: number;
    }>(
      db,
      sql`select
            percentile_cont(0.5) within group (order by (timings->>'timeToFirstTokenMs')::float) as t50,
            percentile_cont(0.9) within group (order by (timings->>'timeToFirstTokenMs')::float) as t90,
            percentile_cont(0.5) within group (order by (timings->>'tokensPerSecond')::float) as r50,
            percentile_cont(0.9) within group (order by (timings->>'tokensPerSecond')::float) as r90,
            count(*)::int as n
          from drafts
          where generated_by = 'llm' and timings ? 'timeToFirstTokenMs'
            and created_at > now() - make_interval(mins => ${sinceMinutes})`,
    );
    return {
      ttftMs: { p50: row?.t50 ?? null, p90: row?.t90 ?? null, count: row?.n ?? 0 },
      tokensPerSecond: { p50: row?.r50 ?? null, p90: row?.r90 ?? null, count: row?.n ?? 0 },
    };
  },

  /** From a fan's message to the reply that reached them, for replies sent recently. */
  async responseTimeMs(db: Db, sinceMinutes: number): Promise<Quantiles> {
    const [row] = await selectRows<{ p50: number | null; p90: number | null; n: number }>(
      db,
      sql`select
            percentile_cont(0.5) within group (order by rt) as p50,
            percentile_cont(0.9) within group (order by rt) as p90,
            count(*)::int as n
          from (${recentReplies(sinceMinutes)}) t`,
    );
    return { p50: row?.p50 ?? null, p90: row?.p90 ?? null, count: row?.n ?? 0 };
  },

  /** Creators whose replies took longer than `thresholdMs` at p90 over the window. */
  async slowCreators(
    db: Db,
    sinceMinutes: number,
    thresholdMs: number,
  ): Promise<{ creatorId: string; p90: number }[]> {
    const rows = await selectRows<{ creator_id: string; p90: number }>(
      db,
      sql`select creator_id, p90 from (
            select creator_id, percentile_cont(0.9) within group (order by rt) as p90
            from (${recentReplies(sinceMinutes)}) r
            group by creator_id
          ) t where p90 > ${thresholdMs}`,
    );
    return rows.map((r) => ({ creatorId: r.creator_id, p90: r.p90 }));
  },
};
