// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { launchChromium, overflow, phoneProblems, signIn } from './browser';
import { ADMIN, Client, ROOT, startTestHub, type TestHub } from './harness';
import { postTelegram, until } from './stack';
import { png } from './publishing-fixtures';

const SHOTS = path.join(ROOT, 'inbox-ui/test-results');
const TOKEN = '7700000115:AAH-done-when-scenario-bot-token-xyz';
const MANAGER = { email: 'mona@agency.test', password: 'mona-password-123' };
const CHATTER = { email: 'chris@agency.test', password: 'chris-password-123' };

/** `HH:00`, `hours` from now on the clocks of Paris. */
function parisHourFromNow(hours: number): string {
  const now = Number(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', hourCycle: 'h23' }).format(
      new Date(),
    ),
  );
  return `${String((now + hours) % 24).padStart(2, '0')}:00`;
}

/**
 * Issue 15's "done when", in one run: an admin who never opens a terminal sets an agency up
 * in Chromium against a real hub with its workers, Telegram and Ollama as local stand-ins.
 * Every step an admin takes goes through the screens; only the fans (Telegram updates) and
 * an operator's offer in a conversation come from outside the browser.
 */
describe('the agency set up from the browser alone (issue 15, done when)', () => {
  let telegram: TelegramStandin;
  let ollama: OllamaStandin;
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let api: Client;
  let files: string;
  let creatorId = '';
  const account = { id: '', secret: '' };
  let updateId = 1;
  const photo = png(64, [12, 148, 136]);
  // Quiet hours that are real but not now, so the bot may answer while the test runs.
  const quiet = { start: parisHourFromNow(3), end: parisHourFromNow(5) };

  const openAs = async (user: { email: string; password: string }, width: number, landing: string) => {
    const phone = width < 640 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {};
    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      viewport: { width, height: width < 640 ? 844 : 900 },
      ...phone,
    });
    const opened = await context.newPage();
    await signIn(opened, hub.url, user, landing);
    return opened;
  };
  const go = async (p: Page, route: string) => {
    await p.goto(`${hub.url}${route}`);
    await p.locator('h1').waitFor();
  };
  const shot = (p: Page, name: string) =>
    p.screenshot({ path: path.join(SHOTS, `scenario-${name}.png`), fullPage: true });
  const fan = (chatId: number, text: string, firstName: string) =>
    postTelegram(
      hub.url,
      account.id,
      account.secret,
      telegramUpdates.text({
        updateId: updateId++,
        chatId,
        fromId: chatId,
        text,
        languageCode: 'fr',
        firstName,
      }),
    );

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(path.join(os.tmpdir(), 'velvet-scenario-'));
    writeFileSync(path.join(files, 'teaser.png'), photo);
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    ollama = await startOllamaStandin({
      tokensPerSecond: 400,
      reply: () => 'Coucou toi, contente de te lire !',
    });
    hub = await startTestHub({
      ui: true,
      workers: true,
      telegramApiRoot: telegram.apiRoot,
      env: { OLLAMA_HOST: ollama.url },
    });
    // Only to check what the screens saved, never to do the admin's work.
    api = new Client(hub.url);
    await api.login(ADMIN.email, ADMIN.password);
    browser = await launchChromium();
    page = await openAs(ADMIN, 1440, '/home');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await ollama?.close();
    await telegram?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('creates a creator with its send policy and quiet hours', async () => {
    // An empty install walks the admin to the first creator.
    await page.locator('[data-first-steps]').getByRole('link', { name: 'Create a creator' }).click();
    await page.waitForURL('**/creators');
    await page.getByLabel('Name', { exact: true }).fill('Maya');
    await page.getByLabel('Pseudonym').fill('maya_star');
    await page.getByLabel('Time zone').fill('Europe/Paris');
    await page.getByLabel('From').fill(quiet.start);
    await page.getByLabel('Until').fill(quiet.end);
    await page.locator('[data-cell="telegram:greeting"]').selectOption('auto');
    await page.locator('[data-cell="*:meet_request"]').selectOption('off');
    await page.getByRole('button', { name: 'Create creator' }).click();
    await page.getByText('Maya is created').waitFor();
    const row = page.locator('[data-creator]', { hasText: 'maya_star' });
    creatorId = (await row.getAttribute('data-creator'))!;
    expect(await row.textContent()).toContain(`${quiet.start}–${quiet.end}`);
    await shot(page, 'creator-1440');

    const saved = (await api.get(`/api/creators/${creatorId}`)).body;
    expect(saved).toMatchObject({
      name: 'Maya',
      timezone: 'Europe/Paris',
      quietHours: quiet,
      sendPolicy: { telegram: { greeting: 'auto' }, '*': { meet_request: 'off' } },
    });
  }, 60_000);

  it('adds a manager and a chatter who work for that creator', async () => {
    await go(page, '/users');
    for (const [user, role] of [
      [MANAGER, 'manager'],
      [CHATTER, 'chatter'],
    ] as const) {
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password', { exact: true }).fill(user.password);
      await page.getByLabel('Role').selectOption(role);
      await page.getByLabel('Maya (maya_star)').check();
      await page.getByRole('button', { name: 'Create user' }).click();
      await page.getByText(`${user.email} can now sign in.`).waitFor();
      const listed = page.locator(`[data-user="${user.email}"]`);
      expect((await listed.textContent())!.replace(/\s+/g, ' ')).toContain('Creators they work for: Maya');
    }
    await shot(page, 'users-1440');

    // Each signs in and finds Maya, and only Maya, in their scope.
    for (const user of [MANAGER, CHATTER]) {
      const client = new Client(hub.url);
      expect((await client.login(user.email, user.password)).status).toBe(200);
      const creators = (await client.get('/api/creators')).body.creators as { id: string }[];
      expect(creators.map((c) => c.id)).toEqual([creatorId]);
    }
  }, 60_000);

  it('connects a Telegram bot, and Telegram is told where to post', async () => {
    await go(page, `/accounts?creator=${creatorId}`);
    await page.getByLabel('Platform').selectOption('telegram');
    await page.getByLabel('Label (optional)').fill('Maya on Telegram');
    await page.getByLabel('Bot token').fill(TOKEN);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await page.getByText('Telegram account connected.').waitFor();
    const row = page.locator('[data-account]', { hasText: 'Maya on Telegram' });
    expect(await row.getAttribute('data-status')).toBe('active');
    expect(await row.textContent()).toContain('Connected');
    // The hub's address is public HTTPS here: no warning that Telegram cannot reach it.
    expect(await page.locator('[data-unreachable]').count()).toBe(0);
    expect(await page.content()).not.toContain(TOKEN);
    await shot(page, 'telegram-1440');

    account.id = (await row.getAttribute('data-account'))!;
    const hook = telegram.webhooks.get(TOKEN);
    expect(hook?.url).toBe(`https://hub.test.velvet/webhooks/telegram/${account.id}`);
    account.secret = hook!.secret_token!;
  }, 60_000);

  it('adds a pack with a photo', async () => {
    await go(page, '/catalog');
    await page.getByText('No pack yet for Maya.').waitFor();
    await page.getByRole('button', { name: 'New pack' }).click();
    const form = page.locator('[data-pack-form="new-pack"]');
    await form.getByLabel('Name').fill('Teaser');
    await form.getByLabel('Price', { exact: true }).fill('9.90');
    await form.getByLabel('Currency').fill('EUR');
    await form.getByLabel('Telegram', { exact: true }).check();
    await form.getByLabel('Add a photo or video').setInputFiles(path.join(files, 'teaser.png'));
    await form.getByText('teaser.png is added.').waitFor();
    await form.getByRole('button', { name: 'Create pack' }).click();
    await page.getByText('Teaser is created.').waitFor();
    const row = page.locator('[data-pack="Teaser"]');
    expect(await row.locator('[data-price]').textContent()).toBe('€9.90');
    await expect
      .poll(() =>
        row.locator('[data-media-preview="photo"] img').evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBe(64);
    await shot(page, 'pack-1440');
  }, 60_000);

  it('sees the sale by pack once a fan buys it', async () => {
    // A fan writes; automation answers the greeting at once, as the send policy says.
    expect((await fan(9101, 'coucou', 'Noa')).status).toBe(200);
    await until(
      () => telegram.sent.find((m) => String(m.chat_id) === '9101' && String(m.text).includes('contente')),
      20_000,
      'the auto-sent greeting',
    );
    await postTelegram(
      hub.url,
      account.id,
      account.secret,
      telegramUpdates.callback({
        updateId: updateId++,
        chatId: 9101,
        fromId: 9101,
        data: 'age:yes',
        firstName: 'Noa',
        languageCode: 'fr',
      }),
    );
    const conversationId = await until(async () => {
      const listed = await api.get(`/api/conversations?creatorId=${creatorId}`);
      return listed.body.conversations?.[0]?.id as string | undefined;
    }, 15_000);
    const packId = (await api.get(`/api/creators/${creatorId}/packs`)).body.packs[0].id as string;
    // An operator's offer in the conversation; the fan pays with Telegram Stars.
    await until(async () => {
      const offered = await api.post(`/api/conversations/${conversationId}/offers`, { packId });
      return offered.status === 201 ? true : undefined;
    }, 15_000);
    const invoice = await until(() => telegram.invoices.find((i) => String(i.chat_id) === '9101'), 15_000);
    const stars = invoice.prices[0]!.amount;
    await postTelegram(
      hub.url,
      account.id,
      account.secret,
      telegramUpdates.preCheckout({
        updateId: updateId++,
        fromId: 9101,
        firstName: 'Noa',
        totalAmount: stars,
        payload: invoice.payload,
      }),
    );
    await postTelegram(
      hub.url,
      account.id,
      account.secret,
      telegramUpdates.successfulPayment({
        updateId: updateId++,
        chatId: 9101,
        fromId: 9101,
        firstName: 'Noa',
        totalAmount: stars,
        payload: invoice.payload,
        chargeId: 'stxScenario1',
      }),
    );
    await until(() => telegram.media.find((m) => String(m.chat_id) === '9101'), 15_000, 'the pack delivered');

    await go(page, '/catalog');
    const figures = page.locator('[data-figures]');
    await figures.getByLabel('By').selectOption('pack');
    await expect
      .poll(() => figures.locator('[data-row="Teaser"] td').allTextContents())
      .toEqual(['1', '1', '100%', '€9.90']);
    await expect
      .poll(() => figures.locator('[data-chart] svg rect, [data-chart] svg path').count())
      .toBeGreaterThan(0);
    await figures.scrollIntoViewIfNeeded();
    await shot(page, 'sales-1440');
  }, 90_000);

  it('reads what automation did yesterday', async () => {
    // What automation did in this run, moved to yesterday: the log is read by day.
    await hub.ctx.db.execute(
      sql`update audit_log set created_at = created_at - interval '1 day' where actor_kind = 'automation'`,
    );
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await page.getByRole('link', { name: 'Activity' }).first().click();
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    await page.getByLabel('Who', { exact: true }).selectOption('automation');
    await page.getByLabel('From', { exact: true }).fill(yesterday);
    await page.getByLabel('To', { exact: true }).fill(yesterday);
    await page.getByRole('button', { name: 'Apply' }).click();
    const reply = page.locator('[data-activity="draft.auto_send"]');
    await expect
      .poll(() => reply.first().textContent(), { timeout: 10_000 })
      .toContain('Automation replied to Noa');
    expect(await page.locator('[data-actor-kind="user"]').count()).toBe(0);
    await shot(page, 'automation-yesterday-1440');

    // Today, automation has done nothing: the same filter on today's date is empty of it.
    const today = new Date().toISOString().slice(0, 10);
    await page.getByLabel('From', { exact: true }).fill(today);
    await page.getByLabel('To', { exact: true }).fill(today);
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => reply.count()).toBe(0);
  }, 60_000);

  it('is notified of an alert, on the desk and on the manager’s phone', async () => {
    const phone = await openAs(MANAGER, 390, '/home');
    const deskBell = page.locator('[data-bell]');
    await deskBell.waitFor();
    await phone.locator('[data-bell]').waitFor();

    expect((await fan(9102, "j'ai 15 ans", 'Lou')).status).toBe(200);
    for (const p of [page, phone]) {
      await expect.poll(() => p.locator('[data-unread-count]').count(), { timeout: 20_000 }).toBe(1);
      await p.locator('[data-bell]').click();
      const alert = p.locator('[data-notifications-panel] [data-notification="minor_signal"]');
      await alert.first().waitFor({ timeout: 20_000 });
      expect(await alert.first().locator('[data-about]').textContent()).toContain('Lou · maya_star');
    }
    expect(await phoneProblems(phone)).toEqual([]);
    expect((await overflow(phone)).page).toBe(0);
    await phone.screenshot({ path: path.join(SHOTS, 'scenario-alert-390.png') });

    // The alert opens the conversation it is about.
    await page.locator('[data-notification="minor_signal"] [data-open]').first().click();
    await page.waitForURL('**/inbox?conversation=*');
    await page.getByTestId('escalated-banner').waitFor();
    await shot(page, 'alert-1440');
    await phone.context().close();
  }, 90_000);
});
