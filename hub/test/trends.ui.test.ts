// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accountsRepo } from '@velvet/shared';
import { startXStandin, type XStandin } from '@velvet/platforms/testing/x';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const APP_BEARER = 'AAAAAAAAAAAAAAAAAAAAAvelvet-ui-app-bearer';

/**
 * The post editor's trends and the creator panel's auto-like settings in Chromium, against a
 * real hub whose X publisher asks the X stand-in: worldwide X trends shown and added to the
 * hashtags with a click, the own-hashtags note when there is no data, and auto-like's switch,
 * its platforms note and the "why not farm accounts" answer.
 */
describe('trends in the post editor and auto-like in the panel, in Chromium', () => {
  let x: XStandin;
  let hub: TestHub;
  let browser: Browser;
  let creatorId = '';

  beforeAll(async () => {
    x = await startXStandin({
      clientId: 'velvet-ui-x-client',
      appBearer: APP_BEARER,
      trends: { 1: [{ trend_name: '#Paris', tweet_count: 4200 }, { trend_name: 'Nuit Blanche' }] },
    });
    hub = await startTestHub({
      ui: true,
      env: { X_API_ROOT: x.apiRoot, X_AUTH_ROOT: x.authRoot, X_BEARER_TOKEN: APP_BEARER },
    });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    await accountsRepo.create(hub.ctx.db, {
      creatorId,
      platform: 'x',
      label: 'Lina on X',
      credentialsEnc: hub.ctx.secrets.credentials.sealJson({ token: 'x-token' }),
      settings: {},
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await x?.close();
  });

  it('shows X trends beside the hashtags and adds one with a click', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, '/home');
    await page.goto(`${hub.url}/posts/new?creator=${creatorId}`);
    const editor = page.locator('[data-post-editor]');
    await editor.waitFor();
    await editor.getByText('Trends and your hashtags').click();
    const onX = editor.locator('[data-trends-platform="x"]');
    await onX.getByText('Trending on X').waitFor();
    expect(await onX.locator('[data-trend]').allTextContents()).toEqual([
      '#Paris4,200 posts',
      'Nuit Blanche',
    ]);
    await editor.getByLabel('Hashtags').fill('plage');
    await onX.locator('[data-trend="#Paris"]').click();
    await onX.locator('[data-trend="Nuit Blanche"]').click();
    expect(await editor.getByLabel('Hashtags').inputValue()).toBe('plage #Paris #NuitBlanche');
    // Nothing is published yet: the editor says there is not enough data to rank her hashtags.
    expect(await editor.locator('[data-own-hashtags-note]').textContent()).toContain('Not enough data yet');
    await context.close();
  });

  it('offers auto-like off by default, says why not on Instagram and TikTok, and why no farm accounts', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, '/home');
    await page.evaluate(() => localStorage.setItem('velvet.lang', 'fr'));
    await page.goto(`${hub.url}/creators`);
    await page.getByRole('button', { name: 'Automatisation Lina' }).click();
    const section = page.locator('[data-auto-like]');
    await section.waitFor();
    expect(await section.getByRole('checkbox').isChecked()).toBe(false);
    expect(await section.locator('[data-auto-like-platforms]').textContent()).toContain(
      'Instagram et TikTok',
    );
    await section.getByText('Pourquoi ne pas aimer ou partager depuis d’autres comptes').click();
    expect(await section.locator('[data-why-not-farm]').textContent()).toContain(
      'Velvet n’aime ni ne partage jamais depuis d’autres comptes',
    );
    await context.close();
  });
});
