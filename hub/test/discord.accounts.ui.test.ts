// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startDiscordStandin, type DiscordStandin } from '@velvet/platforms/testing';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

/**
 * Connecting a Discord bot from the Accounts screen, against the Discord stand-in: each
 * refusal lands on the field Discord refused, nothing typed is lost, and the token is never
 * shown again once the account is connected.
 */
describe('Discord credentials on the Accounts screen', () => {
  let discord: DiscordStandin;
  let hub: TestHub;
  let browser: Browser;
  let creatorId = '';

  beforeAll(async () => {
    discord = await startDiscordStandin();
    hub = await startTestHub({
      ui: true,
      publicUrl: 'http://127.0.0.1',
      env: { DISCORD_API_ROOT: discord.apiRoot },
    });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Nina'))).body.id;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await discord?.close();
  });

  const open = async (width: number): Promise<Page> => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 900 } });
    const page = await context.newPage();
    await signIn(page, hub.url, ADMIN, '/home');
    await page.goto(`${hub.url}/accounts?creator=${creatorId}`);
    await page.getByLabel('Platform').selectOption('discord');
    return page;
  };
  const field = (page: Page, key: string) => page.locator(`[data-credential="${key}"]`);
  const errorOf = (page: Page, key: string) => page.locator(`[data-field="connect-${key}"] [data-error]`);
  const connect = (page: Page) => page.getByRole('button', { name: 'Connect', exact: true }).click();

  it('names the field Discord refused, keeps what was typed, then connects and forgets the token', async () => {
    const page = await open(1440);
    // Not a bot token at all: refused before Discord is asked.
    await field(page, 'botToken').fill('MTIz.not-a-token');
    await field(page, 'applicationId').fill(discord.applicationId);
    await field(page, 'publicKey').fill(discord.publicKey);
    await field(page, 'guildId').fill(discord.guildId);
    await connect(page);
    await expect.poll(() => errorOf(page, 'botToken').textContent()).toContain('must be the bot token');
    // Shaped like one, but not this bot's: Discord refuses it.
    const [head] = discord.token.split('.');
    await field(page, 'botToken').fill(`${head}.AAAAAA.${'x'.repeat(27)}`);
    await connect(page);
    await expect
      .poll(() => errorOf(page, 'botToken').textContent())
      .toContain('Discord rejected the bot token');
    expect(await field(page, 'botToken').getAttribute('aria-invalid')).toBe('true');
    expect(await field(page, 'guildId').inputValue()).toBe(discord.guildId);

    // The right token, but an application that is not this bot's.
    await field(page, 'botToken').fill(discord.token);
    await field(page, 'applicationId').fill('123456789012345678');
    await connect(page);
    await expect
      .poll(() => errorOf(page, 'applicationId').textContent())
      .toContain('Discord knows no such application');
    expect(await errorOf(page, 'botToken').count()).toBe(0);

    // A public key that is not 64 hex characters is refused before Discord is asked.
    await field(page, 'applicationId').fill(discord.applicationId);
    await field(page, 'publicKey').fill('not-a-key');
    await connect(page);
    await expect.poll(() => errorOf(page, 'publicKey').textContent()).toBeTruthy();
    expect(await field(page, 'botToken').inputValue()).toBe(discord.token);

    await field(page, 'publicKey').fill(discord.publicKey);
    await connect(page);
    await page.getByText('Discord account connected.').waitFor();
    const account = page.locator('[data-account]', { hasText: 'velvet_bot' });
    expect(await account.getAttribute('data-status')).toBe('active');
    // The slash commands are on the creator's server, and the token is gone from the page.
    expect(discord.commands.get(discord.guildId)?.length).toBeGreaterThan(0);
    expect(await field(page, 'botToken').inputValue()).toBe('');
    expect(await page.content()).not.toContain(discord.token);
    await page.context().close();
  }, 60_000);

  it('fits a phone: every Discord field reachable, nothing spills sideways', async () => {
    const page = await open(390);
    for (const key of ['botToken', 'applicationId', 'publicKey', 'guildId', 'buyerRoleId']) {
      const box = (await field(page, key).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth),
    ).toBe(0);
    await page.context().close();
  }, 60_000);
});
