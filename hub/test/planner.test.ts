import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsRepo, localDate, localMinutes } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { verticalVideo } from './publishing-fixtures';

const minutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** France and both US coasts; the French quiet hours 02:00–06:00. */
const MARKETS = [
  {
    id: 'FR',
    market: 'FR',
    timeZone: 'Europe/Paris',
    active: { start: '07:00', end: '23:00' },
    quiet: { start: '02:00', end: '06:00' },
  },
  {
    id: 'US-East',
    market: 'US',
    timeZone: 'America/New_York',
    active: { start: '07:00', end: '23:00' },
    quiet: { start: '02:00', end: '06:00' },
  },
  {
    id: 'US-West',
    market: 'US',
    timeZone: 'America/Los_Angeles',
    active: { start: '07:00', end: '23:00' },
    quiet: { start: '02:00', end: '06:00' },
  },
];

const RULES = {
  markets: MARKETS,
  platforms: [
    {
      platform: 'instagram',
      slots: [
        { profile: 'FR', start: '07:00', end: '10:00', posts: 2, jitterMinutes: 30 },
        // Entirely in quiet or inactive hours: the planner must place nothing there.
        { profile: 'FR', start: '01:00', end: '03:00', posts: 1, jitterMinutes: 10 },
        { profile: 'US-East', start: '20:00', end: '23:00', posts: 1, jitterMinutes: 20 },
      ],
      mix: { text_photo: 4, reel: 1 },
      dailyReel: true,
    },
    {
      platform: 'tiktok',
      slots: [
        { profile: 'FR', start: '12:00', end: '14:00', posts: 1, jitterMinutes: 15 },
        { profile: 'US-West', start: '18:00', end: '21:00', posts: 1, jitterMinutes: 15 },
      ],
      mix: { reel: 1 },
      dailyReel: true,
    },
  ],
};

interface Item {
  contentId: string;
  kind: string;
  platform: string;
  accountId: string;
  at: string;
  timeZone: string;
  profile: string;
  date: string;
  localTime: string;
  reel: boolean;
  label: string;
}

