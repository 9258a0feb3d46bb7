import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { launchChromium, signIn } from './browser';
import { ADMIN } from './harness';
import { startTelegramStack, type TelegramStack } from './stack';

const TOKEN = '7300000002:AAH-media-ui-bot-token-for-tests-0000002';
/** A real 2×2 PNG, so the browser decodes and sizes it. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAE0lEQVR4nGP4z8DAwAAh/v//DwAg7gX7B6WHCAAAAABJRU5ErkJggg==',
  'base64',
);

/** A fan's photo shows in the operator's thread; the operator sends one back from the composer. */
describe('media in the inbox, in Chromium', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 300, reply: () => 'Magnifique !' },
      creator: { name: 'Iris' },
      fanName: 'Tom',
    });
    telegram = env.telegram;
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await env?.destroy();
  });

  it('previews a fan photo in the thread and sends the operator’s picture with its caption', async () => {
    const file = telegram.addFile(PNG, { path: 'photos/file_1.jpg' });
    const update = telegramUpdates.photo({
      updateId: env.nextUpdateId(),
      chatId: 990_001,
      fromId: 990_001,
      caption: 'regarde ça 😍',
      fileId: file.fileId,
    });
    expect((await env.post(update)).status).toBe(200);

    await signIn(page, env.hub.url!, ADMIN, '/home');
    await page.goto(`${env.hub.url!}/inbox`);
    await page.locator('[data-conversation]').first().click();
    await page.getByTestId('message-text').filter({ hasText: 'regarde ça 😍' }).waitFor();
    const image = page.locator('[data-testid="attachment"][data-kind="photo"] img');
    await image.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await image.getAttribute('src')).toMatch(/^blob:/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(2);

    await page.getByTestId('composer-file-input').setInputFiles({
      name: 'retour.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await page.getByTestId('composer-file').getByText('retour.png').waitFor();
    await page.getByLabel('Reply').fill('Et voilà 😘');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => telegram.media.filter((m) => m.method === 'sendPhoto').length, { timeout: 15_000 })
      .toBe(1);
    const [sent] = telegram.media;
    expect(sent!.media[0]).toMatchObject({ caption: 'Et voilà 😘' });
    expect(sent!.media[0]!.upload!.bytes).toEqual(PNG);
    // The operator's picture shows in the thread too.
    await expect
      .poll(() => page.locator('[data-testid="attachment"] img').count(), { timeout: 10_000 })
      .toBe(2);
    expect(errors.filter((e) => /Content Security Policy|Refused/i.test(e))).toEqual([]);
  }, 90_000);
});
