// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import http from 'node:http';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freePort, localDate } from '@velvet/shared';
import { startLocalPds, type LocalPds } from '@velvet/platforms/testing/bluesky';
import {
  startInstagramStandin,
  startOnlyFansStandin,
  type InstagramStandin,
  type OnlyFansStandin,
} from '@velvet/platforms/testing';
import { startTikTokStandin, type TikTokStandin } from '@velvet/platforms/testing/tiktok';
import { startXStandin, type XStandin } from '@velvet/platforms/testing/x';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { scheduledPost } from './publishing-fixtures';

const X_CLIENT = { clientId: 'velvet-five-x-client', clientSecret: 'velvet-five-x-secret-0001' };
const TIKTOK_CLIENT = { clientKey: 'velvetfivetiktokkey', clientSecret: 'velvet-five-tiktok-secret-0001' };
const IG_TOKEN = 'IGAAlinaFivePlatformsTokenForTheStandin01';
const IG_USER = '17841400000000005';
const OF_KEY = 'ofapi_five_platforms_key_0123456789abcdef';
const OF_ACCOUNT = 'acct_five_platforms01';
const PLATFORMS = ['bluesky', 'x', 'instagram', 'tiktok', 'onlyfans'] as const;
const TEXT = 'Five platforms, one golden hour';

/**
 * Issue 20's "done when": one post with a photo, scheduled for Bluesky (a real local PDS), X,
 * Instagram, TikTok and OnlyFans (their stand-ins), goes out once on each at its time; each
 * target is published with its address, and the calendar's week shows each one's state and
 * link. Instagram and TikTok fetch the photo from the hub's public address (PUBLIC_URL): here
 * a relay on loopback in front of the test hub, as nginx is in production.
 */
