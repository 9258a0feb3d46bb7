import pg from 'pg';
import { analyticsRepo, openDatabase, recommendTimes, type PublishPlatform } from '@velvet/shared';
import { createTestDatabase } from '@velvet/shared/testing';
import { round, summarize } from './stats';

/*
 * The analytics section: `rows` metric snapshots seeded straight into PostgreSQL
 * (generate_series, one INSERT … SELECT, indexes built after), the rollups built from them
 * in bulk (the collector keeps them incrementally), then the pages' three queries timed
 * over many runs against the naive answer — the same figures computed from the raw
 * snapshots with a full scan — measured in the same run.
 */

export interface AnalyticsOptions {
  rows: number;
  creators: number;
  /** Snapshots per published target (hourly for 48 h, daily to 30 days, weekly after). */
  snapshots: number;
  runs: number;
  naiveRuns: number;
  /** Concurrent connections seeding the snapshots (each takes a share of the posts). */
  seedConnections: number;
  /** Creators whose best-times model is trained (timed) after the queries. */
  trainCreators: number;
}

type Summary = ReturnType<typeof summarize>;

export interface AnalyticsResult {
  rows: number;
  targets: number;
  creators: number;
  seedMs: number;
  indexMs: number;
  rollupMs: number;
  tableMb: number;
  queries: { name: string; fast: Summary; naive: Summary; checked: string }[];
  /** Best-times training per creator (both platforms, agency prior included). */
  training: {
    creators: number;
    postsPerCreator: number;
    ms: Summary;
    model: number;
    baseline: number;
    best: string;
  };
}

const MONTHS = 12;
/** As the best-times route: the newest posts a training reads. */
const MAX_HISTORY = 20_000;

/** Hours after publication of snapshot `k` (1-based): hourly to 48 h, daily to 30 days, weekly after. */
const snapshotHours = (k: number) => (k <= 48 ? k : k <= 76 ? 48 + 24 * (k - 48) : 720 + 168 * (k - 76));

/**
 * The mean number of snapshots already due per post, over the publication times the seed
 * gives (`1 + 360 × v / 10,000` days ago, v = i × 7919 mod 10,000 taking every value once).
 */
function dueSnapshotsPerPost(snapshots: number): number {
  let due = 0;
  for (let v = 0; v < 10_000; v++) {
    const ageHours = (1 + (MONTHS * 30 * v) / 10_000) * 24;
    for (let k = 1; k <= snapshots; k++) if (snapshotHours(k) < ageHours) due++;
  }
  return due / 10_000;
}

