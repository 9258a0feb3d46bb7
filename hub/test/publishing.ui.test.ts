// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { accountsRepo, addDays, localDate, measurePostText, zonedInstant } from '@velvet/shared';
import { PUBLISH_PROFILES } from '@velvet/platforms';
import { launchChromium, overflow, phoneProblems, signIn } from './browser';
import { ADMIN, Client, creatorBody, ROOT, startTestHub, type TestHub } from './harness';
import { until } from './stack';

const SHOTS = path.join(ROOT, 'inbox-ui/test-results');

/**
 * The content library and the post editor in Chromium against a real hub and its workers:
 * a photo uploaded and shown, a post refused on the one account whose rules it breaks,
 * fixed with that platform's own text, scheduled, and its states shown, on a desk and a phone.
 */
describe('content and posts screens in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let admin: Client;
  let creatorId = '';
  let feedId = '';
  let xId = '';
  let postId = '';
  let files: string;
  const manager = { email: 'nina@test.velvet', password: '' };
  const model = { email: 'lina@test.velvet', password: '' };

  const openAs = async (user: { email: string; password: string }, width: number, landing: string) => {
    const phone = width < 640 ? { isMobile: true, hasTouch: true } : {};
    const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 900 }, ...phone });
    const page = await context.newPage();
    await signIn(page, hub.url, user, landing);
    return page;
  };
  const go = async (page: Page, route: string) => {
    await page.goto(`${hub.url}${route}`);
    await page.locator('h1').waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(path.join(os.tmpdir(), 'velvet-content-'));
    const photo = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: '#8e44ad' } })
      .jpeg()
      .toBuffer();
    writeFileSync(path.join(files, 'beach.jpg'), photo);
    writeFileSync(path.join(files, 'notes.jpg'), 'these are notes, not a photo');
    hub = await startTestHub({ ui: true, workers: true });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const feed = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'content-ui-sandbox-token' },
      label: 'Feed',
    });
    expect(feed.status, JSON.stringify(feed.body)).toBe(201);
    feedId = feed.body.id;
    // X is connected by its publisher; its rules already hold, which is all scheduling checks.
    xId = (
      await accountsRepo.create(hub.ctx.db, {
        creatorId,
        platform: 'x',
        label: 'Lina on X',
        credentialsEnc: hub.ctx.secrets.credentials.sealJson({ token: 'x-token' }),
        settings: {},
      })
    ).id;
    manager.password = (await hub.createUser(manager.email, 'manager', [creatorId])).password;
    model.password = (await hub.createUser(model.email, 'model', [creatorId])).password;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('uploads a photo and shows its thumbnail; a file that is not one is refused with the reason', async () => {
    const page = await openAs(manager, 1440, '/home');
    await go(page, '/content');
    await page.getByText('No photo or video yet for Lina.').waitFor();
    await page.getByRole('button', { name: 'Choose files' }).setInputFiles(path.join(files, 'notes.jpg'));
    const refused = page.locator('[data-refused]');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('notes.jpg was not added: it is not a photo or video');
    expect(await page.locator('[data-media]').count()).toBe(0);

    await page.getByRole('button', { name: 'Choose files' }).setInputFiles(path.join(files, 'beach.jpg'));
    await page.getByText('beach.jpg is in the library.').waitFor();
    expect(await refused.count()).toBe(0);
    const tile = page.locator('[data-media]').first();
    // The thumbnail the hub made, decoded by the browser: it fits 320 × 320.
    const thumb = tile.locator('img');
    await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.naturalHeight)).toBe(320);
    expect(await tile.locator('[data-dimensions]').textContent()).toBe('1080 × 1350');
    // Still there after a reload: it is in the library, not only on the page.
    await page.reload();
    await page.locator('[data-media] img').waitFor();
    expect(await overflow(page)).toEqual({ page: 0, view: 0 });
    await page.screenshot({ path: path.join(SHOTS, 'content-1440.png'), fullPage: true });
    await page.context().close();
  }, 90_000);

  it('refuses a post at the account it breaks, takes a fix for that platform, and schedules it', async () => {
    const page = await openAs(manager, 1440, '/home');
    await go(page, '/posts');
    await page.getByText('No post yet for Lina.').waitFor();
    await page.getByRole('link', { name: 'New post' }).click();
    await page.waitForURL('**/posts/new?creator=*');
    const editor = page.locator('[data-post-editor]');
    await editor.waitFor();
    await editor.getByLabel('Kind').selectOption({ label: 'Text + photo' });
    const long =
      `Nouvelle séance photo à la plage ce matin. ${'Le soleil, la mer, et vous. '.repeat(9)}`.trim();
    await editor.getByLabel('Text', { exact: true }).fill(long);
    await editor.getByLabel('Hashtags').fill('#plage paris');
    await editor.getByRole('button', { name: 'Add beach.jpg' }).click();
    await editor.getByLabel(/Sandbox · Feed/).check();
    await editor.getByLabel(/X · Lina on X/).check();
    // The count X would make, live, over its limit before anything is sent.
    const xCount = editor.locator('[data-variant="x"] [data-count]');
    await expect.poll(() => xCount.textContent()).toMatch(/\d+ \/ 280/);
    const counted = Number(/(\d+) \/ 280/.exec((await xCount.textContent())!)![1]);
    expect(counted).toBeGreaterThan(280);

    const tomorrow = addDays(localDate(new Date(), 'Europe/Paris'), 1);
    await editor.getByLabel('Date').fill(tomorrow);
    await editor.getByLabel('Time', { exact: true }).fill('09:30');
    await editor.getByLabel('Time zone').fill('Europe/Paris');
    await editor.getByRole('button', { name: 'Schedule' }).click();
    await editor.getByText('Not scheduled: fix what each account says below.').waitFor();
    // The reason sits on X's text; the sandbox account, which takes the post, says nothing.
    const xProblem = editor.locator(`[data-target="${xId}"] [data-problem-field="text"]`);
    expect(await xProblem.textContent()).toContain(`X: ${counted} characters as X counts them`);
    expect(await xProblem.textContent()).toContain('the limit is 280');
    expect(await editor.locator(`[data-target="${feedId}"] [data-problem-field]`).count()).toBe(0);
    // The draft was kept, with its own address, and nothing typed was lost.
    await page.waitForURL(/\/posts\/[0-9a-f-]{36}$/);
    postId = page.url().split('/').pop()!;
    expect(await editor.getByLabel('Text', { exact: true }).inputValue()).toBe(long);
    const draft = (await admin.get(`/api/posts/${postId}`)).body;
    expect(draft.targets.map((t: { state: string }) => t.state)).toEqual(['draft', 'draft']);

    await editor.getByRole('button', { name: 'Write a different text for X' }).click();
    const short = 'Séance photo à la plage ce matin ☀️';
    await editor.getByLabel('Version for X').fill(short);
    // Its text, then the hashtags it lacks, the sun counted twice: as X will count it.
    const expected = measurePostText(PUBLISH_PROFILES.get('x')!.text, {
      text: short,
      hashtags: ['plage', 'paris'],
      hasVideo: false,
    });
    expect(expected.length).toBe(33 + 2 + '\n\n#plage #paris'.length);
    await expect.poll(() => xCount.textContent()).toMatch(new RegExp(`^\\s*${expected.length} / 280`));
    await editor.getByRole('button', { name: 'Schedule' }).click();
    await editor.getByText(/^Scheduled for/).waitFor();
    for (const id of [feedId, xId])
      expect(await editor.locator(`[data-target="${id}"] [data-state]`).textContent()).toBe('Scheduled');
    await page.screenshot({ path: path.join(SHOTS, 'post-editor-1440.png'), fullPage: true });

    // What the hub kept: 09:30 in Paris tomorrow, the zone with it, X's own text.
    const kept = (await admin.get(`/api/posts/${postId}`)).body;
    const at = zonedInstant(tomorrow, 9 * 60 + 30, 'Europe/Paris').toISOString();
    expect(
      kept.targets.map((t: { scheduledAt: string; timeZone: string }) => [t.scheduledAt, t.timeZone]),
    ).toEqual([
      [at, 'Europe/Paris'],
      [at, 'Europe/Paris'],
    ]);
    expect(kept.variants).toEqual({ x: { text: 'Séance photo à la plage ce matin ☀️' } });
    expect(kept.hashtags).toEqual(['plage', 'paris']);

    // The list shows each account's state; unscheduling takes them back to drafts.
    await go(page, '/posts');
    const row = page.locator(`[data-post="${postId}"]`);
    await expect
      .poll(() => row.locator('[data-state]').allTextContents())
      .toEqual(['Scheduled', 'Scheduled']);
    await row.getByRole('link', { name: 'Edit' }).click();
    await page.waitForURL(`**/posts/${postId}`);
    await page.getByRole('button', { name: 'Unschedule' }).click();
    await page.getByText('Back to draft: nothing will be published.').waitFor();
    expect(
      (await admin.get(`/api/posts/${postId}`)).body.targets.map((t: { state: string }) => t.state),
    ).toEqual(['draft', 'draft']);
    await page.getByRole('button', { name: 'Schedule' }).click();
    await page.getByText(/^Scheduled for/).waitFor();
    await page.context().close();
  }, 90_000);

  it('shows a published post’s state, and a post being published cannot be edited', async () => {
    // Published by the sandbox through the real engine, a second after it is scheduled.
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text: 'Bonne soirée à tous',
      accountIds: [feedId],
    });
    const soon = new Date(Date.now() + 1000).toISOString();
    expect((await admin.post(`/api/posts/${created.body.id}/schedule`, { at: soon })).status).toBe(200);
    await until(
      async () => (await admin.get(`/api/posts/${created.body.id}`)).body.targets[0].state === 'published',
      20_000,
      'the sandbox publishes',
    );
    const page = await openAs(manager, 1440, '/home');
    await go(page, '/posts');
    await expect
      .poll(() => page.locator(`[data-post="${created.body.id}"] [data-state]`).textContent())
      .toBe('Published');

    // A target mid-publication: the editor says so and offers nothing that would change it.
    // (the engine's own state, set here as its worker sets it when it picks the target up).
    await hub.ctx.db.execute(sql`update post_targets set state = 'publishing' where post_id = ${postId}`);
    await go(page, `/posts/${postId}`);
    await page.locator('[data-locked]').waitFor();
    expect(await page.locator('[data-locked]').textContent()).toContain('being published right now');
    expect(await page.getByRole('button', { name: 'Save draft' }).isDisabled()).toBe(true);
    expect(await page.getByLabel('Text', { exact: true }).isDisabled()).toBe(true);
    // The hub refuses it too, whatever a page sends.
    const version = (await admin.get(`/api/posts/${postId}`)).body.version;
    const refused = await admin.patch(`/api/posts/${postId}`, { version, text: 'changed underneath' });
    expect(refused.status).toBe(409);
    await hub.ctx.db.execute(sql`update post_targets set state = 'scheduled' where post_id = ${postId}`);
    await page.context().close();
  }, 90_000);

  it('works on a phone: the library, the post and its states, Content and Posts under More', async () => {
    const phone = await openAs(manager, 390, '/home');
    await phone.getByTestId('tab-bar').getByRole('button', { name: 'More' }).click();
    const more = phone.getByTestId('more-places');
    await more.getByRole('link', { name: 'Content' }).click();
    await phone.waitForURL('**/content');
    await phone.locator('[data-media] img').waitFor();
    expect(await phone.locator('[data-media] [data-dimensions]').textContent()).toBe('1080 × 1350');
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'content-390.png'), fullPage: true });

    await phone.getByTestId('tab-bar').getByRole('button', { name: 'More' }).click();
    await more.getByRole('link', { name: 'Posts' }).click();
    await phone.waitForURL('**/posts');
    const row = phone.locator(`[data-post="${postId}"]`);
    await expect
      .poll(() => row.locator('[data-state]').allTextContents())
      .toEqual(['Scheduled', 'Scheduled']);
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(phone)).toEqual([]);
    await row.getByRole('link', { name: 'Edit' }).click();
    await phone.waitForURL(`**/posts/${postId}`);
    await phone.locator(`[data-target="${xId}"] [data-state]`).waitFor();
    expect(await phone.locator('[data-variant="x"] [data-count]').textContent()).toMatch(/\/ 280/);
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'post-editor-390.png'), fullPage: true });
    await phone.context().close();

    // The creator sees her library and posts, and nothing to change them with.
    const own = await openAs(model, 390, '/studio');
    await go(own, '/content');
    await own.locator('[data-media] img').waitFor();
    expect(await own.getByRole('button', { name: 'Choose files' }).count()).toBe(0);
    expect(await own.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await go(own, `/posts/${postId}`);
    await own.getByText('You can see this post; an admin or manager changes it.').waitFor();
    expect(await own.getByRole('button', { name: 'Schedule' }).count()).toBe(0);
    await own.context().close();
  }, 90_000);
});
