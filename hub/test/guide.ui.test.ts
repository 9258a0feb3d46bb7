// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, signIn } from './browser';
import { ADMIN, ROOT, type Client } from './harness';
import { startTelegramStack, type TelegramStack, type VelvetProcess } from './stack';

const TOKEN = '7700000024:AAH-guide-screenshots-bot-token-for-t-24';
/** `VELVET_GUIDE_SCREENSHOTS=1` writes the user guide's pictures; otherwise they land with the other test shots. */
const WRITE_GUIDE = process.env.VELVET_GUIDE_SCREENSHOTS === '1';
const SHOTS = WRITE_GUIDE
  ? path.join(ROOT, 'docs/guide/img')
  : path.join(ROOT, 'inbox-ui/test-results/guide');
const DRAFT = 'Coucou Noé ! Oui je suis là 😊 Tu as passé une bonne journée ?';
const HELD = 'Appelle-moi au 06 12 34 56 78 😘';
const MANAGER = { email: 'marc@agency.test', password: 'manager-password-123' };
const CHATTER = { email: 'chloe@agency.test', password: 'chatter-password-123' };
const MODEL = { email: 'lina@agency.test', password: 'model-password-123' };

/**
 * Shrinks a screenshot to a 256-colour PNG with ImageMagick when it is there (the guide's
 * pictures stay small in git); the full-colour original is kept otherwise.
 */
function compress(file: string): void {
  const smaller = `${file}.tmp.png`;
  const run = spawnSync('convert', [file, '-strip', '-colors', '256', `PNG8:${smaller}`]);
  if (run.status === 0) renameSync(smaller, file);
}

/**
 * Walks the real hub as each role would, with seeded conversations, and takes the pictures
 * the user guide (docs/guide/) shows; each picture is taken only once what it should show
 * is on screen.
 */
