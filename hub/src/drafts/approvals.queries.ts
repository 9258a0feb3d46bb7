import { sql } from 'drizzle-orm';
import { inCreators, recentReplies, selectRows, type Db, type MessageAttachment } from '@velvet/shared';

export interface ApprovalRow {
  id: string;
  conversationId: string;
  creatorId: string;
  creatorName: string;
  platform: string;
  fanName: string;
  fanMessages: { id: string; text: string; attachments: MessageAttachment[]; createdAt: string }[];
  text: string;
  intent: string | null;
  status: string;
  reasons: string[];
  createdAt: Date | string;
  waitingSince: Date | string;
}

/** `null` scope: every creator (admins). */
export type Scope = readonly string[] | null;

const scoped = (scope: Scope) => (scope ? sql`and ${inCreators(sql`c.creator_id`, scope)}` : sql``);

/**
 * Drafts with what a person needs to decide: the fan messages the draft answers (those
 * after the last reply, at most five) and how long it has waited.
 */
const approvals = (where: ReturnType<typeof sql>, limit: number) => sql`
  select d.id, d.conversation_id as "conversationId", c.creator_id as "creatorId",
         cr.pseudonym as "creatorName", a.platform, f.display_name as "fanName",
         fm.list as "fanMessages", d.text, d.intent, d.status, d.reasons,
         d.created_at as "createdAt", d.updated_at as "waitingSince"
  from drafts d
  join conversations c on c.id = d.conversation_id
  join messages m on m.id = d.message_id
  join fans f on f.id = c.fan_id
  join creators cr on cr.id = c.creator_id
  join platform_accounts a on a.id = c.account_id
  cross join lateral (
    select coalesce(json_agg(json_build_object('id', x.id, 'text', x.text, 'attachments', x.attachments,
                                               'createdAt', x.created_at)
                             order by x.created_at), '[]'::json) as list
    from (
      select i.id, i.text, i.attachments, i.created_at from messages i
      where i.conversation_id = d.conversation_id and i.direction = 'in' and i.created_at <= m.created_at
        and i.created_at > coalesce((
          select max(o.created_at) from messages o
          where o.conversation_id = d.conversation_id and o.direction = 'out' and o.created_at <= m.created_at
        ), '-infinity'::timestamptz)
      order by i.created_at desc limit 5
    ) x
  ) fm
  where ${where}
  order by d.updated_at asc, d.id
  limit ${limit}`;

export const approvalsQueries = {
  list(db: Db, filter: { status: string; scope: Scope; creatorId?: string; limit: number }) {
    return selectRows<ApprovalRow>(
      db,
      approvals(
        sql`${
          filter.status === 'waiting'
            ? sql`d.status in ('pending_approval', 'blocked')`
            : sql`d.status = ${filter.status}`
        } ${scoped(filter.scope)}
            ${filter.creatorId ? sql`and c.creator_id = ${filter.creatorId}` : sql``}`,
        filter.limit,
      ),
    );
  },

  async byId(db: Db, id: string): Promise<ApprovalRow | undefined> {
    const [row] = await selectRows<ApprovalRow>(db, approvals(sql`d.id = ${id}`, 1));
    return row;
  },

  /** What a person sees at a glance since `since`: the queue, their decisions, speed and sales. */
  async stats(db: Db, input: { scope: Scope; userId: string; since: Date }) {
    const minutes = Math.max(1, Math.ceil((Date.now() - input.since.getTime()) / 60_000));
    const [[pending], [decided], [speed], sales] = await Promise.all([
      selectRows<{ n: number; held: number; oldest: Date | string | null }>(
        db,
        sql`select count(*)::int as n, count(*) filter (where d.status = 'blocked')::int as held,
                   min(d.updated_at) as oldest from drafts d
            join conversations c on c.id = d.conversation_id
            where d.status in ('pending_approval', 'blocked') ${scoped(input.scope)}`,
      ),
      selectRows<{ approved: number; rejected: number }>(
        db,
        sql`select count(*) filter (where status = 'approved')::int as approved,
                   count(*) filter (where status = 'rejected')::int as rejected
            from drafts where decided_by = ${input.userId} and decided_at >= ${input.since.toISOString()}`,
      ),
      selectRows<{ p50: number | null; n: number }>(
        db,
        sql`select percentile_cont(0.5) within group (order by rt) as p50, count(*)::int as n
            from (${recentReplies(minutes, input.scope ?? undefined)}) r`,
      ),
      selectRows<{ currency: string; cents: number; n: number }>(
        db,
        sql`select p.currency, sum(p.amount_cents)::int as cents, count(*)::int as n from purchases p
            where p.created_at >= ${input.since.toISOString()} and p.refunded_at is null
              ${input.scope ? sql`and ${inCreators(sql`p.creator_id`, input.scope)}` : sql``}
            group by p.currency order by cents desc`,
      ),
    ]);
    return {
      pending: pending?.n ?? 0,
      held: pending?.held ?? 0,
      oldestPendingSince: pending?.oldest ? new Date(pending.oldest).toISOString() : null,
      approvedByMe: decided?.approved ?? 0,
      rejectedByMe: decided?.rejected ?? 0,
      medianResponseMs: speed?.p50 ?? null,
      replies: speed?.n ?? 0,
      sales: sales.map((s) => ({ currency: s.currency, amountCents: s.cents, count: s.n })),
    };
  },
};
