import { sql, type SQL } from 'drizzle-orm';
import { inCreators, recentReplies, selectRows, type Db } from '@velvet/shared';

/** `null`: every creator (admins). */
export type Scope = readonly string[] | null;

const scoped = (column: SQL, scope: Scope) => (scope ? sql`and ${inCreators(column, scope)}` : sql``);
const since = (minutes: number) => sql`now() - make_interval(mins => ${minutes})`;

/** The supervisor dashboard's figures for one creator scope, from the database of record. */
export const dashboardQueries = {
  /** Messages per minute (epoch minute → counts) over the window. */
  perMinute(db: Db, scope: Scope, minutes: number) {
    return selectRows<{ minute: number; in: number; out: number }>(
      db,
      sql`select floor(extract(epoch from m.created_at) / 60)::int as minute,
                 count(*) filter (where m.direction = 'in')::int as "in",
                 count(*) filter (where m.direction = 'out')::int as "out"
          from messages m join conversations c on c.id = m.conversation_id
          where m.created_at > ${since(minutes)} ${scoped(sql`c.creator_id`, scope)}
          group by 1`,
    );
  },

  async responseTime(db: Db, scope: Scope, minutes: number) {
    const [row] = await selectRows<{ p50: number | null; p90: number | null; n: number }>(
      db,
      sql`select percentile_cont(0.5) within group (order by rt) as p50,
                 percentile_cont(0.9) within group (order by rt) as p90, count(*)::int as n
          from (${recentReplies(minutes, scope ?? undefined)}) r`,
    );
    return { p50: row?.p50 ?? null, p90: row?.p90 ?? null, count: row?.n ?? 0 };
  },

  /** Drafts waiting for a human, ready or held by the checks: how many, and the oldest twenty's ages (s). */
  async pending(db: Db, scope: Scope) {
    const [[total], oldest] = await Promise.all([
      selectRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from drafts d join conversations c on c.id = d.conversation_id
            where d.status in ('pending_approval', 'blocked') ${scoped(sql`c.creator_id`, scope)}`,
      ),
      selectRows<{ age: number }>(
        db,
        sql`select extract(epoch from now() - d.updated_at)::float as age
            from drafts d join conversations c on c.id = d.conversation_id
            where d.status in ('pending_approval', 'blocked') ${scoped(sql`c.creator_id`, scope)}
            order by d.updated_at asc limit 20`,
      ),
    ]);
    const ages = oldest.map((r) => Math.max(0, Math.round(r.age)));
    return { count: total?.n ?? 0, oldestSeconds: ages[0] ?? null, ages };
  },

  async draftsByStatus(db: Db, scope: Scope): Promise<Record<string, number>> {
    const rows = await selectRows<{ status: string; n: number }>(
      db,
      sql`select d.status, count(*)::int as n from drafts d join conversations c on c.id = d.conversation_id
          where true ${scoped(sql`c.creator_id`, scope)} group by d.status`,
    );
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  },

  /** Conversations by state now, and how many people resolved in the window. */
  async conversationStates(db: Db, scope: Scope, minutes: number) {
    const [row] = await selectRows<{ open: number; escalated: number; snoozed: number; resolved: number }>(
      db,
      sql`select
            count(*) filter (where c.status <> 'closed'
                             and (c.snoozed_until is null or c.snoozed_until <= now()))::int as open,
            count(*) filter (where c.status = 'escalated')::int as escalated,
            count(*) filter (where c.status <> 'closed' and c.snoozed_until > now())::int as snoozed,
            count(*) filter (where c.status = 'closed' and c.resolved_at > ${since(minutes)})::int as resolved
          from conversations c where true ${scoped(sql`c.creator_id`, scope)}`,
    );
    return row ?? { open: 0, escalated: 0, snoozed: 0, resolved: 0 };
  },

  /** Offers made in the window and how many of them were paid; revenue by currency, refunds left out. */
  async conversion(db: Db, scope: Scope, minutes: number) {
    const [[offers], revenue] = await Promise.all([
      selectRows<{ offers: number; paid: number }>(
        db,
        sql`select count(*)::int as offers, count(*) filter (where o.status = 'paid')::int as paid
            from offers o where o.created_at > ${since(minutes)} ${scoped(sql`o.creator_id`, scope)}`,
      ),
      selectRows<{ currency: string; cents: number }>(
        db,
        sql`select p.currency, sum(p.amount_cents)::int as cents from purchases p
            where p.created_at > ${since(minutes)} and p.refunded_at is null ${scoped(sql`p.creator_id`, scope)}
            group by p.currency order by cents desc`,
      ),
    ]);
    return {
      offers: offers?.offers ?? 0,
      paid: offers?.paid ?? 0,
      revenue: revenue.map((r) => ({ currency: r.currency, amountCents: r.cents })),
    };
  },

  /** Per person: replies that reached fans (typed or approved), approvals, and reply times. */
  async chatters(db: Db, scope: Scope, minutes: number) {
    const [replies, approvals] = await Promise.all([
      selectRows<{ userId: string; email: string; n: number; p50: number | null; p90: number | null }>(
        db,
        sql`select r.author_id as "userId", u.email, count(*)::int as n,
                   percentile_cont(0.5) within group (order by r.rt) as p50,
                   percentile_cont(0.9) within group (order by r.rt) as p90
            from (${recentReplies(minutes, scope ?? undefined)}) r join users u on u.id = r.author_id
            group by r.author_id, u.email order by n desc limit 50`,
      ),
      selectRows<{ userId: string; n: number }>(
        db,
        sql`select d.decided_by as "userId", count(*)::int as n
            from drafts d join conversations c on c.id = d.conversation_id
            where d.status = 'approved' and d.decided_at > ${since(minutes)} ${scoped(sql`c.creator_id`, scope)}
            group by d.decided_by`,
      ),
    ]);
    const approved = new Map(approvals.map((a) => [a.userId, a.n]));
    return replies.map((r) => ({
      userId: r.userId,
      email: r.email,
      replies: r.n,
      approvals: approved.get(r.userId) ?? 0,
      responseTimeMs: { p50: r.p50, p90: r.p90, count: r.n },
    }));
  },

  /** Time to first token and tokens/s of LLM drafts, and how many fell back to templates. */
  async llm(db: Db, scope: Scope, minutes: number) {
    const [row] = await selectRows<{
      t50: number | null;
      t90: number | null;
      r50: number | null;
      r90: number | null;
      timed: number;
      drafts: number;
      fallbacks: number;
    }>(
      db,
      sql`select
            percentile_cont(0.5) within group (order by (d.timings->>'timeToFirstTokenMs')::float)
              filter (where d.generated_by = 'llm' and d.timings ? 'timeToFirstTokenMs') as t50,
            percentile_cont(0.9) within group (order by (d.timings->>'timeToFirstTokenMs')::float)
              filter (where d.generated_by = 'llm' and d.timings ? 'timeToFirstTokenMs') as t90,
            percentile_cont(0.5) within group (order by (d.timings->>'tokensPerSecond')::float)
              filter (where d.generated_by = 'llm' and d.timings ? 'tokensPerSecond') as r50,
            percentile_cont(0.9) within group (order by (d.timings->>'tokensPerSecond')::float)
              filter (where d.generated_by = 'llm' and d.timings ? 'tokensPerSecond') as r90,
            count(*) filter (where d.generated_by = 'llm' and d.timings ? 'timeToFirstTokenMs')::int as timed,
            count(*)::int as drafts,
            count(*) filter (where d.generated_by = 'fallback')::int as fallbacks
          from drafts d join conversations c on c.id = d.conversation_id
          where d.created_at > ${since(minutes)} ${scoped(sql`c.creator_id`, scope)}`,
    );
    return {
      ttftMs: { p50: row?.t50 ?? null, p90: row?.t90 ?? null, count: row?.timed ?? 0 },
      tokensPerSecond: { p50: row?.r50 ?? null, p90: row?.r90 ?? null, count: row?.timed ?? 0 },
      drafts: row?.drafts ?? 0,
      fallbacks: row?.fallbacks ?? 0,
    };
  },

  async failedSends(db: Db, scope: Scope, minutes: number) {
    const [row] = await selectRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
          where m.direction = 'out' and m.status = 'failed' and m.created_at > ${since(minutes)}
            ${scoped(sql`c.creator_id`, scope)}`,
    );
    return row?.n ?? 0;
  },
};