describe('the planner', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let instagram: string;
  let tiktok: string;

  const upload = async (creator: string, bytes: Buffer, name: string) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), name);
    const response = await fetch(`${hub.url}/api/creators/${creator}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const as = async (email: string, role: 'manager' | 'chatter' | 'model', creators: string[]) => {
    const user = await hub.createUser(email, role, creators);
    const client = new Client(hub.url);
    await client.login(user.email, user.password);
    return client;
  };
  /** Instagram and TikTok would need their stand-ins here: their rows as a connection leaves them. */
  const account = async (creator: string, platform: 'instagram' | 'tiktok') =>
    (
      await accountsRepo.create(hub.ctx.db, {
        creatorId: creator,
        platform,
        label: `${platform} account`,
        credentialsEnc: 'sealed',
        settings: {},
      })
    ).id;

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    instagram = await account(creatorId, 'instagram');
    tiktok = await account(creatorId, 'tiktok');
    // Fourteen reels (each may go once to each platform) and ten photos.
    for (let i = 0; i < 14; i++) await upload(creatorId, verticalVideo(10 + i), `reel-${i}.mp4`);
    for (let i = 0; i < 10; i++) {
      const photo = await sharp({
        create: {
          width: 1080,
          height: 1350,
          channels: 3,
          background: `#${(0x203040 + i * 0x101010).toString(16)}`,
        },
      })
        .jpeg()
        .toBuffer();
      await upload(creatorId, photo, `photo-${i}.jpg`);
    }
  }, 90_000);
  afterAll(() => hub?.stop());

  it('starts a new creator from France and both US coasts, with a daily reel where one is owed', async () => {
    const fresh = (await admin.post('/api/creators', creatorBody('Nova'))).body.id as string;
    await account(fresh, 'instagram');
    const planner = await admin.get(`/api/creators/${fresh}/planner`);
    expect(planner.status).toBe(200);
    expect(planner.body.saved).toBe(false);
    expect(planner.body.connected).toEqual(['instagram']);
    expect(
      planner.body.markets.map(
        (m: { id: string; timeZone: string; active: { start: string; end: string } }) => [
          m.id,
          m.timeZone,
          `${m.active.start}-${m.active.end}`,
        ],
      ),
    ).toEqual([
      ['FR', 'Europe/Paris', '07:00-23:00'],
      ['US-East', 'America/New_York', '07:00-23:00'],
      ['US-West', 'America/Los_Angeles', '07:00-23:00'],
    ]);
    expect(planner.body.platforms).toHaveLength(1);
    expect(planner.body.platforms[0]).toMatchObject({ platform: 'instagram', dailyReel: true });
    expect(planner.body.platforms[0].mix.text_photo).toBeGreaterThan(planner.body.platforms[0].mix.reel);
  });

  it('saves rules and names each invalid field', async () => {
    const saved = await admin.put(`/api/creators/${creatorId}/planner`, RULES);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ saved: true, connected: ['instagram', 'tiktok'] });
    expect((await admin.get(`/api/creators/${creatorId}/planner`)).body.platforms).toEqual(RULES.platforms);

    const bad = await admin.put(`/api/creators/${creatorId}/planner`, {
      markets: [
        { ...MARKETS[0], active: { start: '25:00', end: '23:00' } },
        { ...MARKETS[1], timeZone: 'EST' },
        MARKETS[0],
      ],
      platforms: [
        {
          ...RULES.platforms[0],
          slots: [{ profile: 'DE', start: '07:00', end: '09:00', posts: 0, jitterMinutes: 10 }],
        },
        { ...RULES.platforms[1], mix: { reel: 0 } },
      ],
    });
    expect(bad.status).toBe(422);
    const fields = Object.fromEntries(
      (bad.body.error.details.fields as { path: string; message: string }[]).map((f) => [f.path, f.message]),
    );
    expect(fields['markets.0.active.start']).toMatch(/07:30/);
    expect(fields['markets.1.timeZone']).toMatch(/IANA/);
    expect(fields['platforms.0.slots.0.posts']).toMatch(/at least 1/);
    expect(fields['platforms.1.mix']).toMatch(/at least one content type/);
    // The saved rules are untouched by a refused change.
    expect((await admin.get(`/api/creators/${creatorId}/planner`)).body.platforms).toEqual(RULES.platforms);

    const unknown = await admin.put(`/api/creators/${creatorId}/planner`, {
      markets: [MARKETS[0], MARKETS[0]],
      platforms: [RULES.platforms[0], RULES.platforms[0]],
    });
    expect(unknown.status).toBe(422);
    const paths = (unknown.body.error.details.fields as { path: string }[]).map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining(['markets.1.id', 'platforms.1.platform', 'platforms.0.slots.2.profile']),
    );
  });

  it('answers the same rules at /schedule-rules, to admins and the creator’s managers only', async () => {
    const changed = {
      ...RULES,
      markets: RULES.markets.map((m) => ({ ...m, quiet: { start: '03:00', end: '06:00' } })),
    };
    const saved = await admin.put(`/api/creators/${creatorId}/schedule-rules`, changed);
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body).toMatchObject({ saved: true, markets: changed.markets, platforms: changed.platforms });
    expect((await admin.get(`/api/creators/${creatorId}/planner`)).body).toEqual(saved.body);
    expect((await admin.get(`/api/creators/${creatorId}/schedule-rules`)).body).toEqual(saved.body);
    const back = await admin.put(`/api/creators/${creatorId}/planner`, RULES);
    expect((await admin.get(`/api/creators/${creatorId}/schedule-rules`)).body).toEqual(back.body);

    const manager = await as('rules-manager@test.velvet', 'manager', [creatorId]);
    const outsider = await as('rules-outsider@test.velvet', 'manager', []);
    const chatter = await as('rules-chatter@test.velvet', 'chatter', [creatorId]);
    expect((await manager.put(`/api/creators/${creatorId}/schedule-rules`, RULES)).status).toBe(200);
    for (const client of [outsider, chatter]) {
      expect((await client.get(`/api/creators/${creatorId}/schedule-rules`)).status).toBe(403);
      expect((await client.put(`/api/creators/${creatorId}/schedule-rules`, RULES)).status).toBe(403);
    }
    const bad = await admin.put(`/api/creators/${creatorId}/schedule-rules`, { ...RULES, markets: 'FR' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path)).toContain('markets');
    expect((await admin.get(`/api/creators/${creatorId}/schedule-rules`)).body.markets).toEqual(
      RULES.markets,
    );
  });

  it('lets admins and the creator’s managers plan, and refuses chatters, models and other managers', async () => {
    const manager = await as('planner-manager@test.velvet', 'manager', [creatorId]);
    const outsider = await as('planner-outsider@test.velvet', 'manager', []);
    const chatter = await as('planner-chatter@test.velvet', 'chatter', [creatorId]);
    const model = await as('planner-model@test.velvet', 'model', [creatorId]);
    expect((await manager.get(`/api/creators/${creatorId}/planner`)).status).toBe(200);
    expect((await manager.post(`/api/creators/${creatorId}/plan`, { days: 1 })).status).toBe(200);
    for (const client of [outsider, chatter, model]) {
      expect((await client.get(`/api/creators/${creatorId}/planner`)).status).toBe(403);
      expect((await client.put(`/api/creators/${creatorId}/planner`, RULES)).status).toBe(403);
      expect((await client.post(`/api/creators/${creatorId}/plan`, {})).status).toBe(403);
      const accept = await client.post(`/api/creators/${creatorId}/plan/accept`, {
        items: [
          {
            contentId: `media:${creatorId}`,
            platform: 'instagram',
            accountId: instagram,
            at: new Date(Date.now() + 86_400_000).toISOString(),
            timeZone: 'Europe/Paris',
          },
        ],
      });
      expect(accept.status).toBe(403);
    }
  });

  /** Checks a week's proposal: market hours, the rule windows and one reel a day per platform. */
  const checkWeek = (items: Item[], dates: string[]) => {
    const windows: Record<string, { profile: string; start: string; end: string }[]> = {
      instagram: RULES.platforms[0]!.slots,
      tiktok: RULES.platforms[1]!.slots,
    };
    for (const item of items) {
      const at = new Date(item.at);
      // The local time said is the wall clock of that market at that instant, on both sides of the change.
      const minute = localMinutes(at, item.timeZone);
      expect(`${localDate(at, item.timeZone)} ${item.localTime}`).toBe(
        `${item.date} ${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`,
      );
      expect(
        minute,
        `${item.platform} ${item.date} ${item.localTime} is in quiet hours`,
      ).toBeGreaterThanOrEqual(minutes('07:00'));
      expect(minute).toBeLessThan(minutes('23:00'));
      const inRule = windows[item.platform]!.some(
        (w) =>
          MARKETS.find((m) => m.id === w.profile)!.timeZone === item.timeZone &&
          minute >= minutes(w.start) &&
          minute < minutes(w.end),
      );
      expect(inRule, `${item.platform} ${item.date} ${item.localTime} ${item.timeZone}`).toBe(true);
    }
    for (const platform of ['instagram', 'tiktok'])
      for (const date of dates) {
        const reels = items.filter(
          (i) => i.platform === platform && i.reel && localDate(new Date(i.at), 'Europe/Paris') === date,
        );
        expect(reels, `${platform} reels on ${date}`).toHaveLength(1);
        expect(reels[0]!.kind).toBe('reel');
      }
  };

  it('plans DST weeks in France and the US: nothing in quiet hours, one reel a day on each platform', async () => {
    // 14 March 2027: the US springs forward; 28 March: France does.
    for (const start of ['2027-03-10', '2027-03-25']) {
      const plan = await admin.post(`/api/creators/${creatorId}/plan`, { start, days: 7 });
      expect(plan.status, JSON.stringify(plan.body)).toBe(200);
      const items = plan.body.items as Item[];
      const dates = Array.from({ length: 7 }, (_, d) =>
        new Date(Date.UTC(2027, 2, Number(start.slice(8)) + d)).toISOString().slice(0, 10),
      );
      checkWeek(items, dates);
      expect(plan.body.reelGaps).toEqual([]);
      // Photos come first in the mix: all ten go to Instagram's slots, reels fill the rest.
      expect(items.filter((i) => i.kind === 'text_photo')).toHaveLength(10);
      const onInstagram = items.filter((i) => i.platform === 'instagram').length;
      const unfilled = plan.body.unfilled.filter((u: { platform: string }) => u.platform === 'instagram');
      expect(onInstagram + unfilled.length).toBe(7 * 3);
    }
    // A proposal writes nothing.
    expect((await admin.get(`/api/creators/${creatorId}/posts`)).body.posts).toEqual([]);
  });

  it('schedules an accepted week, and reports what can no longer be placed', async () => {
    const plan = await admin.post(`/api/creators/${creatorId}/plan`, {});
    expect(plan.status).toBe(200);
    const items = plan.body.items as Item[];
    expect(items.length).toBeGreaterThan(10);
    const body = {
      items: items.map(({ contentId, platform, accountId, at, timeZone }) => ({
        contentId,
        platform,
        accountId,
        at,
        timeZone,
      })),
    };
    // One more, placed by hand at 03:30 in Paris: quiet hours.
    const quiet = new Date(items[0]!.at);
    const quietAt = new Date(
      Date.UTC(quiet.getUTCFullYear(), quiet.getUTCMonth(), quiet.getUTCDate() + 2, 1, 30),
    ).toISOString();
    const extra = { ...body.items[0]!, at: quietAt, timeZone: 'Europe/Paris' };
    const accepted = await admin.post(`/api/creators/${creatorId}/plan/accept`, {
      items: [...body.items, extra],
    });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.scheduled).toHaveLength(items.length);
    expect(accepted.body.notPlaced).toEqual([
      expect.objectContaining({
        contentId: extra.contentId,
        at: quietAt,
        reason: expect.stringMatching(/quiet hours/),
      }),
    ]);

    const posts = (await admin.get(`/api/creators/${creatorId}/posts?limit=200`)).body.posts as {
      kind: string;
      targets: { accountId: string; state: string; scheduledAt: string; timeZone: string }[];
    }[];
    const targets = posts.flatMap((p) => p.targets);
    expect(targets).toHaveLength(items.length);
    expect(targets.every((t) => t.state === 'scheduled')).toBe(true);
    for (const item of items)
      expect(targets).toContainEqual(
        expect.objectContaining({ accountId: item.accountId, scheduledAt: item.at, timeZone: item.timeZone }),
      );
    expect(targets.filter((t) => t.accountId === tiktok).length).toBeGreaterThan(0);

    // Accepting the same proposal again places nothing, and says why for every item.
    const again = await admin.post(`/api/creators/${creatorId}/plan/accept`, body);
    expect(again.body.scheduled).toEqual([]);
    expect(again.body.notPlaced).toHaveLength(items.length);
    for (const refused of again.body.notPlaced as { reason: string }[])
      expect(refused.reason).toMatch(/another post is on|no longer|used by a post/);

    // The next plan counts what is now on the calendar: its slots are taken.
    const next = await admin.post(`/api/creators/${creatorId}/plan`, {});
    expect(next.body.items).toEqual([]);
  });

  it('places one set of posts when two admins on two hubs accept the same plan at once', async () => {
    // A second hub on the same database and Redis: the lock must hold across processes.
    const other = await startTestHub({
      env: { DATABASE_URL: hub.ctx.env.DATABASE_URL!, VELVET_REDIS_PREFIX: hub.ctx.redisPrefix },
    });
    try {
      const mia = (await admin.post('/api/creators', creatorBody('Mia'))).body.id as string;
      const feed = await account(mia, 'instagram');
      await admin.put(`/api/creators/${mia}/planner`, {
        markets: [MARKETS[0]],
        platforms: [
          {
            platform: 'instagram',
            slots: [{ profile: 'FR', start: '08:00', end: '20:00', posts: 3, jitterMinutes: 10 }],
            mix: { text_photo: 1 },
            dailyReel: false,
          },
        ],
      });
      for (let i = 0; i < 6; i++) {
        const photo = await sharp({
          create: {
            width: 1080,
            height: 1350,
            channels: 3,
            background: `#${(0x405060 + i * 0x0a0a0a).toString(16)}`,
          },
        })
          .jpeg()
          .toBuffer();
        await upload(mia, photo, `mia-${i}.jpg`);
      }
      const plan = await admin.post(`/api/creators/${mia}/plan`, { days: 3 });
      const items = (plan.body.items as Item[]).map(({ contentId, platform, accountId, at, timeZone }) => ({
        contentId,
        platform,
        accountId,
        at,
        timeZone,
      }));
      expect(items).toHaveLength(6);
      const second = new Client(other.url);
      await second.login(ADMIN.email, ADMIN.password);
      const [a, b] = await Promise.all([
        admin.post(`/api/creators/${mia}/plan/accept`, { items }),
        second.post(`/api/creators/${mia}/plan/accept`, { items }),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      const scheduled = [...a.body.scheduled, ...b.body.scheduled];
      expect(scheduled).toHaveLength(6);
      // Whichever came second placed nothing, and says why for every item.
      const loser = a.body.scheduled.length ? b : a;
      expect(loser.body.notPlaced).toHaveLength(6);

      const posts = (await admin.get(`/api/creators/${mia}/posts?limit=50`)).body.posts as {
        mediaIds: string[];
        targets: { accountId: string; state: string }[];
      }[];
      expect(posts).toHaveLength(6);
      expect(new Set(posts.flatMap((p) => p.mediaIds)).size).toBe(6);
      expect(posts.flatMap((p) => p.targets)).toEqual(
        Array.from({ length: 6 }, () => expect.objectContaining({ accountId: feed, state: 'scheduled' })),
      );
    } finally {
      await other.stop();
    }
  }, 60_000);
});
