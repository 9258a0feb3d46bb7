// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TelegramStandin } from '@velvet/platforms/testing';
import { launchChromium, phoneProblems, signIn } from './browser';
import { ROOT, type Client } from './harness';
import { inboxClient, startTelegramStack, until, type TelegramStack, type VelvetProcess } from './stack';

const TOKEN = '7700000007:AAH-approvals-ui-test-bot-token-for-test-07';
const SHOTS = path.join(ROOT, 'inbox-ui/test-results');
const DRAFT = 'Coucou toi ! Trop contente de te lire, tu as passé une bonne journée ?';
const MODEL = { email: 'lina@model.test', password: 'model-password-123' };

/** The creator's phone view in Chromium at 390×844, against real hub and workers processes. */
describe('approvals on a phone', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let hub: VelvetProcess;
  let admin: Client;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  const say = (chatId: number, text: string) => env.say(chatId, text);
  const cardOf = (text: string) => page.locator('article[data-draft-id]', { hasText: text });
  const sentTo = (chatId: number) => telegram.sent.filter((m) => String(m.chat_id) === String(chatId));
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `approvals-${name}.png`) });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await startTelegramStack({
      token: TOKEN,
      ollama: { tokensPerSecond: 300, reply: () => DRAFT },
      // No AI disclosure here: the fan receives exactly the approved text.
      creator: { name: 'Lina', disclosure: { enabled: false } },
      fanName: 'Noé',
    });
    ({ telegram, hub, admin } = env);
    await admin.post('/api/users', { ...MODEL, role: 'model', creatorIds: [env.creatorId] });

    browser = await launchChromium();
    context = await browser.newContext({
      locale: 'en-US',
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, hub.url!, MODEL, '/studio');
    await page.goto(`${hub.url!}/approvals`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.destroy();
  });

  it('shows a new draft live, fits 390 px, and Approve delivers it to the fan', async () => {
    await page.getByText('Nothing waits for you').waitFor();
    await shot('empty');
    expect((await say(6001, 'coucou tu es dispo ?')).status).toBe(200);
    const card = cardOf('coucou tu es dispo ?');
    await card.waitFor({ timeout: 15_000 });
    await card.getByText(DRAFT).waitFor();
    await expect.poll(() => page.locator('[data-stat=pending] dd').textContent()).toBe('1');
    await shot('card');

    const overflow = await page.evaluate(() => {
      const scroller = document.querySelector('main > div') as HTMLElement;
      return {
        page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        view: scroller.scrollWidth - scroller.clientWidth,
      };
    });
    expect(overflow).toEqual({ page: 0, view: 0 });
    for (const name of ['Approve', 'Edit', 'Reject']) {
      const box = (await card.getByRole('button', { name }).boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
    }
    expect(await phoneProblems(page)).toEqual([]);

    await card.getByRole('button', { name: 'Approve' }).tap();
    await card.waitFor({ state: 'detached' });
    const delivered = await until(() => sentTo(6001)[0], 10_000, 'the approved reply at Telegram');
    expect(delivered.text).toBe(DRAFT);
    await expect.poll(() => page.locator('[data-stat=approved] dd').textContent()).toBe('1');
  });

  it('sends the edited text, not the draft', async () => {
    await say(6002, 'tu fais quoi ce soir');
    const card = cardOf('tu fais quoi ce soir');
    await card.waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: 'Edit' }).tap();
    await card.getByLabel('Your reply').fill('Je pense à toi 😘 <b>ce soir</b>');
    await shot('edit');
    await card.getByRole('button', { name: 'Send edited reply' }).tap();
    await card.waitFor({ state: 'detached' });
    const delivered = await until(() => sentTo(6002)[0], 10_000, 'the edited reply at Telegram');
    expect(delivered.text).toBe('Je pense à toi 😘 <b>ce soir</b>');
  });

  it('drops a card someone else decided, and opens the card a notification points at', async () => {
    await say(6003, 'premier message');
    await say(6004, 'second message');
    const first = cardOf('premier message');
    const second = cardOf('second message');
    await first.waitFor({ timeout: 15_000 });
    await second.waitFor({ timeout: 15_000 });
    const secondId = (await second.getAttribute('data-draft-id'))!;

    const socket = await inboxClient(hub.url!, admin.token);
    try {
      const firstId = (await first.getAttribute('data-draft-id'))!;
      expect(await socket.emitWithAck('draft:reject', { draftId: firstId })).toEqual({ ok: true });
    } finally {
      socket.disconnect();
    }
    await first.waitFor({ state: 'detached', timeout: 5000 });

    await page.goto(`${hub.url}/approvals#draft-${secondId}`);
    const target = page.locator(`#draft-${secondId}`);
    await target.waitFor();
    await expect.poll(() => target.getAttribute('class')).toContain('ring-indigo-500');
    await shot('opened-from-notification');
  });

  it('is installable: manifest, icons and a service worker that registers under the CSP', async () => {
    const manifest = await page.request.get(`${hub.url}/manifest.webmanifest`);
    expect(manifest.status()).toBe(200);
    const body = await manifest.json();
    expect(body).toMatchObject({ display: 'standalone', start_url: '/approvals' });
    for (const icon of body.icons as { src: string; sizes: string }[]) {
      const response = await page.request.get(`${hub.url}${icon.src}`);
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toBe('image/png');
    }
    expect(await page.locator('link[rel=manifest]').getAttribute('href')).toMatch(/manifest\.webmanifest$/);
    const sw = await page.request.get(`${hub.url}/service-worker.js`);
    expect(sw.status()).toBe(200);
    expect(sw.headers()['content-type']).toMatch(/javascript/);
    const scriptUrl = await page.evaluate(
      async () => (await navigator.serviceWorker.ready).active?.scriptURL,
    );
    expect(scriptUrl).toBe(`${hub.url}/service-worker.js`);
    await page.getByRole('button', { name: 'Notify me on this device' }).waitFor();

    // A push as the push service would deliver it: the service worker shows it, and only
    // ever points it at this app.
    await context.grantPermissions(['notifications'], { origin: hub.url! });
    const cdp = await context.newCDPSession(page);
    const registrations: { registrationId: string; scopeURL: string; isDeleted: boolean }[] = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => registrations.push(...e.registrations));
    await cdp.send('ServiceWorker.enable');
    const registration = await until(
      () => registrations.find((r) => r.scopeURL === `${hub.url}/` && !r.isDeleted),
      5000,
      'the service worker registration',
    );
    const draftId = '11111111-2222-4333-8444-555555555555';
    const deliver = (data: object) =>
      cdp.send('ServiceWorker.deliverPushMessage', {
        origin: hub.url!,
        registrationId: registration.registrationId,
        data: JSON.stringify(data),
      });
    const notifications = () =>
      page.evaluate(async () =>
        (await (await navigator.serviceWorker.ready).getNotifications()).map((n) => ({
          title: n.title,
          body: n.body,
          tag: n.tag,
          data: n.data as { url: string },
        })),
      );
    await deliver({
      kind: 'draft',
      draftId,
      url: `/approvals#draft-${draftId}`,
      creatorName: 'lina_star',
      fanName: 'Noé',
      text: 'coucou <b>toi</b>',
    });
    const shown = await until(
      async () => (await notifications()).find((n) => n.tag === `draft-${draftId}`),
      15_000,
      'the notification',
    );
    expect(shown).toEqual({
      title: 'lina_star: a reply to approve',
      body: 'Noé: coucou <b>toi</b>',
      tag: `draft-${draftId}`,
      data: { url: `${hub.url}/approvals#draft-${draftId}`, draftId },
    });
    await deliver({ kind: 'digest', count: 3, url: 'https://elsewhere.example/phish' });
    const digest = await until(
      async () => (await notifications()).find((n) => n.tag === 'velvet-approvals'),
      15_000,
      'the digest',
    );
    expect(digest).toMatchObject({ title: '3 replies wait for you', data: { url: `${hub.url}/approvals` } });
    // Nothing failed in the page, CSP violations included (the 401 is the silent session
    // restore before signing in).
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
