// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { launchChromium, overflow, phoneProblems, signIn } from './browser';
import { ADMIN, Client, creatorBody, ROOT, startTestHub, type TestHub } from './harness';
import { connectTelegram, postTelegram, until } from './stack';
import { png } from './publishing-fixtures';

const SHOTS = path.join(ROOT, 'inbox-ui/test-results');
const TOKEN = '7700000077:AAH-catalog-screen-test-bot-token-xyz';
const FAN = 7701;

/** The catalog screen in Chromium against a real hub, its workers and a Telegram stand-in. */
describe('catalog screen in Chromium', () => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let admin: Client;
  let creatorId = '';
  let account: { accountId: string; secret: string };
  let files: string;
  const photo = png(96, [219, 39, 119]);

  const openAs = async (user: { email: string; password: string }, width: number, landing = '/inbox') => {
    // A phone is a touch screen: the panel sizes its controls for a finger there.
    const phone = width < 640 ? { isMobile: true, hasTouch: true } : {};
    const context = await browser.newContext({ locale: 'en-US', viewport: { width, height: 900 }, ...phone });
    const opened = await context.newPage();
    await signIn(opened, hub.url, user, landing);
    return opened;
  };
  const go = async (p: Page, route: string) => {
    await p.goto(`${hub.url}${route}`);
    await p.locator('h1').waitFor();
  };
  let updateId = 1;
  const post = (body: unknown) => postTelegram(hub.url, account.accountId, account.secret, body);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    files = mkdtempSync(path.join(os.tmpdir(), 'velvet-catalog-'));
    writeFileSync(path.join(files, 'feet.png'), photo);
    writeFileSync(path.join(files, 'not-a-photo.jpg'), '<html><script>alert(1)</script></html>');
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    hub = await startTestHub({ ui: true, workers: true, telegramApiRoot: telegram.apiRoot });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Maya'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    creatorId = creator.body.id;
    account = await connectTelegram(admin, telegram, TOKEN, creatorId);
    browser = await launchChromium();
    page = await openAs(ADMIN, 1440);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await telegram?.close();
    rmSync(files, { recursive: true, force: true });
  });

  it('adds a pack with a photo: refusals beside their field, nothing typed lost, the photo previewed', async () => {
    await go(page, '/catalog');
    await page.getByRole('link', { name: 'Catalog' }).first().waitFor();
    await page.getByText('No pack yet for Maya.').waitFor();
    await page.getByRole('button', { name: 'New pack' }).click();
    const form = page.locator('[data-pack-form="new-pack"]');
    await form.getByLabel('Name').fill('Pack photo');
    await form.getByLabel('Price', { exact: true }).fill('12,345');
    await form.getByLabel('Description (optional)').fill('Une photo rien que pour toi');
    await form.getByLabel('Telegram', { exact: true }).check();
    await form.getByLabel('Checkout link (optional)').fill('pay here');

    // A page that calls itself a JPEG is refused by its bytes, beside the media field.
    await form.getByLabel('Add a photo or video').setInputFiles(path.join(files, 'not-a-photo.jpg'));
    const mediaError = form.locator('[data-field="new-pack-media"] [data-error]');
    await expect.poll(() => mediaError.textContent()).toContain('must be a JPEG, PNG or WebP photo');
    await form.getByLabel('Add a photo or video').setInputFiles(path.join(files, 'feet.png'));
    await form.getByText('feet.png is added.').waitFor();
    // The preview is the uploaded image itself, decoded by the browser.
    const preview = form.locator('[data-media-preview="photo"] img');
    await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(96);

    await form.getByRole('button', { name: 'Create pack' }).click();
    const priceError = form.locator('[data-field="new-pack-price"] [data-error]');
    await expect.poll(() => priceError.textContent()).toContain('has more than 2 decimals');
    expect(await form.getByLabel('Price', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    const linkError = form.locator('[data-field="new-pack-checkout"] [data-error]');
    expect(await linkError.textContent()).toContain('must be a URL');
    expect(await form.getByLabel('Telegram', { exact: true }).isChecked()).toBe(true);
    expect(await form.getByLabel('Name').inputValue()).toBe('Pack photo');
    expect(await form.getByLabel('Description (optional)').inputValue()).toBe('Une photo rien que pour toi');
    expect(await form.locator('[data-media-preview]').count()).toBe(1);

    await form.getByLabel('Price', { exact: true }).fill('12.50');
    await form.getByLabel('Currency').fill('eur');
    await form.getByLabel('Checkout link (optional)').fill('');
    await form.getByRole('button', { name: 'Create pack' }).click();
    await page.getByText('Pack photo is created.').waitFor();
    const row = page.locator('[data-pack="Pack photo"]');
    expect(await row.locator('[data-price]').textContent()).toBe('€12.50');
    await expect
      .poll(() =>
        row.locator('[data-media-preview="photo"] img').evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBe(96);
    const saved = (await admin.get(`/api/creators/${creatorId}/packs`)).body.packs;
    expect(saved).toHaveLength(1);
    expect(saved[0]).toMatchObject({
      name: 'Pack photo',
      price: 12.5,
      currency: 'EUR',
      platforms: ['telegram'],
      checkoutUrl: null,
      active: true,
    });
    expect(saved[0].media).toEqual([{ kind: 'photo', file: expect.stringMatching(/\.png$/) }]);
    await page.screenshot({ path: path.join(SHOTS, 'catalog-pack-desktop.png'), fullPage: true });
  });

  it('creates and disables a promo code, with the refusal beside the field', async () => {
    const form = page.locator('[data-promo-form]');
    await form.getByLabel('Code').fill('x');
    await form.getByLabel('Value').fill('20');
    await form.getByRole('button', { name: 'Create code' }).click();
    const codeError = form.locator('[data-field="promo-code"] [data-error]');
    await expect.poll(() => codeError.textContent()).toContain('must be 3–20 letters');
    expect(await form.getByLabel('Value').inputValue()).toBe('20');
    await form.getByLabel('Code').fill('BIENVENUE');
    await form.getByRole('button', { name: 'Create code' }).click();
    await page.getByText('Code BIENVENUE is created.').waitFor();
    await page.getByRole('button', { name: 'Disable BIENVENUE' }).click();
    await page.getByText('Code BIENVENUE is disabled.').waitFor();
    const codes = (await admin.get(`/api/creators/${creatorId}/promo-codes`)).body.promoCodes;
    expect(codes).toMatchObject([{ code: 'BIENVENUE', kind: 'percent', value: 20, active: false }]);
  });

  it('delivers the uploaded photo to a fan who buys the pack, and shows the sale by pack', async () => {
    const packId = (await admin.get(`/api/creators/${creatorId}/packs`)).body.packs[0].id;
    // A fan writes to the bot and confirms being 18 with the button.
    await post(
      telegramUpdates.text({
        updateId: updateId++,
        chatId: FAN,
        fromId: FAN,
        text: 'coucou',
        languageCode: 'fr',
      }),
    );
    await post(
      telegramUpdates.callback({
        updateId: updateId++,
        chatId: FAN,
        fromId: FAN,
        data: 'age:yes',
        languageCode: 'fr',
      }),
    );
    const conversationId = await until(async () => {
      const listed = await admin.get(`/api/conversations?creatorId=${creatorId}`);
      return listed.body.conversations?.[0]?.id as string | undefined;
    }, 15_000);
    // An operator offers the pack once the fan's age is confirmed; Telegram gets the invoice.
    await until(async () => {
      const offered = await admin.post(`/api/conversations/${conversationId}/offers`, { packId });
      return offered.status === 201 ? true : undefined;
    }, 15_000);
    const invoice = await until(
      () => telegram.invoices.find((i) => String(i.chat_id) === String(FAN)),
      15_000,
    );
    const stars = invoice.prices[0]!.amount;
    await post(
      telegramUpdates.preCheckout({
        updateId: updateId++,
        fromId: FAN,
        totalAmount: stars,
        payload: invoice.payload,
      }),
    );
    const paid = await post(
      telegramUpdates.successfulPayment({
        updateId: updateId++,
        chatId: FAN,
        fromId: FAN,
        totalAmount: stars,
        payload: invoice.payload,
        chargeId: 'stxCatalog1',
      }),
    );
    expect(paid.body).toMatchObject({ ok: true, duplicate: false });

    // What the fan receives is the very file uploaded in the panel, sent as a photo.
    const delivered = await until(
      () => telegram.media.find((m) => String(m.chat_id) === String(FAN)),
      15_000,
    );
    expect(delivered.method).toBe('sendPhoto');
    expect(delivered.media[0]!.upload?.bytes.equals(photo)).toBe(true);
    expect(delivered.media[0]!.caption).toBeTruthy();

    await go(page, '/catalog');
    const figures = page.locator('[data-figures]');
    await figures.getByLabel('By').selectOption('pack');
    const sale = figures.locator('[data-row="Pack photo"]');
    await expect.poll(() => sale.locator('td').allTextContents()).toEqual(['1', '1', '100%', '€12.50']);
    expect(await figures.locator('[data-totals]').textContent()).toContain('Offers: 1 · purchases: 1');
    // The chart draws one bar for the one pack sold.
    await expect
      .poll(() => figures.locator('[data-chart] svg path, [data-chart] svg rect').count())
      .toBeGreaterThan(0);
    await figures.locator('[data-chart]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'catalog-figures-desktop.png'), fullPage: true });

    // The same sale by seller and by platform.
    await figures.getByLabel('By').selectOption('platform');
    await figures.locator('[data-row="telegram"]').waitFor();
    await figures.getByLabel('By').selectOption('seller');
    await figures.locator(`[data-row="${ADMIN.email}"]`).waitFor();
  }, 90_000);

  it('fits a phone at 390 px: nothing sideways, every control a finger wide', async () => {
    const phone = await openAs(ADMIN, 390);
    await go(phone, `/catalog?creator=${creatorId}`);
    await phone.locator('[data-pack="Pack photo"] [data-media-preview] img').waitFor();
    await phone.locator('[data-figures] [data-row="Pack photo"]').waitFor();
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'catalog-phone.png'), fullPage: true });

    await phone.getByRole('button', { name: 'Edit Pack photo' }).click();
    await phone.locator('[data-pack-form] [data-media-preview] img').waitFor();
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(phone)).toEqual([]);
    await phone.locator('[data-figures]').scrollIntoViewIfNeeded();
    expect(await phoneProblems(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'catalog-figures-phone.png') });

    await phone.getByRole('button', { name: 'FR' }).click();
    await phone.getByRole('heading', { name: 'Catalogue' }).waitFor();
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
  });

  it('shows nothing of the catalog to a chatter, whose abilities do not include it', async () => {
    const chatter = await hub.createUser('chatter-catalog@test.velvet', 'chatter', [creatorId]);
    const phone = await openAs(chatter, 1440);
    expect(await phone.getByRole('link', { name: 'Catalog', exact: true }).count()).toBe(0);
    await go(phone, '/catalog');
    await phone.locator('[data-forbidden]').waitFor();
    expect(await phone.locator('[data-packs], [data-figures]').count()).toBe(0);
  });

  it('shows a model the figures of their creator only, with nothing to edit', async () => {
    const model = await hub.createUser('model-catalog@test.velvet', 'model', [creatorId]);
    const phone = await openAs(model, 390, '/approvals');
    await go(phone, '/catalog');
    const figures = phone.locator('[data-figures]');
    await figures.locator('[data-row="Pack photo"]').waitFor();
    expect(await figures.getByLabel('Creators').locator('option').allTextContents()).toEqual(['Maya']);
    expect(await phone.locator('[data-packs], [data-promos], [data-pack-form]').count()).toBe(0);
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(phone)).toEqual([]);
  });
});