export async function analyticsBench(options: AnalyticsOptions): Promise<AnalyticsResult> {
  const database = await createTestDatabase();
  const opened = await openDatabase({ databaseUrl: database.url, dataDir: '/tmp/velvet-bench-unused' });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    // Bulk-load memory for the index builds and the rollups' sorts (reset before timing).
    await client.query(`set maintenance_work_mem = '512MB'`);
    await client.query(`set work_mem = '256MB'`);
    const now = new Date();
    // Only the snapshots already due are stored (a post of last week has no weekly ones
    // yet): enough posts for `rows` of them, from the same schedule the SQL below uses.
    const targets = Math.max(1, Math.ceil((options.rows / dueSnapshotsPerPost(options.snapshots)) * 1.005));
    const perCreator = Math.ceil(targets / options.creators);
    await analyticsRepo.ensurePartitions(opened.db, { now, monthsAhead: 1, monthsBack: MONTHS + 1 });

    // Creators, two accounts each (two platforms), posts and published targets.
    await client.query(`
      insert into creators (id, name, pseudonym, timezone, market)
      select ('00000000-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid, 'Creator ' || c, 'c' || c,
             'Europe/Paris', 'FR'
      from generate_series(1, ${options.creators}) c`);
    await client.query(`
      insert into platform_accounts (id, creator_id, platform, credentials_enc)
      select ('00000000-0000-4000-9000-' || lpad((c * 2 + p)::text, 12, '0'))::uuid,
             ('00000000-0000-4000-8000-' || lpad(c::text, 12, '0'))::uuid,
             (array['instagram','x'])[p + 1], 'v1.bench'
      from generate_series(1, ${options.creators}) c, generate_series(0, 1) p`);
    // Each post's publication time over the last MONTHS months; the kind cycles.
    await client.query(`
      insert into posts (id, creator_id, kind, text)
      select ('00000000-0000-4000-a000-' || lpad(i::text, 12, '0'))::uuid,
             ('00000000-0000-4000-8000-' || lpad((1 + (i - 1) / ${perCreator})::text, 12, '0'))::uuid,
             (array['text','text_photo','reel','carousel'])[1 + i % 4], 'Post ' || i
      from generate_series(1, ${targets}) i
      where 1 + (i - 1) / ${perCreator} <= ${options.creators}`);
    await client.query(`
      insert into post_targets (id, post_id, account_id, platform, state, scheduled_at, remote_id)
      select ('00000000-0000-4000-b000-' || lpad(i::text, 12, '0'))::uuid,
             ('00000000-0000-4000-a000-' || lpad(i::text, 12, '0'))::uuid,
             ('00000000-0000-4000-9000-' || lpad(((1 + (i - 1) / ${perCreator}) * 2 + i % 2)::text, 12, '0'))::uuid,
             (array['instagram','x'])[1 + i % 2], 'published',
             date_trunc('hour', now() - interval '${MONTHS * 30} days' * ((i * 7919) % 10000) / 10000.0 - interval '1 day'),
             'r' || i
      from generate_series(1, ${targets}) i
      where 1 + (i - 1) / ${perCreator} <= ${options.creators}`);
    const realTargets = Number((await client.query('select count(*) as n from post_targets')).rows[0].n);

    // The raw snapshots: counters that grow with age toward each post's size; engagement
    // is higher at 20:00 local (a planted truth the heatmap should show). Seeded set-based
    // at bulk-load speed: the partitions are unlogged (no WAL; this database is dropped at
    // the end), the indexes and foreign-key checks wait until after, and the targets are
    // split across `seedConnections` concurrent INSERT … SELECTs.
    await client.query('drop index post_metrics_creator_platform_time_idx');
    await client.query('drop index post_metrics_target_time_idx');
    const partitions = (
      await client.query<{ name: string }>(`select c.relname as name from pg_inherits i
         join pg_class c on c.oid = i.inhrelid where i.inhparent = 'post_metrics'::regclass`)
    ).rows.map((r) => r.name);
    for (const name of partitions) await client.query(`alter table "${name}" set unlogged`);
    const seedStart = performance.now();
    const lanes = Math.max(1, options.seedConnections);
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        const seeder = new pg.Client({ connectionString: database.url });
        await seeder.connect();
        try {
          await seeder.query(`set session_replication_role = replica`); // skip FK checks while seeding
          await seeder.query(`set synchronous_commit = off`);
          await seeder.query(`
            insert into post_metrics (target_id, creator_id, platform, captured_at, likes, comments, shares, views, reach, saves)
            select t.id, p.creator_id, t.platform, at, (size * 0.06 * boost * g)::int, (size * 0.01 * boost * g)::int,
                   (size * 0.004 * g)::int, (size * g)::int,
                   case when t.platform = 'instagram' then (size * 0.7 * g)::int end,
                   case when t.platform = 'instagram' then (size * 0.005 * g)::int end
            from post_targets t
            join posts p on p.id = t.post_id,
            lateral (select 200 + (hashtext(t.id::text) & 4095) as size,
                            case when extract(hour from t.scheduled_at at time zone 'Europe/Paris') = 20 then 1.6 else 1 end as boost) s,
            generate_series(1, ${options.snapshots}) k,
            lateral (select t.scheduled_at + case when k <= 48 then interval '1 hour' * k
                                                  when k <= 76 then interval '48 hours' + interval '1 day' * (k - 48)
                                                  else interval '30 days' + interval '7 days' * (k - 76) end as at,
                            1 - exp(-k / 20.0) as g) c
            where c.at < now() and (hashtext(t.id::text) & 2147483647) % ${lanes} = ${lane}`);
        } finally {
          await seeder.end();
        }
      }),
    );
    const seedMs = performance.now() - seedStart;
    const rows = Number((await client.query('select count(*) as n from post_metrics')).rows[0].n);
    const indexStart = performance.now();
    await client.query(
      'create index post_metrics_creator_platform_time_idx on post_metrics (creator_id, platform, captured_at)',
    );
    await client.query('create index post_metrics_target_time_idx on post_metrics (target_id, captured_at)');
    const indexMs = performance.now() - indexStart;

    // The rollups, in bulk (the collector maintains the same rows one snapshot at a time).
    const rollupStart = performance.now();
    await client.query(`
      insert into post_metrics_latest (target_id, creator_id, platform, kind, published_at, captured_at,
                                       likes, comments, shares, views, reach, saves)
      select distinct on (m.target_id) m.target_id, m.creator_id, m.platform, p.kind, t.scheduled_at,
             m.captured_at, m.likes, m.comments, m.shares, m.views, m.reach, m.saves
      from post_metrics m join post_targets t on t.id = m.target_id join posts p on p.id = t.post_id
      order by m.target_id, m.captured_at desc`);
    await client.query(`
      insert into metrics_daily (creator_id, platform, day, likes, comments, shares, views)
      select creator_id, platform, (captured_at at time zone 'UTC')::date,
             sum(likes - prev_likes), sum(comments - prev_comments), sum(shares - prev_shares), sum(views - prev_views)
      from (select creator_id, platform, captured_at, likes, comments, shares, views,
                   coalesce(lag(likes) over w, 0) as prev_likes, coalesce(lag(comments) over w, 0) as prev_comments,
                   coalesce(lag(shares) over w, 0) as prev_shares, coalesce(lag(views) over w, 0) as prev_views
            from post_metrics window w as (partition by target_id order by captured_at)) d
      group by 1, 2, 3`);
    await client.query(`
      insert into account_metrics (account_id, creator_id, platform, day, followers, geography)
      select a.id, a.creator_id, a.platform, d::date, 5000 + (extract(epoch from d - now() + interval '365 days') / 86400)::int * 10,
             jsonb_build_object('FR', 620, 'US', 250, 'BE', 80, 'CA', 50)
      from platform_accounts a, generate_series(now() - interval '365 days', now(), interval '1 day') d`);
    const rollupMs = performance.now() - rollupStart;
    await client.query('analyze');
    await client.query('reset work_mem');
    const tableMb = round(
      Number(
        (
          await client.query(`select sum(pg_total_relation_size(c.oid)) as b from pg_inherits i
             join pg_class c on c.oid = i.inhrelid where i.inhparent = 'post_metrics'::regclass`)
        ).rows[0].b,
      ) /
        1024 /
        1024,
      0,
    );

    const creatorId = '00000000-0000-4000-8000-000000000001';
    const window = { from: new Date(now.getTime() - 365 * 86_400_000), to: now };
    const one = { creators: [creatorId], ...window };
    const queries: AnalyticsResult['queries'] = [];
    const time = async (runs: number, run: () => Promise<unknown>) => {
      const samples: number[] = [];
      await run(); // warm
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await run();
        samples.push(performance.now() - start);
      }
      return summarize(samples);
    };
    // The naive answers read the raw snapshots with a sequential scan, as a query written
    // without the rollups (and without an index fitting it) would.
    const naive = async (text: string) => {
      await client.query('begin');
      await client.query('set local enable_indexscan = off');
      await client.query('set local enable_bitmapscan = off');
      try {
        return (await client.query(text, [creatorId])).rows;
      } finally {
        await client.query('commit');
      }
    };

    const best = await analyticsRepo.bestPosts(opened.db, { ...one, limit: 20 });
    queries.push({
      name: 'best posts (one creator)',
      fast: await time(options.runs, () => analyticsRepo.bestPosts(opened.db, { ...one, limit: 20 })),
      naive: await time(options.naiveRuns, () =>
        naive(`select distinct on (target_id) target_id, likes, comments, views, reach
               from post_metrics where creator_id = $1 order by target_id, captured_at desc`),
      ),
      checked: `${best.length} posts, top score ${round(best[0]?.breakdown.score ?? 0, 3)}`,
    });
    const heat = await analyticsRepo.heatmap(opened.db, { ...one, shrink: 5 });
    const top = [...heat.cells].sort((a, b) => b.expected - a.expected)[0];
    queries.push({
      name: 'best times heatmap (one creator)',
      fast: await time(options.runs, () => analyticsRepo.heatmap(opened.db, { ...one, shrink: 5 })),
      naive: await time(options.naiveRuns, () =>
        naive(`select extract(isodow from t.scheduled_at at time zone 'Europe/Paris') as d,
                      extract(hour from t.scheduled_at at time zone 'Europe/Paris') as h,
                      avg((l.likes + l.comments)::float8 / nullif(l.views, 0))
               from (select distinct on (target_id) target_id, likes, comments, views
                     from post_metrics where creator_id = $1 order by target_id, captured_at desc) l
               join post_targets t on t.id = l.target_id group by 1, 2`),
      ),
      checked: `${heat.cells.length} cells; best ${top?.hour}:00 (planted 20:00)`,
    });
    queries.push({
      name: 'overview (one creator)',
      fast: await time(options.runs, () => analyticsRepo.overview(opened.db, one)),
      naive: await time(options.naiveRuns, () =>
        naive(`select platform, sum(likes), sum(comments), sum(shares), sum(views) from (
                 select distinct on (target_id) platform, likes, comments, shares, views
                 from post_metrics where creator_id = $1 order by target_id, captured_at desc) l group by 1`),
      ),
      checked: 'likes, comments, shares, views, followers, countries',
    });
    queries.push({
      name: 'overview (every creator, admin)',
      fast: await time(options.runs, () => analyticsRepo.overview(opened.db, { creators: 'all', ...window })),
      naive: await time(options.naiveRuns, () =>
        naive(`select platform, sum(likes), sum(comments), sum(shares), sum(views) from (
                 select distinct on (target_id) platform, likes, comments, shares, views
                 from post_metrics where $1::uuid is not null order by target_id, captured_at desc) l group by 1`),
      ),
      checked: `${options.creators} creators`,
    });
    // Model training per creator, as the best-times route does it: each platform's history
    // (the newest MAX_HISTORY posts) with the agency's posts on that platform as the prior.
    const platforms: PublishPlatform[] = ['instagram', 'x'];
    const agency = new Map(
      await Promise.all(
        platforms.map(
          async (platform) =>
            [
              platform,
              await analyticsRepo.performances(opened.db, {
                creators: 'all',
                platform,
                ...window,
                limit: MAX_HISTORY,
              }),
            ] as const,
        ),
      ),
    );
    const trainingMs: number[] = [];
    const used = { model: 0, baseline: 0 };
    const bestHours = new Map<number, number>();
    let trainedPosts = 0;
    const trainCreators = Math.min(options.trainCreators, options.creators);
    for (let c = 1; c <= trainCreators; c++) {
      const creators = [`00000000-0000-4000-8000-${String(c).padStart(12, '0')}`];
      const start = performance.now();
      const history = await analyticsRepo.performances(opened.db, {
        creators,
        ...window,
        limit: MAX_HISTORY,
      });
      trainedPosts += history.length;
      for (const platform of platforms) {
        const r = await recommendTimes({ platform, history, agency: agency.get(platform)! });
        used[r.used] += 1;
        const top = r.times[0];
        if (top) bestHours.set(top.hour, (bestHours.get(top.hour) ?? 0) + 1);
      }
      trainingMs.push(performance.now() - start);
    }
    const training = {
      creators: trainCreators,
      postsPerCreator: trainCreators ? Math.round(trainedPosts / trainCreators) : 0,
      ms: summarize(trainingMs),
      ...used,
      best: [...bestHours.entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([hour, n]) => `${hour}:00 ×${n}`)
        .join(', '),
    };

    return {
      rows,
      training,
      targets: realTargets,
      creators: options.creators,
      seedMs: round(seedMs, 0),
      indexMs: round(indexMs, 0),
      rollupMs: round(rollupMs, 0),
      tableMb,
      queries,
    };
  } finally {
    await client.end();
    await opened.close();
    await database.drop();
  }
}
