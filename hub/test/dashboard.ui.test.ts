// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from './browser';
import { ADMIN, ROOT } from './harness';
import { startTelegramStack, type TelegramStack, type VelvetProcess } from './stack';

const TOKEN = '7700000008:AAH-dashboard-ui-test-bot-token-for-te-08';
const SHOTS = path.join(ROOT, 'inbox-ui/test-results');

/** The supervisor dashboard in Chromium, live over Socket.IO from real hub and workers processes. */
describe('supervisor dashboard in Chromium', () => {
  let env: TelegramStack;
  let hub: VelvetProcess;
  let browser: Browser;
  let page: Page;

  const say = (chatId: number, text: string) => env.say(chatId, text);
  const fansIn = async () => Number(await page.locator('[data-total=in]').textContent());

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 300, reply: () => 'Coucou, contente de te lire !' },
      creator: { name: 'Maya' },
      fanName: 'Ines',
    });
    hub = env.hub;

    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    await signIn(page, hub.url!, ADMIN, '/home');
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.waitForURL('**/dashboard');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.destroy();
  });

  it('shows the figures and updates them live when a fan writes', async () => {
    await page.getByText('Messages per minute (last hour)').waitFor();
    expect(await fansIn()).toBe(0);
    expect(await page.locator('[data-figure=conversion] [data-value]').textContent()).toContain(
      'no offers yet',
    );
    expect(await page.getByText('No alerts since you opened this page.').count()).toBe(1);

    await say(9001, 'coucou toi');
    await say(9002, 'salut ma belle');
    await expect.poll(fansIn, { timeout: 12_000 }).toBe(2);
    await expect
      .poll(() => page.locator('[data-figure=pending] [data-value]').textContent(), { timeout: 12_000 })
      .toBe('2');
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-live.png'), fullPage: true });
  });

  it('lists an alert the moment it fires', async () => {
    env.ollama.down();
    try {
      await say(9003, 'tu es là ?');
      const alert = page.locator('[data-alert=llm_down]');
      await alert.waitFor({ timeout: 10_000 });
      expect(await alert.textContent()).toContain('language model could not answer');
      // The figures say it too, at the next update.
      await page
        .locator('[data-condition]', { hasText: 'Replies from templates' })
        .waitFor({ timeout: 12_000 });
      await page.screenshot({ path: path.join(SHOTS, 'dashboard-alert.png'), fullPage: true });
    } finally {
      env.ollama.up();
    }
  });

  it('fits a phone too', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await page.evaluate(() => {
      const scroller = document.querySelector('main > div') as HTMLElement;
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        view: scroller.scrollWidth - scroller.clientWidth,
      };
    });
    expect(overflow).toEqual({ page: 0, view: 0 });
    await page.screenshot({ path: path.join(SHOTS, 'dashboard-phone.png'), fullPage: true });
  });
});
