// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyticsRepo,
  DEFAULT_MARKET_PROFILES,
  generateDataset,
  howIndex,
  schema,
  selectRows,
  type PostPerformance,
} from '@velvet/shared';
import { launchChromium, overflow, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const PLATFORM = 'instagram' as const;
const DAYS = 80;
const BEST_TEXT = 'Planted best post of the season';

/**
 * The analytics page in Chromium over a generated history with planted truths (best hours
 * of week, a content type, hashtags), stored through the analytics repository as the
 * collector stores it: the heatmap highlights a planted hour, the best post comes first
 * with its breakdown, the recommendations read as sentences, the formula is named.
 */
describe('analytics page in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let creatorId: string;
  let planted: Set<number>;
  let truths: ReturnType<typeof generateDataset>['truths'];
  let chatter: { email: string; password: string };
  let admin: Client;

  beforeAll(async () => {
    hub = await startTestHub({ ui: true });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    // Europe/Paris, as the generator's first creator.
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    chatter = await hub.createUser('chatter-analytics@test.velvet', 'chatter', [creatorId]);

    const start = new Date(Date.now() - DAYS * 86_400_000).toISOString().slice(0, 10);
    const data = generateDataset({
      seed: 'analytics-ui',
      creators: 1,
      postsPerCreator: 700,
      platforms: [PLATFORM],
      startDate: start,
      days: DAYS,
      samples: false,
    });
    truths = data.truths;
    planted = new Set(data.truths.bestHours[PLATFORM]!.map(howIndex));
    const { db } = hub.ctx;
    const [account] = await selectRows<{ id: string }>(
      db,
      sql`insert into platform_accounts (creator_id, platform, credentials_enc, label)
          values (${creatorId}, ${PLATFORM}, 'v1.x', 'lina') returning id`,
    );
    // The planted best post: the highest engagement rate and twice the best reach, at a planted hour.
    const maxRate = Math.max(...data.posts.map((p) => (p.likes + p.comments) / p.views));
    const maxReach = Math.max(...data.posts.map((p) => p.reach ?? p.views));
    const template = data.posts.find((p) => planted.has(howOfPost(p)))!;
    const star: PostPerformance = {
      ...template,
      postId: 'planted-best',
      hashtags: ['paris'],
      views: 10_000,
      likes: Math.ceil(maxRate * 10_000),
      comments: 0,
      reach: maxReach * 2,
    };
    const posts = [...data.posts, star];
    const rows = await db
      .insert(schema.posts)
      .values(
        posts.map((p) => ({
          creatorId,
          kind: p.kind,
          text:
            p === star
              ? `${BEST_TEXT} #paris`
              : `Post ${p.postId} ${p.hashtags.map((h) => `#${h}`).join(' ')}`,
        })),
      )
      .returning({ id: schema.posts.id });
    const targets = await db
      .insert(schema.postTargets)
      .values(
        rows.map((r, i) => ({
          postId: r.id,
          accountId: account!.id,
          platform: PLATFORM,
          state: 'published' as const,
          remoteId: `remote-${i}`,
        })),
      )
      .returning({ id: schema.postTargets.id });
    for (const [i, p] of posts.entries()) {
      await analyticsRepo.recordSnapshot(db, {
        targetId: targets[i]!.id,
        creatorId,
        platform: PLATFORM,
        kind: p.kind,
        publishedAt: p.publishedAt,
        capturedAt: new Date(p.publishedAt.getTime() + 48 * 3600_000),
        metrics: {
          likes: p.likes,
          comments: p.comments,
          shares: p.shares,
          views: p.views,
          ...(p.reach === null ? {} : { reach: p.reach }),
          saves: p.saves,
        },
      });
    }
    for (const f of data.followers) {
      await analyticsRepo.recordAccount(db, {
        accountId: account!.id,
        creatorId,
        platform: PLATFORM,
        capturedAt: new Date(`${f.day}T12:00:00Z`),
        followers: f.followers,
        geography: f.countries,
      });
    }
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  const howOfPost = (p: PostPerformance) => {
    const clock = new Intl.DateTimeFormat('en-US', {
      timeZone: p.timeZone,
      weekday: 'short',
      hour: 'numeric',
      hourCycle: 'h23',
    }).formatToParts(p.publishedAt);
    const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(
      clock.find((x) => x.type === 'weekday')!.value,
    );
    return howIndex({ weekday, hour: Number(clock.find((x) => x.type === 'hour')!.value) });
  };

  const open = async (user: { email: string; password: string }, width = 1440): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 900 } });
    const page = await context.newPage();
    await signIn(page, hub.url, user, `/analytics?creator=${creatorId}`);
    return page;
  };

  it('shows the planted best hour, the best post first with its breakdown, sentences and the formula', async () => {
    const page = await open(ADMIN);
    const heatmap = page.locator(`[data-heatmap="${PLATFORM}"]`);
    await heatmap.waitFor({ timeout: 60_000 });

    // The highlighted cell is one of the generator's planted best hours of week.
    const best = heatmap.locator('td[data-best="true"]');
    await expect(best.count()).resolves.toBe(1);
    const [weekday, hour] = (await best.getAttribute('data-cell'))!.split('-').map(Number);
    expect(planted.has(howIndex({ weekday: weekday!, hour: hour! }))).toBe(true);
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    await expect(heatmap.locator('[data-best-time]').textContent()).resolves.toContain(
      `Best time: ${days[weekday!]} ${hour}:00`,
    );

    // The best post first, with its score's parts.
    const first = page.locator('[data-best-post]').first();
    await expect(first.locator('[data-post-text]').textContent()).resolves.toContain(BEST_TEXT);
    const breakdown = await first.locator('[data-breakdown]').innerText();
    expect(breakdown).toMatch(/Engagement\s+1\.00/);
    expect(breakdown).toMatch(/Reach\s+1\.00/);
    expect(breakdown).toMatch(/Conversions/);

    // Recommendations in plain words, from the library's English texts.
    const sentences = await page.locator('[data-recommendation]').allInnerTexts();
    expect(
      sentences.some((s) =>
        /^On Instagram, post on \w+day around \d+:00: expected engagement \d+% above your usual\.$/.test(s),
      ),
    ).toBe(true);
    expect(
      sentences.some((s) =>
        /^On Instagram, the model (beat|did not beat) the simple hour-of-week average/.test(s),
      ),
    ).toBe(true);

    // The planted best hashtags and content type are named.
    for (const tag of truths.bestHashtags)
      expect(sentences.some((s) => s.startsWith(`#${tag} lifts engagement`))).toBe(true);
    const kindName = { text: 'text', text_photo: 'text + photo', reel: 'reel/short', carousel: 'carousel' }[
      truths.bestKind[PLATFORM]!
    ];
    expect(sentences.some((s) => s.startsWith(`On Instagram, ${kindName} posts`))).toBe(true);
    // The generator's first creator: about 62% FR, 25% US.
    expect(sentences.some((s) => /^Your main market is FR \(6\d% of followers\)\.$/.test(s))).toBe(true);
    expect(sentences.some((s) => /^US is a secondary market \(2\d% of followers\)\.$/.test(s))).toBe(true);

    // The formula is named, and the errors table says which method is used.
    await expect(page.locator('[data-formula]').textContent()).resolves.toContain(
      'Engagement rate = (likes + comments) / views',
    );
    const row = page.locator(`[data-model-row="${PLATFORM}"]`);
    await expect(row.locator('[data-model-error]').textContent()).resolves.toMatch(/\d+\.\d\d pts/);
    await expect(row.locator('[data-baseline-error]').textContent()).resolves.toMatch(/\d+\.\d\d pts/);
    const used = await row.getAttribute('data-used');
    await expect(row.textContent()).resolves.toContain(
      used === 'tfjs' ? 'model (TensorFlow.js)' : 'baseline',
    );

    // Geography bars from the follower snapshots.
    await expect(page.locator('[data-geography]').textContent()).resolves.toContain('FR');

    // The nav lists the page; the CSV export downloads the window's posts, best first.
    await expect(page.getByRole('link', { name: 'Analytics', exact: true }).count()).resolves.toBeGreaterThan(
      0,
    );
    const download = page.waitForEvent('download');
    await page.locator('[data-export]').click();
    const file = await download;
    const csv = await (await file.createReadStream()).toArray();
    const text = Buffer.concat(csv as Buffer[]).toString('utf8');
    expect(text.split('\r\n')[1]).toContain(BEST_TEXT);
    await page.context().close();
  }, 120_000);

  it('puts the suggested markets into the planner when accepted', async () => {
    const usEast = DEFAULT_MARKET_PROFILES.find((m) => m.id === 'US-East')!;
    const saved = await admin.put(`/api/creators/${creatorId}/planner`, { markets: [usEast], platforms: [] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const page = await open(ADMIN);
    const markets = page.locator('[data-markets]');
    await markets.waitFor({ timeout: 60_000 });
    await expect(markets.locator('[data-market="FR"]').textContent()).resolves.toMatch(
      /FR \(primary, 6\d% of followers\): planner profiles FR/,
    );
    await page.locator('[data-accept-markets]').click();
    await page.getByText('Added to the planner: FR, US-West.').waitFor();
    const planner = await admin.get(`/api/creators/${creatorId}/planner`);
    expect(planner.body.markets.map((m: { id: string }) => m.id)).toEqual(['FR', 'US-East', 'US-West']);
    await page.locator('[data-accept-markets]').click();
    await page.getByText('The planner already has these markets.').waitFor();
    await page.context().close();
  }, 120_000);

  it('fits a phone without sideways scrolling', async () => {
    const page = await open(ADMIN, 390);
    await page.locator(`[data-heatmap="${PLATFORM}"]`).waitFor({ timeout: 60_000 });
    expect(await overflow(page)).toEqual({ page: 0, view: 0 });
    await page.context().close();
  }, 120_000);

  it('tells a chatter the screen is not theirs, and shows no figure', async () => {
    const page = await open(chatter);
    await page.getByText('You do not have access to this screen.').waitFor();
    await expect(page.locator('[data-heatmap]').count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Analytics', exact: true }).count()).resolves.toBe(0);
    await page.context().close();
  }, 60_000);
});