describe('one post on five platforms, seen on the calendar in Chromium', () => {
  let pds: LocalPds;
  let x: XStandin;
  let ig: InstagramStandin;
  let tiktok: TikTokStandin;
  let of: OnlyFansStandin;
  let relay: http.Server;
  let hub: TestHub;
  let browser: Browser;
  let admin: Client;
  let creatorId: string;
  let did: string;
  const accountIds: Record<string, string> = {};

  /** Connects by OAuth from the panel's route: the platform's consent page sends back to the hub. */
  const connectByOAuth = async (platform: 'x' | 'tiktok') => {
    const started = await admin.get(`/api/creators/${creatorId}/accounts/oauth/${platform}`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const back = await fetch(consent.headers.get('location')!, { redirect: 'manual' });
    const landing = new URL(back.headers.get('location')!, hub.url);
    expect(landing.pathname).toBe('/accounts');
    return landing.searchParams.get('connected')!;
  };
  const connect = async (platform: string, credentials: Record<string, string>) => {
    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, { platform, credentials });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    return connected.body.id as string;
  };

  beforeAll(async () => {
    pds = await startLocalPds();
    const bluesky = await pds.createAccount('lina');
    did = bluesky.did;
    x = await startXStandin(X_CLIENT);
    ig = await startInstagramStandin({
      accounts: { [IG_TOKEN]: { igUserId: IG_USER, username: 'lina.ig' } },
    });
    // An audited app (TIKTOK_APP_AUDITED below): the post is public, with an id and an address.
    tiktok = await startTikTokStandin({ ...TIKTOK_CLIENT, audited: true, processingPolls: 1 });
    of = await startOnlyFansStandin({
      keys: { [OF_KEY]: [OF_ACCOUNT] },
      usernames: { [OF_ACCOUNT]: 'lina_of' },
    });

    const publicPort = await freePort();
    let hubUrl = '';
    relay = http.createServer((req, res) => {
      const upstream = http.request(
        new URL(req.url ?? '/', hubUrl),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => relay.listen(publicPort, '127.0.0.1', resolve));
    hub = await startTestHub({
      ui: true,
      workers: true,
      publicUrl: `http://127.0.0.1:${publicPort}`,
      env: {
        BLUESKY_SERVICE: pds.url,
        X_API_ROOT: x.apiRoot,
        X_AUTH_ROOT: x.authRoot,
        X_CLIENT_ID: X_CLIENT.clientId,
        X_CLIENT_SECRET: X_CLIENT.clientSecret,
        INSTAGRAM_API_ROOT: ig.apiRoot,
        TIKTOK_API_ROOT: tiktok.apiRoot,
        TIKTOK_AUTH_ROOT: tiktok.authRoot,
        TIKTOK_CLIENT_KEY: TIKTOK_CLIENT.clientKey,
        TIKTOK_CLIENT_SECRET: TIKTOK_CLIENT.clientSecret,
        TIKTOK_APP_AUDITED: 'true',
        ONLYFANS_API_ROOT: of.apiRoot,
      },
    });
    hubUrl = hub.url;
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;

    accountIds.bluesky = await connect('bluesky', {
      identifier: bluesky.handle,
      password: bluesky.appPassword,
    });
    accountIds.x = await connectByOAuth('x');
    accountIds.instagram = await connect('instagram', { igUserId: IG_USER, igAccessToken: IG_TOKEN });
    accountIds.tiktok = await connectByOAuth('tiktok');
    accountIds.onlyfans = await connect('onlyfans', {
      apiKey: OF_KEY,
      accountId: OF_ACCOUNT,
      webhookSecret: 'five-platforms-webhook-signing-secret',
    });
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await new Promise((resolve) => relay?.close(resolve));
    await Promise.all([pds?.close(), x?.close(), ig?.close(), tiktok?.close(), of?.close()]);
  });

  it('publishes once on each platform, and the week shows each target published with its link', async () => {
    // A 4:5 JPEG with alt text: what every one of the five takes as a photo post.
    const photo = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#e07055' } })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(photo)], { type: 'image/jpeg' }), 'golden.jpg');
    form.set('alt', 'An orange sky over the sea');
    const uploaded = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const mediaId = ((await uploaded.json()) as { id: string }).id;

    const at = new Date(Date.now() + 6_000);
    const postId = await scheduledPost(
      admin,
      creatorId,
      {
        kind: 'text_photo',
        text: TEXT,
        mediaIds: [mediaId],
        accountIds: PLATFORMS.map((p) => accountIds[p]!),
      },
      at,
    );

    // The week holding the post, in the creator's zone, opened before it goes out.
    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'Europe/Paris',
      viewport: { width: 1440, height: 900 },
    });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, '/home');
    await page.goto(
      `${hub.url}/calendar?view=week&date=${localDate(at, 'Europe/Paris')}&creator=${creatorId}`,
    );
    const chip = page.locator(`[data-chip][data-post="${postId}"]`);
    await chip.waitFor({ timeout: 10_000 });
    expect(await chip.locator('[data-target]').count()).toBe(5);

    // Each target turns published in the calendar, live.
    for (const platform of PLATFORMS)
      await expect
        .poll(() => chip.locator(`[data-target="${platform}"]`).getAttribute('data-state'), {
          timeout: 60_000,
        })
        .toBe('published');

    // Velvet's side: each target published with its address.
    const post = (await admin.get(`/api/posts/${postId}`)).body;
    const target = (platform: string) =>
      post.targets.find((t: { accountId: string }) => t.accountId === accountIds[platform]);
    for (const platform of PLATFORMS)
      expect(target(platform), platform).toMatchObject({ state: 'published', remoteUrl: expect.any(String) });

    // The platforms' side: exactly one post each, the one Velvet points at.
    const onPds = await pds.posts(did);
    expect(onPds.map((p) => p.text)).toEqual([TEXT]);
    expect(onPds[0]!.images).toHaveLength(1);
    expect(target('bluesky').remoteUrl).toBe(`https://bsky.app/profile/lina.test/post/${onPds[0]!.rkey}`);
    expect(x.posts.map((p) => p.text)).toEqual([TEXT]);
    expect(x.posts[0]!.mediaIds).toHaveLength(1);
    expect(target('x').remoteUrl).toBe(`https://x.com/lina_x/status/${x.posts[0]!.id}`);
    expect(ig.posts.map((p) => [p.caption, p.mediaType])).toEqual([[TEXT, 'IMAGE']]);
    expect(target('instagram').remoteUrl).toBe(ig.posts[0]!.permalink);
    const onTikTok = tiktok.published();
    expect(onTikTok.map((p) => [p.kind, p.description])).toEqual([['photo', TEXT]]);
    expect(target('tiktok').remoteUrl).toBe(`https://www.tiktok.com/@lina.tok/photo/${onTikTok[0]!.postId}`);
    expect(of.posts.map((p) => p.text)).toEqual([TEXT]);
    expect(target('onlyfans').remoteUrl).toBe(`https://onlyfans.com/${of.posts[0]!.id}/lina_of`);

    // The calendar links each published target to its post on the platform.
    const key = await chip.getAttribute('data-chip');
    const links = page.locator(`[data-chip-links="${key}"]`);
    for (const platform of PLATFORMS) {
      const link = links.locator(`a[data-link="${platform}"]`);
      await expect
        .poll(() => link.getAttribute('href'), { timeout: 10_000 })
        .toBe(target(platform).remoteUrl);
      expect(await link.getAttribute('target')).toBe('_blank');
    }
    await context.close();
  }, 180_000);
});
