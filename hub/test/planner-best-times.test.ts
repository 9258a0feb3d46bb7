import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '@velvet/shared';
import { publishedHistory } from './analytics-fixtures';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const DAY = 86_400_000;
/** Engagement rate by local hour (Europe/Paris): 03:00 is best but in the quiet hours. */
const RATES: Record<number, number> = { 3: 0.5, 9: 0.15, 12: 0.2, 21: 0.3 };
const HOURS = [3, ...Array.from({ length: 15 }, (_, i) => 8 + i)];
const WEEKS = 6;

/**
 * The analytics' best times as the planner's slots, and the 15-minute cache of a trained
 * recommendation: a published history whose engagement peaks at 21:00, 12:00 and 09:00
 * (and at 03:00, inside the quiet hours) in the creator's zone.
 */
describe('best times in the planner', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let window: string;

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const { db } = hub.ctx;
    const [account] = await selectRows<{ id: string }>(
      db,
      sql`insert into platform_accounts (creator_id, platform, credentials_enc, label)
          values (${creatorId}, 'instagram', 'v1.x', 'lina') returning id`,
    );
    // Every other day for WEEKS weeks, a post at each hour of HOURS: every hour falls on
    // several weekdays.
    const history = await publishedHistory(db, {
      creatorId,
      accountId: account!.id,
      platform: 'instagram',
      timeZone: 'Europe/Paris',
      hours: HOURS,
      rates: RATES,
      days: WEEKS * 7,
    });
    window = `from=${new Date(history.first.getTime() - DAY).toISOString()}&to=${new Date(Date.now() - 3600_000).toISOString()}`;
  }, 120_000);
  afterAll(() => hub?.stop());

  it('serves a second request within 15 minutes from the cache, and trains again after', async () => {
    const t0 = new Date();
    hub.ctx.now = () => t0;
    const first = await admin.get(`/api/analytics/best-times?creatorId=${creatorId}&${window}`);
    expect(first.status).toBe(200);
    const [trained] = first.body.platforms;
    expect(trained.platform).toBe('instagram');
    // Enough posts to train the model (and judge it), so a retraining would show.
    expect(trained.evaluation.testPosts).toBeGreaterThanOrEqual(10);
    expect(trained.trainedAt).toBe(t0.toISOString());

    hub.ctx.now = () => new Date(t0.getTime() + 14 * 60_000);
    const second = await admin.get(`/api/analytics/best-times?creatorId=${creatorId}&${window}`);
    expect(second.body.platforms[0].trainedAt).toBe(t0.toISOString());
    expect(second.body.platforms[0].heatmap).toEqual(trained.heatmap);

    const later = new Date(t0.getTime() + 16 * 60_000);
    hub.ctx.now = () => later;
    const third = await admin.get(`/api/analytics/best-times?creatorId=${creatorId}&${window}`);
    expect(third.body.platforms[0].trainedAt).toBe(later.toISOString());
    hub.ctx.now = () => new Date();
  }, 120_000);

  it('proposes the best open hours as the slots, then applies them when the rules are saved', async () => {
    const res = await admin.get(`/api/creators/${creatorId}/planner/best-times`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ timeZone: 'Europe/Paris', profile: 'FR', skipped: [] });
    const [instagram] = res.body.platforms;
    expect(instagram.platform).toBe('instagram');
    expect(['tfjs', 'baseline']).toContain(instagram.used);
    // The defaults: three posts a day (two in Paris, one on the East Coast).
    expect(instagram.current).toHaveLength(3);
    expect(instagram.changed).toBe(true);
    // Three posts a day still, at the planted hours; 03:00 is in the quiet hours.
    expect(instagram.proposed).toEqual([
      { profile: 'FR', start: '09:00', end: '10:00', posts: 1, jitterMinutes: 20 },
      { profile: 'FR', start: '12:00', end: '13:00', posts: 1, jitterMinutes: 20 },
      { profile: 'FR', start: '21:00', end: '22:00', posts: 1, jitterMinutes: 20 },
    ]);
    expect(instagram.hours.map((h: { hour: number }) => h.hour)).toEqual([21, 12, 9]);
    // Nothing is written until the rules are saved.
    expect((await admin.get(`/api/creators/${creatorId}/planner`)).body.saved).toBe(false);

    const saved = await admin.put(`/api/creators/${creatorId}/planner`, res.body.rules);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const rules = (await admin.get(`/api/creators/${creatorId}/planner`)).body;
    expect(rules.platforms.find((p: { platform: string }) => p.platform === 'instagram').slots).toEqual(
      instagram.proposed,
    );
    // Asked again, nothing would change.
    const again = await admin.get(`/api/creators/${creatorId}/planner/best-times`);
    expect(again.body.platforms[0].changed).toBe(false);
  }, 120_000);

  it('leaves platforms without history or with too few posts alone and says why; refuses outsiders', async () => {
    const [tiktok] = await selectRows<{ id: string }>(
      hub.ctx.db,
      sql`insert into platform_accounts (creator_id, platform, credentials_enc, label)
          values (${creatorId}, 'tiktok', 'v1.x', 'lina-tiktok') returning id`,
    );
    const few = await publishedHistory(hub.ctx.db, {
      creatorId,
      accountId: tiktok!.id,
      platform: 'tiktok',
      timeZone: 'Europe/Paris',
      hours: [12, 21],
      rates: { 21: 0.3 },
      days: 20,
    });
    expect(few.posts).toBe(20);
    const rules = (await admin.get(`/api/creators/${creatorId}/planner`)).body;
    const withX = {
      markets: rules.markets,
      platforms: [
        ...rules.platforms,
        {
          platform: 'x',
          slots: [{ profile: 'FR', start: '08:00', end: '10:00', posts: 1, jitterMinutes: 10 }],
          mix: { text: 1 },
          dailyReel: false,
        },
        {
          platform: 'tiktok',
          slots: [{ profile: 'FR', start: '18:00', end: '20:00', posts: 1, jitterMinutes: 10 }],
          mix: { reel: 1 },
          dailyReel: false,
        },
      ],
    };
    expect((await admin.put(`/api/creators/${creatorId}/planner`, withX)).status).toBe(200);
    const res = await admin.get(`/api/creators/${creatorId}/planner/best-times`);
    expect(res.body.skipped).toEqual([
      { platform: 'x', reason: 'no_history' },
      { platform: 'tiktok', reason: 'too_few_posts' },
    ]);
    expect(res.body.platforms.map((p: { platform: string }) => p.platform)).toEqual(['instagram']);
    expect(res.body.rules.platforms.find((p: { platform: string }) => p.platform === 'x').slots).toEqual(
      withX.platforms[1]!.slots,
    );

    const chatter = await hub.createUser('chatter-best-times@test.velvet', 'chatter', [creatorId]);
    const other = new Client(hub.url);
    await other.login(chatter.email, chatter.password);
    expect((await other.get(`/api/creators/${creatorId}/planner/best-times`)).status).toBe(403);
    expect((await admin.get(`/api/creators/not-an-id/planner/best-times`)).status).toBe(404);
  });
});
