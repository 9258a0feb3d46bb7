// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

describe('sign-in page in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;

  beforeAll(async () => {
    hub = await startTestHub({ ui: true, publicUrl: 'http://127.0.0.1' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  async function open(locale: string, width = 1280): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ locale, viewport: { width, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(hub.url);
    return { page, errors };
  }

  it('signs in, survives a reload, signs out', async () => {
    const { page, errors } = await open('en-US');
    const response = await page.request.get(hub.url);
    expect(response.headers()['content-security-policy']).toMatch(/script-src 'self' 'sha256-/);

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong email or password');
    expect(await page.getByLabel('Email').inputValue()).toBe(ADMIN.email);

    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Admins land on Home.
    await page.waitForURL(/\/home$/);
    await page.getByText(`Signed in as ${ADMIN.email} (admin)`).waitFor();

    await page.reload();
    await page.getByText(`Signed in as ${ADMIN.email}`).waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Password').waitFor();
    await page.reload();
    await page.getByLabel('Password').waitFor();
    expect(await page.getByText('Signed in as').count()).toBe(0);
    // The 401 of the silent restore after sign-out is expected; nothing else may fail.
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('returns to sign-in at once when an admin disables the user, and reconnects after a scope change', async () => {
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', creatorBody('Scope'));
    const chatter = await admin.post('/api/users', {
      email: 'browser-chatter@test.velvet',
      password: 'chatter-password-123',
      role: 'chatter',
      creatorIds: [],
    });
    const { page, errors } = await open('en-US');
    await page.getByLabel('Email').fill('browser-chatter@test.velvet');
    await page.getByLabel('Password').fill('chatter-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as browser-chatter@test.velvet (chatter)').waitFor();
    const indicator = page.locator('[data-connection]');
    await expect.poll(() => indicator.getAttribute('data-connection')).toBe('connected');
    // Every state the connection indicator goes through from here on.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { states: string[] }).states = seen;
      const target = document.querySelector('[data-connection]')!;
      new MutationObserver(() => seen.push(target.getAttribute('data-connection')!)).observe(target, {
        attributes: true,
      });
    });
    const states = () => page.evaluate(() => (window as unknown as { states: string[] }).states);

    // A new scope: the server ends the socket; the page reconnects on its own.
    const moved = await admin.patch(`/api/users/${chatter.body.id}`, { creatorIds: [creator.body.id] });
    expect(moved.status).toBe(200);
    await expect.poll(states, { timeout: 10_000 }).toEqual(['offline', 'connected']);
    expect(await page.getByText('Signed in as browser-chatter@test.velvet').count()).toBe(1);

    // Disabled: back to the sign-in form without touching anything.
    const disabledAt = Date.now();
    expect((await admin.patch(`/api/users/${chatter.body.id}`, { disabled: true })).status).toBe(200);
    await page.getByLabel('Password').waitFor({ timeout: 5000 });
    expect(Date.now() - disabledAt).toBeLessThan(5000);
    expect(await page.getByText('Signed in as').count()).toBe(0);
    // The refused refresh (401) is expected; nothing else may fail.
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  });

  it('speaks French to a French browser and fits a 390 px phone', async () => {
    const { page } = await open('fr-FR', 390);
    await page.getByLabel('Mot de passe').waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Se connecter' }).count()).toBe(1);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
