// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTikTokStandin, type TikTokStandin } from '@velvet/platforms/testing/tiktok';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { verticalVideo } from './publishing-fixtures';

const CLIENT = { clientKey: 'velvetuitiktokkey', clientSecret: 'velvet-ui-tiktok-secret-0001' };
const PUBLIC_URL = 'https://hub.test.velvet';

/**
 * Connecting TikTok from the Accounts screen through TikTok's consent page (the stand-in),
 * and seeing, before anything is posted, that an unaudited app posts privately: under the
 * connect button, on the connected account (with the privacy levels TikTok allows it), in
 * the post editor once the account is chosen, and under the calendar.
 */
describe('TikTok on the Accounts screen and in the post editor', () => {
  let tiktok: TikTokStandin;
  let hub: TestHub;
  let browser: Browser;
  let creatorId = '';

  beforeAll(async () => {
    tiktok = await startTikTokStandin(CLIENT);
    hub = await startTestHub({
      ui: true,
      publicUrl: PUBLIC_URL,
      env: {
        TIKTOK_API_ROOT: tiktok.apiRoot,
        TIKTOK_AUTH_ROOT: tiktok.authRoot,
        TIKTOK_CLIENT_KEY: CLIENT.clientKey,
        TIKTOK_CLIENT_SECRET: CLIENT.clientSecret,
      },
    });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await tiktok?.close();
  });

  it('connects by TikTok’s consent page and says plainly that posts go out private', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    // PUBLIC_URL is the hub's public address: here, a proxy in front of the test hub. TikTok's
    // consent page (the stand-in) sends the browser there; the proxy is played by rewriting it.
    await page.route(`${tiktok.authRoot}/v2/auth/authorize/**`, async (route) => {
      const consent = await route.fetch({ maxRedirects: 0 });
      const location = consent.headers().location ?? '';
      await route.fulfill({
        status: consent.status(),
        headers: { location: location.replace(PUBLIC_URL, hub.url) },
      });
    });
    await signIn(page, hub.url, ADMIN, '/home');
    await page.goto(`${hub.url}/accounts?creator=${creatorId}`);
    const button = page.locator('[data-oauth="tiktok"]');
    await button.getByRole('button', { name: 'Connect TikTok' }).waitFor();
    expect(await button.locator('[data-platform-notice="tiktok"]').textContent()).toContain(
      'TikTok has not audited this hub’s app yet: every post goes out private (SELF_ONLY, only the creator sees it)',
    );

    await button.getByRole('button', { name: 'Connect TikTok' }).click();
    await page.waitForURL('**/accounts?connected=*');
    await page.getByText('TikTok account connected.').waitFor();
    const row = page.locator('[data-account]').filter({ hasText: '@lina.tok' });
    await row.waitFor();
    expect(await row.locator('[data-platform-notice="tiktok"]').textContent()).toContain(
      'every post goes out private',
    );
    expect(await row.locator('[data-account-notice]').textContent()).toBe(
      'TikTok lets this account post to: everyone, friends, only the creator.',
    );
    // TikTok's consent page was asked with the app's key and the posting scope.
    const consent = tiktok.calls.find((c) => c.route === '/v2/auth/authorize/')!;
    expect(new URL(consent.path, 'http://x').searchParams.get('scope')).toContain('video.publish');

    await page.goto(`${hub.url}/posts/new?creator=${creatorId}`);
    const editor = page.locator('[data-post-editor]');
    await editor.waitFor();
    expect(await editor.locator('[data-platform-notice="tiktok"]').count()).toBe(0);
    await editor.getByLabel(/TikTok · @lina\.tok/).check();
    await editor.locator('[data-platform-notice="tiktok"]').waitFor();
    expect(await editor.locator('[data-platform-notice="tiktok"]').textContent()).toContain(
      'every post goes out private (SELF_ONLY',
    );

    // A reel scheduled for TikTok: the calendar says, under the week, that it goes out private.
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const accountId = (await admin.get(`/api/creators/${creatorId}/accounts`)).body.accounts[0].id;
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(verticalVideo(10))]), 'reel.mp4');
    const uploaded = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    const videoId = ((await uploaded.json()) as { id: string }).id;
    const post = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'reel',
      text: 'Coulisses',
      mediaIds: [videoId],
      accountIds: [accountId],
    });
    const at = new Date(Date.now() + 26 * 3600_000);
    const scheduled = await admin.post(`/api/posts/${post.body.id}/schedule`, { at: at.toISOString() });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    await page.goto(
      `${hub.url}/calendar?view=week&date=${at.toISOString().slice(0, 10)}&creator=${creatorId}`,
    );
    await page.locator('[data-target="tiktok"]').first().waitFor();
    expect(
      await page.locator('[data-calendar-notices] [data-platform-notice="tiktok"]').textContent(),
    ).toContain('every post goes out private');
    await context.close();
  }, 90_000);
});
