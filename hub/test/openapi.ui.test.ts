import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '../src/api';
import { launchChromium } from './browser';
import { startTestHub, type TestHub } from './harness';

describe('the API reference page in a browser (issue 24)', () => {
  let hub: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    hub = await startTestHub();
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('shows every operation with its schemas, styled, loading nothing else and running nothing', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    const requested: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => requested.push(r.url()));

    await page.goto(`${hub.url}/api/docs`);
    const operations = Object.values(openApiDocument().paths).reduce((n, m) => n + Object.keys(m).length, 0);
    expect(await page.locator('h1').innerText()).toContain('Velvet hub API');
    expect(await page.locator('section').count()).toBe(operations);

    // The table of contents leads to the operation, with its body schema and answers.
    await page.getByRole('link', { name: 'POST /api/creators/{id}/packs' }).click();
    expect(page.url()).toMatch(/#postApiCreatorsIdPacks$/);
    const section = page.locator('#postApiCreatorsIdPacks');
    await expect.poll(() => section.isVisible()).toBe(true);
    expect(await section.locator('pre').first().innerText()).toContain('"priceStars"');
    expect(await section.locator('tbody tr td:first-child').allInnerTexts()).toEqual(
      expect.arrayContaining(['201', '401', '403', '404', '422', 'default']),
    );
    // The 201 answer's schema opens on a click.
    await section.locator('summary', { hasText: 'application/json' }).nth(1).click();
    expect(await section.getByText('"creatorId"').first().isVisible()).toBe(true);

    // The page's own styles apply under its Content-Security-Policy; nothing else was fetched.
    const weight = await page
      .locator('.method')
      .first()
      .evaluate((el) => getComputedStyle(el).fontWeight);
    expect(weight).toBe('700');
    const own = (url: string) => url.startsWith(`${hub.url}/api/docs`) || url === `${hub.url}/favicon.ico`;
    expect(requested.filter((url) => !own(url))).toEqual([]);
    expect(errors.filter((e) => !/favicon/.test(e))).toEqual([]);
    await page.close();
  });
});
