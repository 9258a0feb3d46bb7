// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { accountsRepo } from '@velvet/shared';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { publishedHistory } from './analytics-fixtures';
import { verticalVideo } from './publishing-fixtures';

/** The planner screen in Chromium: rules edited and refused with the field named, a week planned and accepted. */
describe('planner screen in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let admin: Client;
  let creatorId: string;

  const upload = async (bytes: Buffer, name: string) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), name);
    const response = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(response.status).toBe(201);
  };

  beforeAll(async () => {
    hub = await startTestHub({ ui: true, publicUrl: 'http://127.0.0.1' });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    // Instagram cannot be connected through the panel yet: its row as a connection leaves it.
    const account = await accountsRepo.create(hub.ctx.db, {
      creatorId,
      platform: 'instagram',
      label: 'Insta',
      credentialsEnc: 'sealed',
      settings: {},
    });
    for (let i = 0; i < 8; i++) await upload(verticalVideo(10 + i), `reel-${i}.mp4`);
    for (let i = 0; i < 6; i++)
      await upload(
        await sharp({
          create: {
            width: 1080,
            height: 1350,
            channels: 3,
            background: `#${(0x304050 + i * 0x0a0a0a).toString(16)}`,
          },
        })
          .jpeg()
          .toBuffer(),
        `photo-${i}.jpg`,
      );
    // Six weeks of published posts whose engagement peaks at 09:00, 12:00 and 21:00 Paris time.
    await publishedHistory(hub.ctx.db, {
      creatorId,
      accountId: account.id,
      platform: 'instagram',
      timeZone: 'Europe/Paris',
      hours: [8, 9, 10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 22],
      rates: { 9: 0.15, 12: 0.2, 21: 0.3 },
      days: 42,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('edits the rules, names a refused field, plans the week and schedules it at 1440 px', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, '/home');
    // On a desk the publishing screens are one place, with their own tabs.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Publishing' }).click();
    await page.getByTestId('publishing-tabs').getByRole('link', { name: 'Planner' }).click();
    await page.getByRole('heading', { name: 'Planner', level: 1 }).waitFor();
    await page.locator('[data-defaults]').waitFor();
    const instagram = page.locator('[data-platform="instagram"]');
    await instagram.waitFor();
    expect(await page.locator('[data-market]').count()).toBe(3);
    expect(await instagram.locator('[data-daily-reel]').isChecked()).toBe(true);

    const jitter = instagram.locator('[data-slot]').first().getByLabel('± minutes');
    await jitter.fill('500');
    await page.locator('[data-save]').click();
    await instagram.locator('[data-error="platforms.0.slots.0.jitterMinutes"]').waitFor();
    expect(await instagram.locator('[data-error]').first().textContent()).toContain(
      'must be at most 180 minutes',
    );
    expect(await jitter.getAttribute('aria-invalid')).toBe('true');
    await jitter.fill('25');
    await page.locator('[data-save]').click();
    await expect.poll(() => page.locator('[data-message]').textContent()).toBe('Rules saved.');
    const rules = (await admin.get(`/api/creators/${creatorId}/planner`)).body;
    expect(rules.saved).toBe(true);
    expect(rules.platforms[0].slots[0].jitterMinutes).toBe(25);

    await page.locator('[data-plan]').click();
    await page.locator('[data-proposal]').waitFor();
    await expect.poll(() => page.locator('[data-day]').count()).toBeGreaterThanOrEqual(1);
    // The day's reel is marked on Instagram.
    expect(await page.locator('[data-day-platform="instagram"] [data-reel]').count()).toBeGreaterThanOrEqual(
      1,
    );
    const planned = await page.locator('[data-item]').count();
    const accept = page.locator('[data-accept]');
    expect(await accept.textContent()).toContain(`Accept and schedule ${planned} post(s)`);
    await accept.click();
    await expect
      .poll(() => page.locator('[data-scheduled]').textContent())
      .toBe(`${planned} post(s) scheduled.`);
    const posts = (await admin.get(`/api/creators/${creatorId}/posts?limit=200`)).body.posts as {
      targets: { state: string }[];
    }[];
    expect(posts.flatMap((p) => p.targets).filter((t) => t.state === 'scheduled')).toHaveLength(planned);
    await context.close();
  }, 90_000);

  it('works in French on a phone', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, '/home');
    await page.evaluate(() => localStorage.setItem('velvet.lang', 'fr'));
    await page.goto(`${hub.url}/planner`);
    await page.getByRole('heading', { name: 'Planification', level: 1 }).waitFor();
    await page.locator('[data-platform="instagram"]').waitFor();
    await page.getByRole('button', { name: 'Planifier la semaine' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    // The analytics' best times as the slots: what changes is shown before anything is saved.
    await page.getByRole('button', { name: 'Utiliser les meilleurs horaires des statistiques' }).click();
    const preview = page.locator('[data-times-preview]');
    await preview.waitFor();
    const instagram = preview.locator('[data-times-platform="instagram"]');
    expect(await instagram.locator('[data-times-now]').textContent()).toContain('Actuellement :');
    expect(await instagram.locator('[data-times-new]').textContent()).toContain(
      '09:00–10:00 FR ×1, 12:00–13:00 FR ×1, 21:00–22:00 FR ×1',
    );
    const before = (await admin.get(`/api/creators/${creatorId}/planner`)).body.platforms[0].slots;
    expect(before).toHaveLength(3);
    expect(before.map((s: { start: string }) => s.start)).not.toEqual(['09:00', '12:00', '21:00']);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await preview.getByRole('button', { name: 'Appliquer et enregistrer' }).click();
    await expect
      .poll(() => page.locator('[data-message]').textContent())
      .toBe('Meilleurs horaires appliqués et enregistrés.');
    expect(await page.locator('[data-times-preview]').count()).toBe(0);
    const after = (await admin.get(`/api/creators/${creatorId}/planner`)).body.platforms[0].slots;
    expect(after.map((s: { start: string; end: string }) => `${s.start}–${s.end}`)).toEqual([
      '09:00–10:00',
      '12:00–13:00',
      '21:00–22:00',
    ]);
    // The form shows the new slots too.
    expect(
      await page.locator('[data-platform="instagram"] [data-slot]').first().getByLabel('De').inputValue(),
    ).toBe('09:00');
    await context.close();
  }, 90_000);
});
