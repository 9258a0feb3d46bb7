import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { analyticsRepo, selectRows, type Role } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const WINDOW = 'from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z';

/**
 * The analytics routes over stored snapshots: the figures a page shows, who may see whose,
 * and the CSV export.
 */
describe('analytics routes', () => {
  let hub: TestHub;
  let own: string;
  let other: string;
  const clients = {} as Record<Role, Client>;

  /** A published post with one snapshot of its counters. */
  async function published(
    creatorId: string,
    platform: 'instagram' | 'x',
    text: string,
    at: string,
    counts: { likes: number; comments: number; shares: number; views: number; reach?: number },
  ) {
    const { db } = hub.database;
    const [account] = await selectRows<{ id: string }>(
      db,
      sql`insert into platform_accounts (creator_id, platform, credentials_enc, label)
          values (${creatorId}, ${platform}, 'v1.x', ${`${platform}-${text}`}) returning id`,
    );
    const [post] = await selectRows<{ id: string }>(
      db,
      sql`insert into posts (creator_id, kind, text) values (${creatorId}, 'text', ${text}) returning id`,
    );
    const [target] = await selectRows<{ id: string }>(
      db,
      sql`insert into post_targets (post_id, account_id, platform, state, remote_id)
          values (${post!.id}, ${account!.id}, ${platform}, 'published', ${text}) returning id`,
    );
    await analyticsRepo.recordSnapshot(db, {
      targetId: target!.id,
      creatorId,
      platform,
      kind: 'text',
      publishedAt: new Date(at),
      capturedAt: new Date(new Date(at).getTime() + 3600_000),
      metrics: counts,
    });
    await analyticsRepo.recordAccount(db, {
      accountId: account!.id,
      creatorId,
      platform,
      capturedAt: new Date(at),
      followers: 1000,
      geography: { FR: 620, US: 250, BE: 130 },
    });
    await analyticsRepo.recordAccount(db, {
      accountId: account!.id,
      creatorId,
      platform,
      capturedAt: new Date(new Date(at).getTime() + 5 * 86_400_000),
      followers: 1100,
      geography: { FR: 682, US: 275, BE: 143 },
    });
  }

  beforeAll(async () => {
    hub = await startTestHub({ config: (c) => (c.auth.login.attempts_per_ip = 1000) });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    own = (await admin.post('/api/creators', creatorBody('Own'))).body.id;
    other = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
    clients.admin = admin;
    for (const role of ['manager', 'chatter', 'model'] as const) {
      const user = await hub.createUser(`${role}@test.velvet`, role, [own]);
      clients[role] = new Client(hub.url);
      expect((await clients[role].login(user.email, user.password)).status).toBe(200);
    }
    await published(own, 'instagram', 'Sunset set', '2026-03-02T19:00:00Z', {
      likes: 120,
      comments: 30,
      shares: 4,
      views: 1000,
      reach: 800,
    });
    await published(own, 'x', '=HYPERLINK("evil")', '2026-03-03T08:00:00Z', {
      likes: 10,
      comments: 2,
      shares: 1,
      views: 400,
    });
    await published(other, 'x', 'Not yours', '2026-03-04T08:00:00Z', {
      likes: 999,
      comments: 9,
      shares: 9,
      views: 2000,
    });
  });
  afterAll(() => hub?.stop());

  it('shows a creator’s likes, comments, shares, views, engagement rate (formula named), growth and countries', async () => {
    const res = await clients.manager.get(`/api/analytics/overview?creatorId=${own}&${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.body.engagementFormula).toBe('(likes + comments) / views');
    expect(res.body.totals).toEqual({
      likes: 130,
      comments: 32,
      shares: 5,
      views: 1400,
      posts: 2,
      engagementRate: 162 / 1400,
    });
    expect(
      res.body.platforms.map((p: { platform: string; followerGrowth: number }) => [
        p.platform,
        p.followerGrowth,
      ]),
    ).toEqual([
      ['instagram', 100],
      ['x', 100],
    ]);
    expect(res.body.geography[0]).toEqual({ country: 'FR', followers: 1364, share: 0.62 });
  });

  it('ranks the best posts with their breakdown', async () => {
    const res = await clients.model.get(`/api/analytics/best-posts?creatorId=${own}&${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.body.weights).toEqual({ engagement: 0.5, reach: 0.3, conversions: 0.2 });
    expect(res.body.posts.map((p: { text: string }) => p.text)).toEqual(['Sunset set', '=HYPERLINK("evil")']);
    // Alone on its platform, each post sits mid-range on every part.
    expect(res.body.posts[0].breakdown).toEqual({
      engagement: 0.5,
      reach: 0.5,
      conversions: 0.5,
      score: 0.5,
    });
  });

  it('gives the hour × weekday heatmap in the creator’s zone, from the baseline', async () => {
    const res = await clients.admin.get(`/api/analytics/best-times?creatorId=${own}&${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.body.model).toBe('baseline');
    expect(res.body.posts).toBe(2);
    expect(res.body.cells).toHaveLength(2);
  });

  it('lets each role see only its scope: a chatter nothing, a model and a manager their creators', async () => {
    expect((await clients.chatter.get(`/api/analytics/overview?creatorId=${own}`)).status).toBe(403);
    expect((await clients.chatter.get('/api/analytics/overview')).status).toBe(403);
    expect((await clients.model.get(`/api/analytics/overview?creatorId=${other}`)).status).toBe(403);
    expect((await clients.manager.get(`/api/analytics/best-posts?creatorId=${other}`)).status).toBe(403);
    // Consolidated: a manager's scope leaves the other creator out; an admin sees both.
    const managers = await clients.manager.get(`/api/analytics/best-posts?${WINDOW}`);
    expect(managers.body.posts.map((p: { text: string }) => p.text)).not.toContain('Not yours');
    const admins = await clients.admin.get(`/api/analytics/overview?${WINDOW}`);
    expect(admins.body.totals.likes).toBe(130 + 999);
  });

  it('refuses bad input with a clear error', async () => {
    const res = await clients.admin.get(`/api/analytics/overview?creatorId=nope`);
    expect(res.status).toBe(422);
    const backwards = await clients.admin.get(
      `/api/analytics/overview?from=2026-04-01T00:00:00Z&to=2026-03-01T00:00:00Z`,
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.error.message).toBe('from must be before to');
  });

  it('exports CSV a spreadsheet opens safely', async () => {
    const response = await fetch(`${hub.url}/api/analytics/export?creatorId=${own}&${WINDOW}`, {
      headers: { authorization: `Bearer ${clients.admin.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const lines = (await response.text()).trim().split('\r\n');
    expect(lines[0]).toMatch(/^published_at,creator,platform,kind,text,likes,/);
    expect(lines).toHaveLength(3);
    // The formula-looking text is defused and quoted.
    expect(lines[2]).toContain(`"'=HYPERLINK(""evil"")"`);
  });
});
