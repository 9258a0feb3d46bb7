// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { addDays, localDate, postTargetsRepo, weekday, zonedInstant } from '@velvet/shared';
import { instagramAccount, sandboxAccount, scheduledPost, uploadReel } from './publishing-fixtures';
import { launchChromium, phoneProblems, signIn } from './browser';
import { ADMIN, Client, creatorBody, ROOT, startTestHub, type TestHub } from './harness';

const SHOTS = path.join(ROOT, 'inbox-ui/test-results');
const PARIS = 'Europe/Paris';
const hh = (hour: number) => String(hour).padStart(2, '0');

/** The publishing calendar in Chromium against a real hub. */
describe('calendar screen in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let admin: Client;
  let lina: string;
  let sandbox: string;
  let instagram: string;
  let reelVideo: string;
  /** Monday and Tuesday of next week in Paris: always ahead, always in one week and one month grid. */
  let monday: string;
  let tuesday: string;
  let model: { email: string; password: string };

  const openAs = async (
    user: { email: string; password: string },
    width: number,
    landing: string,
    timezoneId = 'America/New_York',
  ) => {
    const phone = width < 640 ? { isMobile: true, hasTouch: true } : {};
    // The viewer sits in New York: a creator's calendar still reads on Paris clocks.
    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId,
      viewport: { width, height: 900 },
      ...phone,
    });
    const page = await context.newPage();
    await signIn(page, hub.url, user, landing);
    return page;
  };
  const open = async (page: Page, query: string) => {
    await page.goto(`${hub.url}/calendar?${query}`);
    await page.locator('[data-calendar]').waitFor();
    await page.locator('[data-zone]').getByText('Europe/Paris').waitFor();
  };
  const storedTime = async (postId: string) =>
    (await admin.get(`/api/posts/${postId}`)).body.targets[0].scheduledAt as string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestHub({ ui: true });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    lina = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    sandbox = await sandboxAccount(admin, lina, 'calendar-ui-sandbox');
    instagram = await instagramAccount(hub, lina);
    reelVideo = await uploadReel(hub, admin, lina);
    const today = localDate(new Date(), PARIS);
    monday = addDays(today, 7 - ((weekday(today) + 6) % 7));
    tuesday = addDays(monday, 1);
    model = await hub.createUser('lina-model@test.velvet', 'model', [lina]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('moves a post to another day and hour by dragging it, and the hub keeps the new time', async () => {
    const post = await scheduledPost(
      admin,
      lina,
      { kind: 'text', text: 'Séance photo demain', accountIds: [sandbox] },
      zonedInstant(monday, 10 * 60 + 17, PARIS),
    );
    const page = await openAs(ADMIN, 1440, '/home');
    await open(page, `view=week&date=${monday}&creator=${lina}`);
    const chip = page.locator(`[data-post="${post}"]`);
    // Shown at 10:17 Paris time although the browser is in New York.
    expect(
      await page.locator(`[data-slot="${monday}T10"] [data-post="${post}"] [data-time]`).textContent(),
    ).toBe('10:17 AM');
    expect(await chip.locator('[data-kind]').textContent()).toBe('Text');
    expect(await chip.locator('[data-target="sandbox"]').textContent()).toBe('Sandbox · scheduled');

    // The afternoon is below the fold of the week's scroller: brought into view, as a person would.
    const afternoon = page.locator(`[data-slot="${tuesday}T${hh(15)}"]`);
    await afternoon.scrollIntoViewIfNeeded();
    await chip.dragTo(afternoon);
    await page.locator('[data-notice]').getByText('Moved to').waitFor();
    // The minutes are kept: 15:17 on Tuesday, Paris time, stored in UTC by the hub.
    await expect.poll(() => storedTime(post)).toBe(zonedInstant(tuesday, 15 * 60 + 17, PARIS).toISOString());

    await page.reload();
    await page.locator('[data-calendar]').waitFor();
    const moved = page.locator(`[data-slot="${tuesday}T15"] [data-post="${post}"]`);
    await moved.waitFor();
    expect(await moved.locator('[data-time]').textContent()).toBe('03:17 PM');
    expect(await page.locator(`[data-slot="${monday}T10"] [data-post="${post}"]`).count()).toBe(0);
    // A click opens the post's editor.
    expect(await moved.getAttribute('href')).toBe(`/posts/${post}`);
    await page.screenshot({ path: path.join(SHOTS, 'calendar-week-1440.png') });
    await page.context().close();
  }, 90_000);

  it('puts a post back with the hub’s reason when it started publishing meanwhile', async () => {
    const at = zonedInstant(monday, 12 * 60, PARIS);
    const post = await scheduledPost(
      admin,
      lina,
      { kind: 'text', text: 'Déjà partie', accountIds: [sandbox] },
      at,
    );
    const page = await openAs(ADMIN, 1440, '/home');
    await open(page, `view=week&date=${monday}&creator=${lina}`);
    const before = page.locator(`[data-slot="${monday}T12"] [data-post="${post}"]`);
    await before.waitFor();
    // The engine takes it while the page is open: the calendar still shows it as movable.
    const targetId = (await admin.get(`/api/posts/${post}`)).body.targets[0].id;
    expect(await postTargetsRepo.claim(hub.ctx.db, targetId, at)).toBeTruthy();

    await before.dragTo(page.locator(`[data-slot="${tuesday}T09"]`));
    const problem = page.locator('[data-problem]');
    await problem.waitFor();
    expect(await problem.textContent()).toContain(
      'Not moved: Already publishing on sandbox: it cannot be scheduled again',
    );
    // Back on Monday at noon, now saying it is publishing; nothing moved on the hub.
    await page
      .locator(`[data-slot="${monday}T12"] [data-post="${post}"] [data-state="publishing"]`)
      .waitFor();
    expect(await page.locator(`[data-slot="${tuesday}T09"] [data-post="${post}"]`).count()).toBe(0);
    expect(await storedTime(post)).toBe(at.toISOString());
    await page.context().close();
  }, 90_000);

  it('marks the days without a reel on a platform that needs one, and follows a reel moved', async () => {
    const reel = await scheduledPost(
      admin,
      lina,
      { kind: 'reel', text: 'Reel du lundi', mediaIds: [reelVideo], accountIds: [instagram] },
      zonedInstant(monday, 9 * 60, PARIS),
    );
    const page = await openAs(ADMIN, 1440, '/home');
    await open(page, `view=month&date=${monday}&creator=${lina}`);
    const mondayCell = page.locator(`[data-date="${monday}"]`);
    const tuesdayCell = page.locator(`[data-date="${tuesday}"]`);
    await mondayCell.locator('[data-reel-ok="instagram"]').waitFor();
    expect(await tuesdayCell.locator('[data-reel-gap="instagram"]').textContent()).toContain(
      'No reel on Instagram',
    );
    // Sandbox owes no reel: no marker for it.
    expect(await page.locator('[data-reel-gap="sandbox"]').count()).toBe(0);

    await mondayCell.locator(`[data-post="${reel}"]`).dragTo(tuesdayCell);
    await page.locator('[data-notice]').getByText('Moved to').waitFor();
    await mondayCell.locator('[data-reel-gap="instagram"]').waitFor();
    await tuesdayCell.locator('[data-reel-ok="instagram"]').waitFor();
    expect(await tuesdayCell.locator(`[data-post="${reel}"] [data-kind]`).textContent()).toBe('Reel');
    expect(await storedTime(reel)).toBe(zonedInstant(tuesday, 9 * 60, PARIS).toISOString());
    await page.screenshot({ path: path.join(SHOTS, 'calendar-month-1440.png') });
    await page.context().close();
  }, 90_000);

  it('reads as an agenda on a phone, where nothing can be dragged, and in a model’s studio', async () => {
    const tomorrow = addDays(localDate(new Date(), PARIS), 1);
    const post = await scheduledPost(
      admin,
      lina,
      { kind: 'text', text: 'Pour demain', accountIds: [sandbox] },
      zonedInstant(tomorrow, 18 * 60 + 5, PARIS),
    );

    const page = await openAs(ADMIN, 390, '/home');
    await page.getByRole('button', { name: 'More' }).click();
    await page.getByTestId('more-places').getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL('**/calendar**');
    await open(page, `view=week&date=${monday}&creator=${lina}`);
    expect(await page.locator('[data-calendar]').getAttribute('data-mode')).toBe('agenda');
    const day = page.locator(`[data-agenda] [data-day="${monday}"]`);
    await day.waitFor();
    expect(await day.locator('[data-post]').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-slot], [data-date]').count()).toBe(0);
    for (const chip of await page.locator('[data-post]').all())
      expect(await chip.getAttribute('draggable')).toBe('false');
    // Wednesday has no reel on Instagram: said in the agenda too.
    await page.locator(`[data-day="${addDays(monday, 2)}"] [data-reel-gap="instagram"]`).waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
    expect(await phoneProblems(page)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'calendar-agenda-390.png'), fullPage: true });
    await page.context().close();

    // The model's own studio: their coming week, read only, times on their clocks.
    const studio = await openAs(model, 390, '/studio', 'Europe/Paris');
    const mine = studio.locator('[data-studio-calendar]');
    const chip = mine.locator(`[data-day="${tomorrow}"] [data-post="${post}"]`);
    await chip.waitFor();
    expect(await chip.locator('[data-time]').textContent()).toBe('06:05 PM');
    expect(await chip.getAttribute('draggable')).toBe('false');
    expect(await phoneProblems(studio)).toEqual([]);
    await studio.context().close();
  }, 90_000);
});