describe('the user guide’s screens', () => {
  let env: TelegramStack;
  let hub: VelvetProcess;
  let admin: Client;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  const shot = async (page: Page, name: string, options: { fullPage?: boolean } = {}) => {
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file, ...options });
    compress(file);
  };
  const open = async (
    user: { email: string; password: string },
    device: 'desktop' | 'phone',
    options: { lang?: 'fr'; landing?: string } = {},
  ) => {
    const context = await browser.newContext({
      locale: 'en-US',
      ...(device === 'desktop'
        ? { viewport: { width: 1440, height: 900 } }
        : { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true }),
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, hub.url!, user, options.landing ?? '/inbox');
    if (options.lang) {
      await page.evaluate((lang) => localStorage.setItem('velvet.lang', lang), options.lang);
      await page.reload();
    }
    return page;
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await startTelegramStack({
      token: TOKEN,
      ollama: {
        tokensPerSecond: 300,
        reply: (request: { messages?: { content: string }[] }) =>
          request.messages?.some((m) => m.content.includes('appelle-moi')) ? HELD : DRAFT,
      },
      creator: { name: 'Lina' },
      fanName: 'Noé',
    });
    ({ hub, admin } = env);
    for (const [user, role] of [
      [MANAGER, 'manager'],
      [CHATTER, 'chatter'],
      [MODEL, 'model'],
    ] as const) {
      const created = await admin.post('/api/users', { ...user, role, creatorIds: [env.creatorId] });
      expect(created.status).toBe(201);
    }
    const pack = await admin.post(`/api/creators/${env.creatorId}/packs`, {
      name: 'Lingerie',
      type: 'lingerie',
      price: 15,
      priceStars: 750,
      description: '12 photos',
    });
    expect(pack.status).toBe(201);
    expect(
      (
        await admin.post(`/api/creators/${env.creatorId}/promo-codes`, {
          code: 'WELCOME10',
          kind: 'percent',
          value: 10,
        })
      ).status,
    ).toBe(201);

    expect((await env.say(9101, 'coucou toi, ça va ?')).status).toBe(200);
    expect((await env.say(9102, 'appelle-moi ce soir stp', 'Jo')).status).toBe(200);
    expect((await env.say(9103, 'salut, tu fais quoi de beau ?', 'Sam')).status).toBe(200);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await env?.destroy();
  });

  it('signing in', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(hub.url!);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Email').fill(ADMIN.email);
    await shot(page, 'sign-in');
  });

  it('the inbox: a streamed draft to approve, a held one, the fan panel', async () => {
    const page = await open(ADMIN, 'desktop');
    await page.locator('[data-connection="connected"]').waitFor();
    await expect.poll(() => page.locator('[data-conversation]').count(), { timeout: 20_000 }).toBe(3);

    await page.locator('[data-conversation]').filter({ hasText: 'Noé' }).click();
    await page.locator('[data-draft-status="pending_approval"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('draft-text').textContent()).toBe(DRAFT);
    await page.getByRole('button', { name: /^Approve/ }).waitFor();
    await page.getByTestId('fan-panel').getByText('Export their data').waitFor();
    await shot(page, 'inbox');

    await page.locator('[data-conversation]').filter({ hasText: 'Jo' }).click();
    const card = page.getByTestId('draft');
    await page.locator('[data-draft-status="blocked"]').waitFor({ timeout: 20_000 });
    await card.getByText('gives contact details (phone, email or another app)').waitFor();
    await card.getByRole('button', { name: 'Send anyway' }).waitFor();
    await shot(page, 'inbox-held');

    const panel = page.getByTestId('fan-panel');
    await panel.getByText('Erase this fan').waitFor();
    await panel.screenshot({ path: path.join(SHOTS, 'fan-panel.png') });
    compress(path.join(SHOTS, 'fan-panel.png'));
  }, 90_000);

  it('the dashboard, with an alert', async () => {
    const page = await open(ADMIN, 'desktop');
    await page.goto(`${hub.url}/dashboard`);
    await page.getByText('Messages per minute (last hour)').waitFor();
    env.ollama.down();
    try {
      await env.say(9104, 'tu es là ?', 'Eli');
      await page.locator('[data-alert=llm_down]').waitFor({ timeout: 15_000 });
    } finally {
      env.ollama.up();
    }
    await expect.poll(() => page.locator('[data-total=in]').textContent(), { timeout: 15_000 }).toBe('4');
    await shot(page, 'dashboard', { fullPage: true });
  }, 60_000);

  it('the panel screens: creators, accounts, users, backups', async () => {
    const page = await open(ADMIN, 'desktop');
    await page.goto(`${hub.url}/creators`);
    await page.locator('[data-creator]', { hasText: 'lina_star' }).waitFor();
    await shot(page, 'creators');

    await page.goto(`${hub.url}/accounts?creator=${env.creatorId}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText('telegram', { exact: false }).first().waitFor();
    await page.getByText('Connected', { exact: false }).first().waitFor();
    await shot(page, 'accounts');

    await page.goto(`${hub.url}/users`);
    for (const user of [MANAGER, CHATTER, MODEL]) await page.getByText(user.email).waitFor();
    await shot(page, 'users');

    await page.goto(`${hub.url}/backups`);
    await page.getByRole('heading', { name: 'Backups', level: 1 }).waitFor();
    await page.getByText('A backup every 24 h, keeping the newest 7.').waitFor();
    await shot(page, 'backups');
  }, 60_000);

  it('what a chatter sees: their creators, no panel screens', async () => {
    const page = await open(CHATTER, 'desktop');
    await expect.poll(() => page.locator('[data-conversation]').count(), { timeout: 15_000 }).toBe(4);
    const nav = page.locator('header nav');
    expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Backups' }).count()).toBe(0);
    await page.locator('[data-conversation]').filter({ hasText: 'Sam' }).click();
    await page.locator('[data-draft-status="pending_approval"]').waitFor({ timeout: 20_000 });
    await shot(page, 'inbox-chatter');
  }, 60_000);

  it('approvals on the creator’s phone, in English and French', async () => {
    const page = await open(MODEL, 'phone', { landing: '/approvals' });
    const cards = page.locator('article[data-draft-id]');
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
    await cards.first().getByRole('button', { name: 'Approve' }).waitFor();
    await shot(page, 'approvals-phone');

    const fr = await open(MODEL, 'phone', { landing: '/approvals', lang: 'fr' });
    await fr.locator('article[data-draft-id]').first().getByRole('button', { name: 'Valider' }).waitFor();
    await shot(fr, 'fr-approvals-phone');
  }, 60_000);

  it('the inbox on a phone, and in French', async () => {
    const phone = await open(MANAGER, 'phone');
    await phone.locator('[data-conversation]').first().waitFor();
    await phone.getByTestId('tab-bar').getByRole('link', { name: 'Approvals' }).waitFor();
    await shot(phone, 'inbox-phone');

    const fr = await open(ADMIN, 'desktop', { lang: 'fr' });
    await fr.locator('[data-conversation]').filter({ hasText: 'Noé' }).click();
    await fr.locator('[data-draft-status="pending_approval"]').waitFor({ timeout: 20_000 });
    await fr.getByRole('button', { name: /^Valider/ }).waitFor();
    await shot(fr, 'fr-inbox');
    expect(errors).toEqual([]);
  }, 60_000);
});
