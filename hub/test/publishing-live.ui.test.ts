// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startLocalPds, type LocalPds } from '@velvet/platforms/testing/bluesky';
import { localDate } from '@velvet/shared';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, record, type InboxClient } from './stack';

/**
 * The calendar and the posts list follow the publishing engine live: a post scheduled by
 * someone else appears, and turns published (with its link on Bluesky) without a reload.
 * Only people allowed to see the creator hear of it.
 */
describe('publishing views update live in Chromium', () => {
  let pds: LocalPds;
  let hub: TestHub;
  let browser: Browser;
  let admin: Client;
  let lina: string;
  let accountId: string;
  let outsider: InboxClient;
  let outsiderEvents: { event: string; payload: any }[];
  let insider: InboxClient;
  let insiderEvents: { event: string; payload: any }[];

  const openAs = async (landing: string): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, landing);
    return page;
  };

  beforeAll(async () => {
    pds = await startLocalPds();
    const account = await pds.createAccount('lina');
    hub = await startTestHub({ ui: true, workers: true, env: { BLUESKY_SERVICE: pds.url } });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    lina = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const other = (await admin.post('/api/creators', creatorBody('Zoé'))).body.id;
    const connected = await admin.post(`/api/creators/${lina}/accounts`, {
      platform: 'bluesky',
      credentials: { identifier: account.handle, password: account.appPassword },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    accountId = connected.body.id;

    // A manager of another creator must hear nothing of Lina's posts; Lina's manager does.
    const otherManager = await hub.createUser('zoe-manager@test.velvet', 'manager', [other]);
    const linaManager = await hub.createUser('lina-manager@test.velvet', 'manager', [lina]);
    const tokenOf = async (user: { email: string; password: string }) => {
      const client = new Client(hub.url);
      await client.login(user.email, user.password);
      return client.token;
    };
    outsider = await inboxClient(hub.url, await tokenOf(otherManager));
    outsiderEvents = record(outsider);
    insider = await inboxClient(hub.url, await tokenOf(linaManager));
    insiderEvents = record(insider);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    outsider?.disconnect();
    insider?.disconnect();
    await browser?.close();
    await hub?.stop();
    await pds?.close();
  });

  it('shows a post scheduled elsewhere, then published with its link, without a reload', async () => {
    const posts = await openAs('/posts');
    const calendar = await openAs('/calendar');
    await calendar.goto(`${hub.url}/calendar?view=week&creator=${lina}`);
    await calendar.locator('[data-calendar]').waitFor();
    await posts.locator('select#posts-creator').selectOption(lina);
    await posts.getByText(/no post yet for lina/i).waitFor();
    // Nothing in either page reloads from here on: a reload would reset this mark.
    for (const page of [posts, calendar]) await page.evaluate(() => ((window as any).__kept = true));

    // Another person (here, the API) writes and schedules a post a few seconds ahead.
    const created = await admin.post(`/api/creators/${lina}/posts`, {
      kind: 'text',
      text: 'Bonsoir, live from the calendar',
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const postId = created.body.id as string;
    const at = new Date(Date.now() + 8_000);
    const scheduled = await admin.post(`/api/posts/${postId}/schedule`, {
      at: at.toISOString(),
      timeZone: 'Europe/Paris',
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);

    const row = posts.locator(`[data-post="${postId}"]`);
    await row.getByText('Bonsoir, live from the calendar').waitFor({ timeout: 5_000 });
    const chip = calendar.locator(`[data-chip][data-post="${postId}"] [data-target="bluesky"]`);
    // The week shown is this week in Paris: the post is on it (unless it is Sunday 23:59).
    if (localDate(at, 'Europe/Paris') === localDate(new Date(), 'Europe/Paris'))
      await expect.poll(() => chip.getAttribute('data-state'), { timeout: 5_000 }).toBe('scheduled');

    // The engine publishes it at its time: its state and its link on Bluesky appear.
    const link = row.getByRole('link', { name: /bluesky/i });
    await link.waitFor({ timeout: 30_000 });
    const stored = (await admin.get(`/api/posts/${postId}`)).body.targets[0];
    expect(stored.state).toBe('published');
    expect(await link.getAttribute('href')).toBe(stored.remoteUrl);
    expect(stored.remoteUrl).toMatch(/\/profile\/lina\.test\/post\//);
    if (localDate(at, 'Europe/Paris') === localDate(new Date(), 'Europe/Paris'))
      await expect.poll(() => chip.getAttribute('data-state'), { timeout: 5_000 }).toBe('published');
    for (const page of [posts, calendar])
      expect(await page.evaluate(() => (window as any).__kept)).toBe(true);

    // Lina's manager heard every step, in order; the other creator's manager nothing.
    const steps = insiderEvents
      .filter((e) => e.event === 'post:update' && e.payload.postId === postId)
      .map((e) => e.payload.status as string);
    expect(steps.filter((s, i) => s !== steps[i - 1])).toEqual([
      'draft',
      'scheduled',
      'publishing',
      'published',
    ]);
    expect(insiderEvents.findLast((e) => e.event === 'post:update')!.payload).toMatchObject({
      postId,
      creatorId: lina,
      accountId,
      platform: 'bluesky',
      status: 'published',
      url: stored.remoteUrl,
    });
    expect(outsiderEvents.filter((e) => e.event === 'post:update')).toEqual([]);
  }, 180_000);

  it('keeps an open post editor live: their edit, its publication, and never over unsaved text', async () => {
    const created = await admin.post(`/api/creators/${lina}/posts`, {
      kind: 'text',
      text: 'First words',
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const postId = created.body.id as string;
    const editor = await openAs(`/posts/${postId}`);
    const body = editor.locator('#post-text');
    await expect.poll(() => body.inputValue(), { timeout: 10_000 }).toBe('First words');
    await editor.evaluate(() => ((window as any).__kept = true));

    // Someone else edits it while the form holds nothing unsaved: the form shows their words.
    const theirs = await admin.patch(`/api/posts/${postId}`, {
      version: created.body.version,
      text: 'Their words',
    });
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
    await expect.poll(() => body.inputValue(), { timeout: 5_000 }).toBe('Their words');
    await editor
      .locator('[data-notice]')
      .getByText(/someone else changed this post/i)
      .waitFor();

    // Now the person types, and someone else edits again: the typed text stays, and saving it
    // over theirs is refused with the reason shown.
    await body.fill('My unsaved words');
    const again = await admin.patch(`/api/posts/${postId}`, {
      version: theirs.body.version,
      text: 'Newer words',
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    await editor
      .locator('[data-problem]')
      .getByText(/while you were editing/i)
      .waitFor({ timeout: 5_000 });
    expect(await body.inputValue()).toBe('My unsaved words');
    expect((await admin.get(`/api/posts/${postId}`)).body.text).toBe('Newer words');

    // Reloaded, then scheduled elsewhere a few seconds ahead: the target turns published here.
    await editor
      .locator('[data-problem]')
      .getByRole('button', { name: /reload/i })
      .click();
    await expect.poll(() => body.inputValue(), { timeout: 5_000 }).toBe('Newer words');
    const scheduled = await admin.post(`/api/posts/${postId}/schedule`, {
      at: new Date(Date.now() + 4_000).toISOString(),
      timeZone: 'Europe/Paris',
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    const badge = editor.locator(`[data-target="${accountId}"] [data-state]`);
    await expect.poll(() => badge.getAttribute('data-state'), { timeout: 30_000 }).toBe('published');
    expect(await editor.evaluate(() => (window as any).__kept)).toBe(true);
  }, 120_000);
});
