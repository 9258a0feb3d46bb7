import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXStandin, type XStandin } from '@velvet/platforms/testing/x';
import { Client, creatorBody } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

const CLIENT = { clientId: 'velvet-e2e-x-client', clientSecret: 'velvet-e2e-x-secret-0002' };
const APP_BEARER = 'AAAAAAAAAAAAAAAAAAAAAvelvet-e2e-app-bearer';
const PASSWORD = 'password-123456';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Trends in the post editor and auto-like of friendly replies, through a real hub and workers
 * process against the X stand-in: X trends for a place (kept, not asked twice), the creator's
 * own hashtags; then, once the creator turns auto-like on, only the friendly replies to her
 * published post are liked, once each, within her budget, each like in the activity log.
 */
describe('trends and auto-like through hub and workers (X stand-in)', () => {
  let x: XStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let accountId: string;
  let postId: string;
  const fan = (n: number) => ({ id: `20000000000000000${10 + n}`, username: `fan_${n}` });

  beforeAll(async () => {
    x = await startXStandin({
      ...CLIENT,
      appBearer: APP_BEARER,
      trends: { 615702: [{ trend_name: '#Paris', tweet_count: 4200 }, { trend_name: 'Nuit Blanche' }] },
    });
    stack = await Stack.create({
      env: {
        LOG_LEVEL: 'info',
        X_API_ROOT: x.apiRoot,
        X_AUTH_ROOT: x.authRoot,
        X_CLIENT_ID: CLIENT.clientId,
        X_CLIENT_SECRET: CLIENT.clientSecret,
        X_BEARER_TOKEN: APP_BEARER,
      },
      config: (yaml) => yaml.replace(/auto_like_every: 10m/, 'auto_like_every: 1s'),
    });
    hub = await stack.start('hub', {}, { startTimeoutMs: 90_000 });
    await stack.start('workers', {}, { startTimeoutMs: 90_000 });
    admin = await stack.admin(hub.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;

    const started = await admin.get(`/api/creators/${creatorId}/accounts/oauth/x`);
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const back = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    accountId = new URL(back.headers.get('location')!, hub.url).searchParams.get('connected')!;
    expect(accountId).toBeTruthy();

    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text: 'Nouvelle série photo ce soir',
      hashtags: ['lingerie', 'paris'],
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    postId = created.body.id;
    await admin.post(`/api/posts/${postId}/schedule`, { at: new Date(Date.now() + 1000).toISOString() });
    await until(
      async () => {
        const target = (await admin.get(`/api/posts/${postId}`)).body.targets[0];
        return target.state === 'published' ? target : undefined;
      },
      30_000,
      'post published',
    );
  }, 240_000);

  afterAll(async () => {
    await stack?.destroy();
    await x?.close();
  });

  it('shows X trends for a place and her own hashtags, asking X once while they are kept', async () => {
    const first = await admin.get(`/api/creators/${creatorId}/trends?location=615702`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.platforms).toEqual([
      expect.objectContaining({
        platform: 'x',
        state: 'ok',
        trends: [
          { name: '#Paris', volume: 4200, url: 'https://x.com/search?q=%23Paris' },
          { name: 'Nuit Blanche', url: 'https://x.com/search?q=Nuit%20Blanche' },
        ],
      }),
    ]);
    expect(first.body.ownHashtags).toEqual({
      basis: 'none',
      tags: expect.arrayContaining([
        { tag: 'lingerie', posts: 1 },
        { tag: 'paris', posts: 1 },
      ]),
    });
    await admin.get(`/api/creators/${creatorId}/trends?location=615702`);
    expect(x.calls.filter((c) => c.route === '/2/trends/by/woeid/615702')).toHaveLength(1);
    // The app's bearer token never shows.
    expect(JSON.stringify(first.body)).not.toContain(APP_BEARER);

    const bad = await admin.get(`/api/creators/${creatorId}/trends?location=paris`);
    expect(bad.status).toBe(422);
    await admin.post('/api/users', {
      email: 'chatter@trends.test',
      password: PASSWORD,
      role: 'chatter',
      creatorIds: [creatorId],
    });
    const chatter = new Client(hub.url!);
    expect((await chatter.login('chatter@trends.test', PASSWORD)).status).toBe(200);
    expect((await chatter.get(`/api/creators/${creatorId}/trends`)).status).toBe(403);
  });

  it('likes nothing while auto-like is off (the default)', async () => {
    const remoteId = (await admin.get(`/api/posts/${postId}`)).body.targets[0].remoteId as string;
    x.reply(remoteId, fan(0), 'Magnifique photo, bravo !');
    await sleep(3500);
    expect(x.likes).toEqual([]);
    expect(x.calls.some((c) => c.route === '/2/tweets/search/recent')).toBe(false);
  });

  it('likes only friendly replies, once each, within the budget, each in the activity log', async () => {
    const remoteId = (await admin.get(`/api/posts/${postId}`)).body.targets[0].remoteId as string;
    const friendly = [
      x.posts.find((p) => p.text === 'Magnifique photo, bravo !')!,
      x.reply(remoteId, fan(1), 'Trop belle 😍'),
      x.reply(remoteId, fan(2), 'You look amazing, love this'),
    ];
    const refused = [
      x.reply(remoteId, fan(3), 'Tu es nulle, arrête de poster ces photos'),
      x.reply(remoteId, fan(4), 'j’ai 15 ans et t’es trop belle'),
      x.reply(remoteId, fan(5), 'Gagne 500€ par jour en cliquant ici http://bit.ly/xyz promo crypto'),
    ];

    const on = await admin.patch(`/api/creators/${creatorId}`, {
      automation: { autoLike: { enabled: true, dailyBudget: 2 } },
    });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    await until(async () => (x.likes.length >= 2 ? true : undefined), 30_000, 'two likes');
    // Several more runs: the budget of 2 holds.
    await sleep(4000);
    expect(x.likes).toHaveLength(2);

    const more = await admin.patch(`/api/creators/${creatorId}`, {
      automation: { autoLike: { enabled: true, dailyBudget: 10 } },
    });
    expect(more.status).toBe(200);
    await until(async () => (x.likes.length >= 3 ? true : undefined), 30_000, 'three likes');
    await sleep(4000);
    // Every friendly reply liked exactly once; never the hostile, minor or spam ones.
    expect([...x.likes].sort()).toEqual(friendly.map((p) => p.id).sort());
    for (const reply of refused) expect(x.likes).not.toContain(reply.id);

    const log = await admin.get(`/api/activity?creatorId=${creatorId}&action=reply.auto_like`);
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    expect(log.body.entries).toHaveLength(3);
    expect(log.body.entries[0]).toMatchObject({ action: 'reply.auto_like', actor: { kind: 'automation' } });
  });

  it('refuses a budget out of range and keeps what was saved', async () => {
    const bad = await admin.patch(`/api/creators/${creatorId}`, {
      automation: { autoLike: { enabled: true, dailyBudget: 0 } },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('autoLike');
    const creator = await admin.get(`/api/creators/${creatorId}`);
    expect(creator.body.automation.autoLike).toEqual({ enabled: true, dailyBudget: 10 });
  });
});
