import { sql, type SQL } from 'drizzle-orm';
import { engagementRateOrNone, scorePosts, type ScoreBreakdown } from '../../analytics-score';
import type { Platform } from '../../domain';
import { selectRows, type Db } from '../client';
import type { ConversionMethod } from '../schema';
import type { PostPerformance } from '../../analytics/types';
import { normaliseHashtag } from '../../analytics/hashtags';
import { hashtagsOf } from '../../publishing/post';
import type { PublishPlatform } from '../../domain';
import type { PostKind } from '../../publishing/planner';

/** A post's counters as a platform reports them (the publishers' `metrics()` answer). */
export interface MetricCounts {
  likes: number;
  comments: number;
  shares: number;
  views: number;
  reach?: number;
  saves?: number;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/**
 * When a published post's counters are next read, from its age: every hour for the first
 * 48 hours, then every day until 30 days, then every week.
 */
export function nextMetricsRead(publishedAt: Date, now: Date): Date {
  const age = now.getTime() - publishedAt.getTime();
  const step = age < 48 * HOUR ? HOUR : age < 30 * DAY ? DAY : 7 * DAY;
  return new Date(now.getTime() + step);
}

/** The scope of a query: some creators (possibly none), or every creator (admins). */
export type CreatorScope = readonly string[] | 'all';

const scoped = (column: SQL, scope: CreatorScope): SQL =>
  scope === 'all'
    ? sql`true`
    : scope.length === 0
      ? sql`false`
      : sql`${column} in (${sql.join(
          scope.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`;
const onPlatform = (column: SQL, platform: Platform | undefined): SQL =>
  platform ? sql`${column} = ${platform}` : sql`true`;

export interface AnalyticsQuery {
  creators: CreatorScope;
  platform?: Platform;
  from: Date;
  to: Date;
}

const partitionName = (year: number, month: number) =>
  `post_metrics_y${year}m${String(month + 1).padStart(2, '0')}`;
const monthStart = (year: number, month: number) => new Date(Date.UTC(year, month, 1));

export interface BestPostRow {
  targetId: string;
  postId: string;
  creatorId: string;
  creatorName: string;
  platform: Platform;
  kind: string;
  text: string;
  publishedAt: string;
  likes: number;
  comments: number;
  shares: number;
  views: number;
  reach: number | null;
  saves: number | null;
  engagementRate: number | null;
  conversions: number;
  conversionCents: number;
  /** How its conversions were attributed (link, promo code, chat sale soon after). */
  conversionMethods: ConversionMethod[];
  breakdown: ScoreBreakdown;
}

export const analyticsRepo = {
  /**
   * The monthly partitions of `post_metrics` from `monthsBack` months ago (default: this
   * month) to `monthsAhead` months ahead.
   * Rows that already fell into the default partition for such a month are moved into it.
   * Returns the partitions created.
   */
  async ensurePartitions(
    db: Db,
    options: { now: Date; monthsAhead: number; monthsBack?: number },
  ): Promise<string[]> {
    const created: string[] = [];
    for (let i = -(options.monthsBack ?? 0); i <= options.monthsAhead; i++) {
      const year = options.now.getUTCFullYear();
      const month = options.now.getUTCMonth() + i;
      const from = monthStart(year, month);
      const to = monthStart(year, month + 1);
      const name = partitionName(from.getUTCFullYear(), from.getUTCMonth());
      const exists = await selectRows<{ n: number }>(
        db,
        sql`select count(*)::int as n from pg_class where relname = ${name} and relkind = 'r'`,
      );
      if (exists[0]!.n > 0) continue;
      const range = sql.raw(`from ('${from.toISOString()}') to ('${to.toISOString()}')`);
      await db.transaction(async (tx) => {
        // A standalone table first: attaching it checks the default partition, so rows that
        // landed there for this month move in the same transaction.
        await tx.execute(sql`create table ${sql.identifier(name)} (like post_metrics including defaults)`);
        await tx.execute(sql`
          with moved as (
            delete from post_metrics_default
            where captured_at >= ${from.toISOString()} and captured_at < ${to.toISOString()}
            returning *)
          insert into ${sql.identifier(name)} select * from moved`);
        await tx.execute(
          sql`alter table post_metrics attach partition ${sql.identifier(name)} for values ${range}`,
        );
      });
      created.push(name);
    }
    return created;
  },

  /**
   * Retention: drops the monthly partitions wholly older than `keepMonths` months and the
   * default partition's rows as old. The rollups (latest counters, daily totals) stay.
   */
  async dropExpiredPartitions(db: Db, options: { now: Date; keepMonths: number }): Promise<string[]> {
    const cutoff = monthStart(options.now.getUTCFullYear(), options.now.getUTCMonth() - options.keepMonths);
    const parts = await selectRows<{ name: string }>(
      db,
      sql`select c.relname as name from pg_inherits i
          join pg_class c on c.oid = i.inhrelid
          join pg_class p on p.oid = i.inhparent
          where p.relname = 'post_metrics' and c.relname ~ '^post_metrics_y[0-9]{4}m[0-9]{2}$'`,
    );
    const dropped: string[] = [];
    for (const { name } of parts) {
      const year = Number(name.slice(14, 18));
      const month = Number(name.slice(19, 21)) - 1;
      if (monthStart(year, month + 1) <= cutoff) {
        await db.execute(sql`drop table ${sql.identifier(name)}`);
        dropped.push(name);
      }
    }
    await db.execute(sql`delete from post_metrics_default where captured_at < ${cutoff.toISOString()}`);
    return dropped.sort();
  },

  /**
   * Stores one snapshot of a target's counters and keeps the rollups in step: the latest
   * counters per target, and what the creator gained that day on that platform.
   */
  async recordSnapshot(
    db: Db,
    input: {
      targetId: string;
      creatorId: string;
      platform: Platform;
      kind: string;
      publishedAt: Date;
      capturedAt: Date;
      metrics: MetricCounts;
    },
  ): Promise<void> {
    const m = input.metrics;
    const at = input.capturedAt.toISOString();
    await db.transaction(async (tx) => {
      const previous = await selectRows<{ likes: number; comments: number; shares: number; views: number }>(
        tx,
        sql`select likes, comments, shares, views from post_metrics_latest
            where target_id = ${input.targetId}::uuid for update`,
      );
      const before = previous[0] ?? { likes: 0, comments: 0, shares: 0, views: 0 };
      await tx.execute(sql`
        insert into post_metrics (target_id, creator_id, platform, captured_at, likes, comments, shares, views, reach, saves)
        values (${input.targetId}::uuid, ${input.creatorId}::uuid, ${input.platform}, ${at},
                ${m.likes}, ${m.comments}, ${m.shares}, ${m.views}, ${m.reach ?? null}, ${m.saves ?? null})`);
      await tx.execute(sql`
        insert into post_metrics_latest
          (target_id, creator_id, platform, kind, published_at, captured_at, likes, comments, shares, views, reach, saves)
        values (${input.targetId}::uuid, ${input.creatorId}::uuid, ${input.platform}, ${input.kind},
                ${input.publishedAt.toISOString()}, ${at}, ${m.likes}, ${m.comments}, ${m.shares}, ${m.views},
                ${m.reach ?? null}, ${m.saves ?? null})
        on conflict (target_id) do update set captured_at = excluded.captured_at, likes = excluded.likes,
          comments = excluded.comments, shares = excluded.shares, views = excluded.views,
          reach = excluded.reach, saves = excluded.saves`);
      await tx.execute(sql`
        insert into metrics_daily (creator_id, platform, day, likes, comments, shares, views)
        values (${input.creatorId}::uuid, ${input.platform}, (${at}::timestamptz at time zone 'UTC')::date,
                ${m.likes - Number(before.likes)}, ${m.comments - Number(before.comments)},
                ${m.shares - Number(before.shares)}, ${m.views - Number(before.views)})
        on conflict (creator_id, platform, day) do update set likes = metrics_daily.likes + excluded.likes,
          comments = metrics_daily.comments + excluded.comments, shares = metrics_daily.shares + excluded.shares,
          views = metrics_daily.views + excluded.views`);
    });
  },

  /** An account's followers (and their countries) for the day; a second read that day replaces it. */
  async recordAccount(
    db: Db,
    input: {
      accountId: string;
      creatorId: string;
      platform: Platform;
      capturedAt: Date;
      followers: number;
      geography?: Record<string, number>;
    },
  ): Promise<void> {
    const at = input.capturedAt.toISOString();
    await db.execute(sql`
      insert into account_metrics (account_id, creator_id, platform, day, followers, geography, captured_at)
      values (${input.accountId}::uuid, ${input.creatorId}::uuid, ${input.platform},
              (${at}::timestamptz at time zone 'UTC')::date, ${input.followers},
              ${input.geography ? JSON.stringify(input.geography) : null}::jsonb, ${at})
      on conflict (account_id, day) do update set followers = excluded.followers,
        geography = coalesce(excluded.geography, account_metrics.geography), captured_at = excluded.captured_at`);
  },

  /** Connected accounts on these platforms whose figures for today (UTC) are not stored yet. */
  async accountsDue(db: Db, options: { now: Date; platforms: readonly string[] }): Promise<string[]> {
    if (options.platforms.length === 0) return [];
    const rows = await selectRows<{ id: string }>(
      db,
      sql`select a.id from platform_accounts a
          where a.status = 'active' and a.platform in (${sql.join(
            options.platforms.map((p) => sql`${p}`),
            sql`, `,
          )})
            and not exists (select 1 from account_metrics m where m.account_id = a.id
                            and m.day = (${options.now.toISOString()}::timestamptz at time zone 'UTC')::date)
          order by a.created_at`,
    );
    return rows.map((r) => r.id);
  },

  /** Puts a target just published on the collection schedule (its first read in an hour). */
  async schedule(db: Db, input: { targetId: string; creatorId: string; publishedAt: Date }): Promise<void> {
    await db.execute(sql`
      insert into metrics_schedule (target_id, creator_id, published_at, next_at)
      values (${input.targetId}::uuid, ${input.creatorId}::uuid, ${input.publishedAt.toISOString()},
              ${new Date(input.publishedAt.getTime() + HOUR).toISOString()})
      on conflict (target_id) do nothing`);
  },

  /**
   * Published targets not yet on the schedule (published by any path) join it; then the
   * targets due, with what the collector needs to call their publisher.
   */
  async due(db: Db, options: { now: Date; limit: number }) {
    await db.execute(sql`
      insert into metrics_schedule (target_id, creator_id, published_at, next_at)
      select t.id, p.creator_id, coalesce(t.scheduled_at, t.updated_at), ${options.now.toISOString()}
      from post_targets t join posts p on p.id = t.post_id
      where t.state = 'published' and t.remote_id is not null
        and not exists (select 1 from metrics_schedule s where s.target_id = t.id)
      on conflict (target_id) do nothing`);
    return selectRows<{
      targetId: string;
      creatorId: string;
      accountId: string;
      platform: Platform;
      kind: string;
      remoteId: string;
      publishedAt: Date;
      failures: number;
    }>(
      db,
      sql`select s.target_id as "targetId", s.creator_id as "creatorId", t.account_id as "accountId",
                 t.platform, p.kind, t.remote_id as "remoteId", s.published_at as "publishedAt", s.failures
          from metrics_schedule s
          join post_targets t on t.id = s.target_id
          join posts p on p.id = t.post_id
          where s.next_at <= ${options.now.toISOString()} and t.remote_id is not null
          order by s.next_at limit ${options.limit}`,
    );
  },

  /** After a read: the next one follows the post's age; a failure retries sooner, never drops it. */
  async reschedule(
    db: Db,
    input: { targetId: string; publishedAt: Date; now: Date; error?: string; retryAt?: Date },
  ): Promise<void> {
    const failed = input.error !== undefined;
    const regular = nextMetricsRead(new Date(input.publishedAt), input.now);
    const next = failed
      ? new Date(Math.min(regular.getTime(), input.retryAt?.getTime() ?? input.now.getTime() + 15 * 60_000))
      : regular;
    await db.execute(sql`
      update metrics_schedule set next_at = ${next.toISOString()},
        last_at = case when ${failed} then last_at else ${input.now.toISOString()}::timestamptz end,
        failures = case when ${failed} then failures + 1 else 0 end,
        last_error = ${input.error ?? null}
      where target_id = ${input.targetId}::uuid`);
  },

  /**
   * Credits the creator's purchases to posts: a purchase whose offer used a promo code that a
   * published post carries (in its text or hashtags) goes to that post (`promo_code`); any
   * other purchase made in a chat on the post's account within `windowHours` after it was
   * published goes to the latest such post (`chat_window`). Each purchase is credited once;
   * the latest-counters rollup is refreshed. Returns how many purchases were newly credited.
   */
  async attributeConversions(db: Db, options: { creatorId: string; windowHours: number }): Promise<number> {
    const inserted = await selectRows<{ n: number }>(
      db,
      sql`
      with by_code as (
        insert into post_conversions (purchase_id, target_id, creator_id, method, amount_cents)
        select distinct on (pu.id) pu.id, t.id, pu.creator_id, 'promo_code', pu.amount_cents
        from purchases pu
        join offers o on o.id = pu.offer_id
        join promo_codes pc on pc.id = o.promo_code_id
        join posts p on p.creator_id = pu.creator_id
        join post_targets t on t.post_id = p.id and t.state = 'published'
        join metrics_schedule s on s.target_id = t.id and s.published_at <= pu.created_at
        where pu.creator_id = ${options.creatorId}::uuid and pu.refunded_at is null
          and (upper(p.text) like '%' || pc.code || '%' or upper(p.hashtags::text) like '%' || pc.code || '%')
          and not exists (select 1 from post_conversions c where c.purchase_id = pu.id)
        order by pu.id, s.published_at desc
        on conflict (purchase_id) do nothing
        returning purchase_id),
      by_chat as (
        insert into post_conversions (purchase_id, target_id, creator_id, method, amount_cents)
        select distinct on (pu.id) pu.id, t.id, pu.creator_id, 'chat_window', pu.amount_cents
        from purchases pu
        join conversations cv on cv.id = pu.conversation_id
        join post_targets t on t.account_id = cv.account_id and t.state = 'published'
        join metrics_schedule s on s.target_id = t.id
        where pu.creator_id = ${options.creatorId}::uuid and pu.refunded_at is null
          and pu.created_at >= s.published_at
          and pu.created_at < s.published_at + make_interval(hours => ${options.windowHours})
          and not exists (select 1 from post_conversions c where c.purchase_id = pu.id)
          and pu.id not in (select purchase_id from by_code)
        order by pu.id, s.published_at desc
        on conflict (purchase_id) do nothing
        returning purchase_id)
      select (select count(*) from by_code)::int + (select count(*) from by_chat)::int as n`,
    );
    await db.execute(sql`
      update post_metrics_latest l set conversions = c.n, conversion_cents = c.cents
      from (select target_id, count(*)::int as n, sum(amount_cents)::int as cents
            from post_conversions where creator_id = ${options.creatorId}::uuid group by target_id) c
      where l.target_id = c.target_id and (l.conversions <> c.n or l.conversion_cents <> c.cents)`);
    return inserted[0]?.n ?? 0;
  },

  /**
   * The overview from the rollups: totals and days per platform, followers (first and last
   * day in the window, summed over accounts), and the followers' countries on the last day.
   * Days count whole (UTC): the day `to` falls in is included, so today shows.
   */
  async overview(db: Db, q: AnalyticsQuery) {
    const from = q.from.toISOString();
    const to = q.to.toISOString();
    // Four independent reads, side by side (one connection each where the driver pools).
    const [days, posts, followers, geography] = await Promise.all([
      selectRows<{
        day: string;
        platform: Platform;
        likes: number;
        comments: number;
        shares: number;
        views: number;
      }>(
        db,
        sql`select to_char(day, 'YYYY-MM-DD') as day, platform, sum(likes)::float8 as likes,
                 sum(comments)::float8 as comments, sum(shares)::float8 as shares, sum(views)::float8 as views
          from metrics_daily
          where ${scoped(sql`creator_id`, q.creators)} and ${onPlatform(sql`platform`, q.platform)}
            and day >= (${from}::timestamptz at time zone 'UTC')::date
            and day <= (${to}::timestamptz at time zone 'UTC')::date
          group by 1, 2 order by 1, 2`,
      ),
      selectRows<{ platform: Platform; n: number }>(
        db,
        sql`select platform, count(*)::int as n from post_metrics_latest
          where ${scoped(sql`creator_id`, q.creators)} and ${onPlatform(sql`platform`, q.platform)}
            and published_at >= ${from} and published_at < ${to}
          group by 1`,
      ),
      selectRows<{ day: string; platform: Platform; followers: number }>(
        db,
        sql`select to_char(day, 'YYYY-MM-DD') as day, platform, sum(followers)::float8 as followers
          from account_metrics
          where ${scoped(sql`creator_id`, q.creators)} and ${onPlatform(sql`platform`, q.platform)}
            and day >= (${from}::timestamptz at time zone 'UTC')::date
            and day <= (${to}::timestamptz at time zone 'UTC')::date
          group by 1, 2 order by 1, 2`,
      ),
      // Each account's latest countries: one backward probe of its (account, day) key, not
      // a sort of every day of every account.
      selectRows<{ country: string; followers: number }>(
        db,
        sql`select g.key as country, sum(g.value::float8)::float8 as followers
          from platform_accounts a
          cross join lateral (
            select m.geography from account_metrics m
            where m.account_id = a.id and m.geography is not null
              and m.day <= (${to}::timestamptz at time zone 'UTC')::date
            order by m.day desc limit 1) latest,
          jsonb_each_text(latest.geography) g
          where ${scoped(sql`a.creator_id`, q.creators)} and ${onPlatform(sql`a.platform`, q.platform)}
          group by 1 order by 2 desc`,
      ),
    ]);
    return { days, posts, followers, geography };
  },

  /** Every published post of the scope in the window with its latest counters and score. */
  async bestPosts(db: Db, q: AnalyticsQuery & { limit: number }): Promise<BestPostRow[]> {
    const rows = await selectRows<Record<string, unknown>>(
      db,
      sql`select l.target_id, t.post_id, l.creator_id, c.name as creator_name, l.platform, l.kind,
                 left(p.text, 200) as text, l.published_at, l.likes, l.comments, l.shares, l.views,
                 l.reach, l.saves, l.conversions, l.conversion_cents,
                 (select coalesce(array_agg(distinct pc.method), '{}') from post_conversions pc
                  where pc.target_id = l.target_id and l.conversions > 0) as methods
          from post_metrics_latest l
          join post_targets t on t.id = l.target_id
          join posts p on p.id = t.post_id
          join creators c on c.id = l.creator_id
          where ${scoped(sql`l.creator_id`, q.creators)} and ${onPlatform(sql`l.platform`, q.platform)}
            and l.published_at >= ${q.from.toISOString()} and l.published_at < ${q.to.toISOString()}`,
    );
    const posts = rows.map((r) => {
      const counts = {
        likes: Number(r.likes),
        comments: Number(r.comments),
        shares: Number(r.shares),
        views: Number(r.views),
      };
      return {
        targetId: String(r.target_id),
        postId: String(r.post_id),
        creatorId: String(r.creator_id),
        creatorName: String(r.creator_name),
        platform: r.platform as Platform,
        kind: String(r.kind),
        text: String(r.text),
        publishedAt: new Date(r.published_at as string).toISOString(),
        ...counts,
        reach: r.reach === null ? null : Number(r.reach),
        saves: r.saves === null ? null : Number(r.saves),
        engagementRate: engagementRateOrNone(counts),
        conversions: Number(r.conversions),
        conversionCents: Number(r.conversion_cents),
        conversionMethods: parseMethods(r.methods),
      };
    });
    const scores = scorePosts(
      posts.map((p) => ({
        creatorId: p.creatorId,
        platform: p.platform,
        engagement: p.engagementRate,
        reach: p.reach ?? p.views,
        conversions: p.conversions,
      })),
    );
    return posts
      .map((p, i) => ({ ...p, breakdown: scores[i]! }))
      .sort((a, b) => b.breakdown.score - a.breakdown.score || b.views - a.views)
      .slice(0, q.limit);
  },

  /**
   * Every published post of the scope in the window with views, as the analytics library's
   * `PostPerformance` (hashtags read from the post's text, hours on the creator's clock).
   * Oldest first; at most `limit` (the newest ones when cut).
   */
  async performances(db: Db, q: AnalyticsQuery & { limit: number }): Promise<PostPerformance[]> {
    const rows = await selectRows<Record<string, unknown>>(
      db,
      sql`select * from (
            select l.target_id, l.creator_id, l.platform, l.kind, l.published_at, c.timezone,
                   p.text, l.likes, l.comments, l.shares, l.views, l.reach, l.saves, l.conversions
            from post_metrics_latest l
            join post_targets t on t.id = l.target_id
            join posts p on p.id = t.post_id
            join creators c on c.id = l.creator_id
            where ${scoped(sql`l.creator_id`, q.creators)} and ${onPlatform(sql`l.platform`, q.platform)}
              and l.views > 0
              and l.published_at >= ${q.from.toISOString()} and l.published_at < ${q.to.toISOString()}
            order by l.published_at desc limit ${q.limit}) recent
          order by published_at`,
    );
    return rows.map((r) => ({
      postId: String(r.target_id),
      creatorId: String(r.creator_id),
      platform: r.platform as PublishPlatform,
      kind: r.kind as PostKind,
      hashtags: [...new Set(hashtagsOf(String(r.text ?? '')).map(normaliseHashtag))],
      publishedAt: new Date(r.published_at as string),
      timeZone: String(r.timezone),
      likes: Number(r.likes),
      comments: Number(r.comments),
      shares: Number(r.shares),
      views: Number(r.views),
      reach: r.reach === null ? null : Number(r.reach),
      saves: r.saves === null ? 0 : Number(r.saves),
      conversions: Number(r.conversions),
    }));
  },

  /**
   * Engagement rate by weekday × hour of publication (in each creator's time zone): each
   * cell's mean shrunk toward the scope's mean by `shrink` posts' weight, with its post count.
   */
  async heatmap(db: Db, q: AnalyticsQuery & { shrink: number }) {
    const cells = await selectRows<{ weekday: number; hour: number; posts: number; mean: number }>(
      db,
      sql`select extract(isodow from l.published_at at time zone c.timezone)::int as weekday,
                 extract(hour from l.published_at at time zone c.timezone)::int as hour,
                 count(*)::int as posts,
                 avg((l.likes + l.comments)::float8 / l.views)::float8 as mean
          from post_metrics_latest l join creators c on c.id = l.creator_id
          where ${scoped(sql`l.creator_id`, q.creators)} and ${onPlatform(sql`l.platform`, q.platform)}
            and l.views > 0
            and l.published_at >= ${q.from.toISOString()} and l.published_at < ${q.to.toISOString()}
          group by 1, 2`,
    );
    const total = cells.reduce((n, c) => n + c.posts, 0);
    const overall = total ? cells.reduce((s, c) => s + c.mean * c.posts, 0) / total : null;
    return {
      overall,
      posts: total,
      cells: cells
        .map((c) => ({
          weekday: c.weekday,
          hour: c.hour,
          posts: c.posts,
          mean: c.mean,
          expected: (c.posts * c.mean + q.shrink * (overall ?? 0)) / (c.posts + q.shrink),
        }))
        .sort((a, b) => a.weekday - b.weekday || a.hour - b.hour),
    };
  },
};

function parseMethods(value: unknown): ConversionMethod[] {
  if (Array.isArray(value)) return value as ConversionMethod[];
  // node-postgres returns text[] as an array; PGlite may give '{a,b}'.
  if (typeof value === 'string' && value.length > 2)
    return value.slice(1, -1).split(',') as ConversionMethod[];
  return [];
}
