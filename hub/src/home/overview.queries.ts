import { sql, type SQL } from 'drizzle-orm';
import { inCreators, selectRows, type Db } from '@velvet/shared';

/** `null`: every creator (admins). */
export type Scope = readonly string[] | null;

const scoped = (column: SQL, scope: Scope) => (scope ? sql`and ${inCreators(column, scope)}` : sql``);
const since = (from: Date) => sql`${from.toISOString()}::timestamptz`;

/** The home screens' figures, read from the database of record for one creator scope. */
export const overviewQueries = {
  async creators(db: Db, scope: Scope) {
    const [row] = await selectRows<{ active: number; archived: number; accounts: number }>(
      db,
      sql`select count(*) filter (where cr.archived_at is null)::int as active,
                 count(*) filter (where cr.archived_at is not null)::int as archived,
                 (select count(*)::int from platform_accounts a
                   where a.status <> 'disconnected' ${scoped(sql`a.creator_id`, scope)}) as accounts
          from creators cr where true ${scoped(sql`cr.id`, scope)}`,
    );
    return row ?? { active: 0, archived: 0, accounts: 0 };
  },

  /** Fan messages in and replies out since `from`, by platform. */
  messagesByPlatform(db: Db, scope: Scope, from: Date) {
    return selectRows<{ platform: string; in: number; out: number }>(
      db,
      sql`select a.platform,
                 count(*) filter (where m.direction = 'in')::int as "in",
                 count(*) filter (where m.direction = 'out' and m.status = 'sent')::int as "out"
          from messages m
          join conversations c on c.id = m.conversation_id
          join platform_accounts a on a.id = c.account_id
          where m.created_at >= ${since(from)} ${scoped(sql`c.creator_id`, scope)}
          group by 1`,
    );
  },

  /**
   * Median fan → reply time (ms) by platform: answers only (a person's or an AI draft), as
   * the dashboard's `recentReplies` counts them, here grouped by the conversation's platform.
   */
  replyTimeByPlatform(db: Db, scope: Scope, minutes: number) {
    return selectRows<{ platform: string; p50: number | null; n: number }>(
      db,
      sql`select a.platform, percentile_cont(0.5) within group (order by rt) as p50, count(*)::int as n
          from (
            select o.conversation_id, extract(epoch from (o.sent_at - i.created_at)) * 1000 as rt
            from messages o
            join conversations c on c.id = o.conversation_id
            cross join lateral (
              select created_at from messages i
              where i.conversation_id = o.conversation_id and i.direction = 'in' and i.created_at <= o.created_at
              order by i.created_at desc limit 1
            ) i
            where o.direction = 'out' and o.status = 'sent'
              and (o.sender = 'human' or o.raw->>'origin' = 'draft')
              and o.sent_at > now() - make_interval(mins => ${minutes})
              ${scoped(sql`c.creator_id`, scope)}
          ) r
          join conversations c on c.id = r.conversation_id
          join platform_accounts a on a.id = c.account_id
          group by 1`,
    );
  },

  /**
   * Post targets by platform: published or failed since `from` (their last change is the
   * outcome), unconfirmed whatever the date, scheduled from `now` on.
   */
  publishingByPlatform(db: Db, scope: Scope, from: Date, now: Date) {
    return selectRows<{
      platform: string;
      published: number;
      failed: number;
      unconfirmed: number;
      scheduled: number;
    }>(
      db,
      sql`select t.platform,
                 count(*) filter (where t.state = 'published' and t.updated_at >= ${since(from)})::int as published,
                 count(*) filter (where t.state = 'failed' and t.updated_at >= ${since(from)})::int as failed,
                 count(*) filter (where t.state = 'unconfirmed')::int as unconfirmed,
                 count(*) filter (where t.state = 'scheduled' and t.scheduled_at >= ${since(now)})::int as scheduled
          from post_targets t join posts p on p.id = t.post_id
          where t.state in ('published', 'failed', 'unconfirmed', 'scheduled') ${scoped(sql`p.creator_id`, scope)}
          group by 1
          order by 1`,
    );
  },

  /** What needs a person: accounts needing attention, escalations, minor flags, held drafts. */
  async alerts(db: Db, scope: Scope) {
    const [accounts, [counts]] = await Promise.all([
      selectRows<{ id: string; platform: string; label: string; creator_id: string; creator_name: string }>(
        db,
        sql`select a.id, a.platform, a.label, a.creator_id, cr.name as creator_name
            from platform_accounts a join creators cr on cr.id = a.creator_id
            where a.status = 'needs_attention' ${scoped(sql`a.creator_id`, scope)}
            order by cr.name, a.created_at limit 50`,
      ),
      selectRows<{ escalated: number; minors: number; held: number }>(
        db,
        sql`select
              (select count(*)::int from conversations c
                where c.status = 'escalated' and c.resolved_at is null
                ${scoped(sql`c.creator_id`, scope)}) as escalated,
              (select count(distinct f.id)::int from fans f
                join conversations c on c.fan_id = f.id
                where f.minor_signal_at is not null ${scoped(sql`c.creator_id`, scope)}) as minors,
              (select count(*)::int from drafts d join conversations c on c.id = d.conversation_id
                where d.status = 'blocked' ${scoped(sql`c.creator_id`, scope)}) as held`,
      ),
    ]);
    return { accounts, counts: counts ?? { escalated: 0, minors: 0, held: 0 } };
  },

  /**
   * What automation did since `from`, newest first: AI replies the send policy sent on its
   * own, offers the AI made, follow-ups (nudges, welcomes, suggestions) sent.
   */
  automation(db: Db, scope: Scope, from: Date, limit: number) {
    return selectRows<{
      kind: 'auto_reply' | 'offer' | 'follow_up';
      at: Date;
      conversation_id: string;
      creator_id: string;
      creator_name: string;
      fan_name: string;
      platform: string;
      detail: string;
    }>(
      db,
      sql`select * from (
            select 'auto_reply' as kind, coalesce(m.sent_at, m.created_at) as at, c.id as conversation_id,
                   c.creator_id, cr.name as creator_name, f.display_name as fan_name, a.platform,
                   left(m.text, 160) as detail
            from messages m
            join conversations c on c.id = m.conversation_id
            join creators cr on cr.id = c.creator_id
            join fans f on f.id = c.fan_id
            join platform_accounts a on a.id = c.account_id
            where m.direction = 'out' and m.status = 'sent' and m.raw->>'origin' = 'draft'
              and m.raw->>'approvedBy' = 'policy' and m.created_at >= ${since(from)}
              ${scoped(sql`c.creator_id`, scope)}
            union all
            select 'offer', o.created_at, c.id, c.creator_id, cr.name, f.display_name, a.platform, k.name
            from offers o
            join conversations c on c.id = o.conversation_id
            join creators cr on cr.id = c.creator_id
            join fans f on f.id = c.fan_id
            join platform_accounts a on a.id = c.account_id
            join packs k on k.id = o.pack_id
            where o.offered_by = 'ai' and o.created_at >= ${since(from)} ${scoped(sql`c.creator_id`, scope)}
            union all
            select 'follow_up', coalesce(m.sent_at, m.created_at), c.id, c.creator_id, cr.name,
                   f.display_name, a.platform, u.kind
            from follow_ups u
            join messages m on m.id = u.message_id
            join conversations c on c.id = u.conversation_id
            join creators cr on cr.id = c.creator_id
            join fans f on f.id = c.fan_id
            join platform_accounts a on a.id = c.account_id
            where u.status = 'sent' and m.created_at >= ${since(from)} ${scoped(sql`c.creator_id`, scope)}
          ) t
          order by at desc limit ${limit}`,
    );
  },
};
