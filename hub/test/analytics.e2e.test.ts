import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXStandin, type XStandin } from '@velvet/platforms/testing/x';
import { creatorBody, type Client } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

const CLIENT = { clientId: 'velvet-analytics-x-client', clientSecret: 'velvet-analytics-x-secret-01' };

/**
 * The collector in a real workers process: a post published to the X stand-in has its
 * public_metrics read on the age-based schedule, the account's followers once a day, and the
 * analytics routes show them; a refused read keeps the post on the schedule.
 */
describe('analytics collection through hub and workers', () => {
  let x: XStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let accountId: string;
  let db: pg.Client;

  beforeAll(async () => {
    x = await startXStandin(CLIENT);
    stack = await Stack.create({
      env: {
        LOG_LEVEL: 'warn',
        X_API_ROOT: x.apiRoot,
        X_AUTH_ROOT: x.authRoot,
        X_CLIENT_ID: CLIENT.clientId,
        X_CLIENT_SECRET: CLIENT.clientSecret,
      },
      config: (yaml) => yaml.replace(/collect_every: 5m/, 'collect_every: 1s'),
    });
    hub = await stack.start('hub', {}, { startTimeoutMs: 90_000 });
    await stack.start('workers', {}, { startTimeoutMs: 90_000 });
    admin = await stack.admin(hub.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const started = await admin.get(`/api/creators/${creatorId}/accounts/oauth/x`);
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const back = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    accountId = new URL(back.headers.get('location')!, hub.url).searchParams.get('connected')!;
    db = new pg.Client({ connectionString: stack.db.url });
    await db.connect();
  }, 240_000);

  afterAll(async () => {
    await db?.end();
    await stack?.destroy();
    await x?.close();
  });

  it('reads a published post’s counters and the account’s followers, and the pages show them', async () => {
    expect(accountId).toBeTruthy();
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text: 'Ce soir en direct 🌙',
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const at = new Date(Date.now() + 2000).toISOString();
    expect((await admin.post(`/api/posts/${created.body.id}/schedule`, { at })).status).toBe(200);

    const best = await until(
      async () => {
        const res = await admin.get(`/api/analytics/best-posts?creatorId=${creatorId}`);
        return res.body.posts?.length ? res.body.posts : undefined;
      },
      60_000,
      'the post’s first figures',
    );
    // The stand-in's public_metrics of a new post: 12 likes, 3 replies, 2 retweets + 1
    // quote, 340 views, growing by a few within the seconds since publication.
    const first = best[0];
    expect(first).toMatchObject({ platform: 'x', text: 'Ce soir en direct 🌙', comments: 3, shares: 3 });
    expect(first.views).toBeGreaterThanOrEqual(340);
    expect(first.views).toBeLessThan(400);
    expect(first.engagementRate).toBeCloseTo((first.likes + first.comments) / first.views, 6);
    const overview = (await admin.get(`/api/analytics/overview?creatorId=${creatorId}`)).body;
    expect(overview.totals).toMatchObject({ likes: first.likes, views: first.views, posts: 1 });
    // Followers come from GET /2/users/me?user.fields=public_metrics (X gives no countries).
    // (1,200 + 7 per post: read when the account was connected, before or after the post.)
    expect(overview.platforms[0]).toMatchObject({ platform: 'x' });
    expect([1200, 1207]).toContain(overview.platforms[0].followers);
    expect(overview.geography).toEqual([]);
    expect(x.calls.filter((c) => c.path.includes('tweet.fields=public_metrics'))).toHaveLength(1);

    // The next read is an hour after the first (the post is under 48 h old).
    const { rows } = await db.query(
      `select next_at - last_at as gap, failures from metrics_schedule where creator_id = $1`,
      [creatorId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].failures).toBe(0);
    expect(rows[0].gap.hours ?? 0).toBe(1);
  }, 120_000);

  it('keeps the post on the schedule when X refuses a read, and reads it again later', async () => {
    // Make the post due now, with X answering 503 to the read.
    x.failNext('lookup', { status: 503, detail: 'Service Unavailable' });
    await db.query(`update metrics_schedule set next_at = now() where creator_id = $1`, [creatorId]);
    const failed = await until(
      async () => {
        const { rows } = await db.query(
          `select failures, last_error, next_at from metrics_schedule where creator_id = $1`,
          [creatorId],
        );
        return rows[0]?.failures > 0 ? rows[0] : undefined;
      },
      30_000,
      'a failed read recorded',
    );
    expect(failed.last_error).toMatch(/503|X/);
    // Retried within 15 minutes, not dropped.
    expect(new Date(failed.next_at).getTime() - Date.now()).toBeLessThanOrEqual(15 * 60_000);
    await db.query(`update metrics_schedule set next_at = now() where creator_id = $1`, [creatorId]);
    await until(
      async () => {
        const { rows } = await db.query(`select count(*)::int as n from post_metrics where creator_id = $1`, [
          creatorId,
        ]);
        return rows[0].n >= 2 ? true : undefined;
      },
      30_000,
      'a second snapshot',
    );
  }, 90_000);
});
