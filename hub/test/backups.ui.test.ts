// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { auditRepo } from '@velvet/shared';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const OLD = 'velvet-2026-11-28T02-00-00-000Z.tar.gz';
const NEW = 'velvet-2026-11-29T02-00-00-000Z.tar.gz';

/**
 * The Backups page in Chromium: the backups directory's files (written here; the workers'
 * job is tested in backup.schedule.test.ts), the last run in words, a download per file.
 */
describe('backups page in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-backups-ui-'));

  beforeAll(async () => {
    hub = await startTestHub({ ui: true, publicUrl: 'http://127.0.0.1' });
    hub.ctx.config.backups = { enabled: true, every: 86_400_000, keep: 7, dir };
    writeFileSync(path.join(dir, OLD), Buffer.alloc(2048, 1));
    writeFileSync(path.join(dir, NEW), Buffer.from('the newest backup bytes'));
    writeFileSync(path.join(dir, 'notes.txt'), 'not a backup');
    utimesSync(path.join(dir, OLD), new Date('2026-11-28T02:00:00Z'), new Date('2026-11-28T02:00:00Z'));
    await auditRepo.record(hub.ctx.db, {
      actorId: null,
      action: 'backup.failed',
      targetType: 'backup',
      data: { error: 'pg_dump: connection refused' },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the kept backups, says the last run failed, and downloads the same bytes', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 390, height: 800 } });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, '/home');
    await page.goto(`${hub.url}/backups`);
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();

    const rows = page.locator('[data-backup]');
    await expect.poll(() => rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-backup')).toBe(NEW);
    await expect.poll(() => page.locator(`[data-backup="${OLD}"]`).textContent()).toContain('2 KB');
    await expect
      .poll(() => page.locator('[data-last-run]').textContent())
      .toMatch(/failed: pg_dump: connection refused\. Earlier backups are kept\./);
    await page.getByText('A backup every 24 h, keeping the newest 7.').waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: `Download ${NEW}` }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(NEW);
    const saved = await download.path();
    expect(readFileSync(saved!).equals(readFileSync(path.join(dir, NEW)))).toBe(true);

    // Nothing spills sideways on a phone, and the buttons are finger-sized.
    const problems = await page.evaluate(() => ({
      spill: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      small: [...document.querySelectorAll<HTMLElement>('main button')]
        .filter((el) => el.getClientRects().length > 0 && el.getBoundingClientRect().height < 44)
        .map((el) => el.outerHTML.slice(0, 80)),
    }));
    expect(problems).toEqual({ spill: 0, small: [] });
    await context.close();
  }, 60_000);

  it('shows a manager that the screen is not theirs, in French too', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creatorId = (await admin.post('/api/creators', creatorBody('Backups'))).body.id;
    const manager = await hub.createUser('manager-backups-ui@test.velvet', 'manager', [creatorId]);
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await signIn(page, hub.url, manager, '/home');
    await page.evaluate(() => localStorage.setItem('velvet.lang', 'fr'));
    await page.goto(`${hub.url}/backups`);
    await page.getByRole('heading', { name: 'Sauvegardes', level: 1 }).waitFor();
    await page.locator('[data-forbidden]').waitFor();
    expect(await page.locator('[data-backup]').count()).toBe(0);
    await context.close();
  }, 60_000);
});
