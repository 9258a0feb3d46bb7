import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testing/index';
import { openDatabase, selectRows, type Database } from '../client';
import {
  conversations,
  creators,
  fans,
  offers,
  packs,
  platformAccounts,
  posts,
  postTargets,
  promoCodes,
  purchases,
} from '../schema';
import { analyticsRepo, nextMetricsRead } from './analytics.repo';

const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('the age-based collection schedule', () => {
  it('reads hourly for 48 h, daily until 30 days, weekly after', () => {
    const published = new Date('2026-03-01T10:00:00Z');
    const after = (ms: number) => nextMetricsRead(published, new Date(published.getTime() + ms)).getTime();
    expect(after(HOUR) - published.getTime()).toBe(2 * HOUR);
    expect(after(47 * HOUR) - published.getTime()).toBe(48 * HOUR);
    expect(after(48 * HOUR) - published.getTime()).toBe(48 * HOUR + DAY);
    expect(after(29 * DAY) - published.getTime()).toBe(30 * DAY);
    expect(after(30 * DAY) - published.getTime()).toBe(37 * DAY);
  });
});

describe.each(['postgres', 'pglite'] as const)('analytics storage on %s', (driver) => {
  let dataDir: string;
  let pg: TestDatabase | undefined;
  let database: Database;
  let creatorId: string;
  let accountId: string;
  const targetIds: string[] = [];

  const partitions = async () =>
    (
      await selectRows<{ name: string }>(
        database.db,
        sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
            where i.inhparent = 'post_metrics'::regclass order by 1`,
      )
    ).map((r) => r.name);

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'velvet-analytics-'));
    if (driver === 'postgres') pg = await createTestDatabase();
    database = await openDatabase({ databaseUrl: pg?.url, dataDir });
    const { db } = database;
    const [creator] = await db
      .insert(creators)
      .values({ name: 'Lina', pseudonym: 'lina', timezone: 'Europe/Paris', market: 'FR' })
      .returning();
    creatorId = creator!.id;
    const [account] = await db
      .insert(platformAccounts)
      .values({ creatorId, platform: 'instagram', credentialsEnc: 'v1.x' })
      .returning();
    accountId = account!.id;
    // Three posts published on 2026-03-02 at 20:00, 09:00 and 14:00 Paris time (UTC+1).
    for (const [i, at] of [
      '2026-03-02T19:00:00Z',
      '2026-03-02T08:00:00Z',
      '2026-03-02T13:00:00Z',
    ].entries()) {
      const [post] = await db
        .insert(posts)
        .values({
          creatorId,
          kind: i === 0 ? 'reel' : 'text_photo',
          text: i === 0 ? 'New set, code LINA20' : `Post ${i}`,
        })
        .returning();
      const [target] = await db
        .insert(postTargets)
        .values({
          postId: post!.id,
          accountId,
          platform: 'instagram',
          state: 'published',
          scheduledAt: new Date(at),
          remoteId: `m${i}`,
        })
        .returning();
      targetIds.push(target!.id);
      await analyticsRepo.schedule(db, { targetId: target!.id, creatorId, publishedAt: new Date(at) });
    }
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('partitions by month ahead, moving rows that had fallen into the default partition', async () => {
    const { db } = database;
    // A snapshot before any monthly partition exists lands in the default one…
    await analyticsRepo.recordSnapshot(db, {
      targetId: targetIds[1]!,
      creatorId,
      platform: 'instagram',
      kind: 'text_photo',
      publishedAt: new Date('2026-03-02T08:00:00Z'),
      capturedAt: new Date('2026-03-02T09:00:00Z'),
      metrics: { likes: 10, comments: 1, shares: 0, views: 200 },
    });
    const created = await analyticsRepo.ensurePartitions(db, {
      now: new Date('2026-03-15T00:00:00Z'),
      monthsAhead: 2,
    });
    expect(created).toEqual(['post_metrics_y2026m03', 'post_metrics_y2026m04', 'post_metrics_y2026m05']);
    // …and moves into March's partition when it is created; running again creates nothing.
    const where = await selectRows<{ part: string }>(
      db,
      sql`select tableoid::regclass::text as part from post_metrics`,
    );
    expect(where.map((r) => r.part)).toEqual(['post_metrics_y2026m03']);
    expect(
      await analyticsRepo.ensurePartitions(db, { now: new Date('2026-03-20T00:00:00Z'), monthsAhead: 2 }),
    ).toEqual([]);
  });

  it('keeps the latest counters and the daily gains as snapshots arrive', async () => {
    const { db } = database;
    const snap = (i: number, at: string, likes: number, comments: number, views: number, reach?: number) =>
      analyticsRepo.recordSnapshot(db, {
        targetId: targetIds[i]!,
        creatorId,
        platform: 'instagram',
        kind: i === 0 ? 'reel' : 'text_photo',
        publishedAt: new Date(['2026-03-02T19:00:00Z', '2026-03-02T08:00:00Z', '2026-03-02T13:00:00Z'][i]!),
        capturedAt: new Date(at),
        metrics: { likes, comments, shares: 1, views, ...(reach ? { reach } : {}) },
      });
    await snap(1, '2026-03-03T09:00:00Z', 30, 4, 600);
    await snap(0, '2026-03-02T20:00:00Z', 50, 10, 400, 350);
    await snap(0, '2026-03-03T20:00:00Z', 120, 30, 1000, 800);
    await snap(2, '2026-03-03T10:00:00Z', 5, 0, 500);

    const overview = await analyticsRepo.overview(db, {
      creators: [creatorId],
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
    });
    // Day gains: 2 March: post 1 first read (10 likes) + post 0 first read (50); 3 March: the rest.
    expect(overview.days.map((d) => [d.day, d.likes, d.views])).toEqual([
      ['2026-03-02', 60, 600],
      ['2026-03-03', 20 + 70 + 5, 400 + 600 + 500],
    ]);
    expect(overview.posts).toEqual([{ platform: 'instagram', n: 3 }]);
    // Nothing of another creator's scope, nor of an empty scope.
    const none = await analyticsRepo.overview(db, {
      creators: [],
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
    });
    expect(none.days).toEqual([]);
  });

  it('ranks posts by 50% engagement + 30% reach + 20% conversions, normalised per creator × platform', async () => {
    const best = await analyticsRepo.bestPosts(database.db, {
      creators: [creatorId],
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      limit: 10,
    });
    // Post 0: engagement 0.15 (best), reach 800 (best); post 1: 34/600 = 0.057, reach 600;
    // post 2: 0.01, reach 500. No conversions anywhere: that part is 0.5 for all.
    expect(best.map((p) => p.text)).toEqual(['New set, code LINA20', 'Post 1', 'Post 2']);
    expect(best[0]!.breakdown).toEqual({ engagement: 1, reach: 1, conversions: 0.5, score: 0.5 + 0.3 + 0.1 });
    expect(best[2]!.breakdown.engagement).toBe(0);
    expect(best[0]!.engagementRate).toBeCloseTo(150 / 1000);
  });

  it('maps engagement by weekday × hour of publication in the creator’s zone, shrunk toward the mean', async () => {
    const heat = await analyticsRepo.heatmap(database.db, {
      creators: [creatorId],
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      shrink: 1,
    });
    // Monday 2 March: 20:00, 09:00 and 14:00 Paris.
    expect(heat.cells.map((c) => [c.weekday, c.hour])).toEqual([
      [1, 9],
      [1, 14],
      [1, 20],
    ]);
    const evening = heat.cells.find((c) => c.hour === 20)!;
    expect(evening.mean).toBeCloseTo(0.15);
    expect(evening.expected).toBeCloseTo((0.15 + heat.overall!) / 2);
    expect(evening.expected).toBeGreaterThan(heat.cells.find((c) => c.hour === 9)!.expected);
  });

  it('credits purchases to posts by promo code, and chat sales within the window otherwise', async () => {
    const { db } = database;
    const [fan] = await db.insert(fans).values({ accountId, platformUserId: 'f1' }).returning();
    const [conversation] = await db
      .insert(conversations)
      .values({ creatorId, accountId, fanId: fan!.id, platformChatId: 'f1' })
      .returning();
    const [pack] = await db
      .insert(packs)
      .values({ creatorId, name: 'Set', type: 'other', priceCents: 1000, currency: 'EUR' })
      .returning();
    const [code] = await db
      .insert(promoCodes)
      .values({ creatorId, code: 'LINA20', kind: 'percent', value: 20 })
      .returning();
    const offer = async (promoCodeId?: string) =>
      (
        await db
          .insert(offers)
          .values({
            creatorId,
            conversationId: conversation!.id,
            fanId: fan!.id,
            packId: pack!.id,
            listPriceCents: 1000,
            priceCents: 800,
            currency: 'EUR',
            status: 'paid',
            expiresAt: new Date('2026-04-01T00:00:00Z'),
            ...(promoCodeId ? { promoCodeId } : {}),
          })
          .returning()
      )[0]!;
    const buy = async (offerId: string, at: string, charge: string) =>
      db.insert(purchases).values({
        offerId,
        creatorId,
        conversationId: conversation!.id,
        fanId: fan!.id,
        packId: pack!.id,
        provider: 'test',
        providerChargeId: charge,
        amountCents: 800,
        currency: 'EUR',
        createdAt: new Date(at),
      });
    // With the code, days later: the post carrying the code. Without a code, 3 h after the
    // 14:00 post: that post (the latest before it). Without a code, a week later: nobody.
    await buy((await offer(code!.id)).id, '2026-03-06T12:00:00Z', 'c1');
    await buy((await offer()).id, '2026-03-02T16:00:00Z', 'c2');
    await buy((await offer()).id, '2026-03-09T16:00:00Z', 'c3');

    expect(await analyticsRepo.attributeConversions(db, { creatorId, windowHours: 48 })).toBe(2);
    expect(await analyticsRepo.attributeConversions(db, { creatorId, windowHours: 48 })).toBe(0);
    const best = await analyticsRepo.bestPosts(db, {
      creators: [creatorId],
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      limit: 10,
    });
    const byText = Object.fromEntries(best.map((p) => [p.text, p]));
    expect(byText['New set, code LINA20']).toMatchObject({
      conversions: 1,
      conversionMethods: ['promo_code'],
    });
    expect(byText['Post 2']).toMatchObject({
      conversions: 1,
      conversionCents: 800,
      conversionMethods: ['chat_window'],
    });
    expect(byText['Post 1']).toMatchObject({ conversions: 0, conversionMethods: [] });
  });

  it('drops raw partitions past retention and keeps the rollups', async () => {
    const { db } = database;
    const dropped = await analyticsRepo.dropExpiredPartitions(db, {
      now: new Date('2027-05-10T00:00:00Z'),
      keepMonths: 13,
    });
    expect(dropped).toEqual(['post_metrics_y2026m03']);
    expect(await partitions()).toEqual([
      'post_metrics_default',
      'post_metrics_y2026m04',
      'post_metrics_y2026m05',
    ]);
    const raw = await selectRows<{ n: number }>(db, sql`select count(*)::int as n from post_metrics`);
    expect(raw[0]!.n).toBe(0);
    const best = await analyticsRepo.bestPosts(db, {
      creators: [creatorId],
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
      limit: 10,
    });
    expect(best).toHaveLength(3);
  });
});
