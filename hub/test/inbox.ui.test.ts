// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { launchChromium, phoneProblems, signIn } from './browser';
import { ADMIN, ROOT } from './harness';
import {
  postTelegram,
  startTelegramStack,
  type Stack,
  type TelegramStack,
  type VelvetProcess,
} from './stack';

const TOKEN = '7700000002:AAH-inbox-ui-test-bot-token-for-tests-02';
const SHOTS = path.join(ROOT, 'inbox-ui/test-results');
const DRAFT = 'Coucou toi ! Ça me fait super plaisir de te lire, tu passes une bonne journée ?';
/** A draft the checks hold back: it gives a phone number. */
const HELD = 'Appelle-moi au 06 12 34 56 78 😘';
const XSS_NAME = '<img src=x onerror="window.__xss=1">';
const XSS_TEXT = '<script>window.__xss=2</script><b id="injected">salut</b> tu fais quoi ?';

/** The operator inbox in Chromium against real hub and workers processes. */
describe('operator inbox in Chromium', () => {
  let env: TelegramStack;
  let telegram: TelegramStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let browser: Browser;
  let page: Page;
  let account: { id: string; secret: string };
  let creatorId: string;
  const dialogs: string[] = [];
  const errors: string[] = [];

  const say = (url: string, chatId: number, text: string, firstName: string) =>
    postTelegram(
      url,
      account.id,
      account.secret,
      telegramUpdates.text({
        updateId: env.nextUpdateId(),
        chatId,
        fromId: chatId,
        text,
        languageCode: 'fr',
        firstName,
      }),
    );
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `inbox-${name}.png`) });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    env = await startTelegramStack({
      token: TOKEN,
      // Slow enough that the draft is seen streaming.
      ollama: {
        tokensPerSecond: 15,
        reply: (request: { messages?: { content: string }[] }) =>
          request.messages?.some((m) => m.content.includes('appelle-moi')) ? HELD : DRAFT,
      },
      creator: { name: 'Inbox' },
      fanName: 'Alex',
    });
    ({ telegram, stack, hub, creatorId, account } = env);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (d) => (dialogs.push(d.message()), void d.dismiss()));
    page.on('pageerror', (e) => errors.push(e.message));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await env?.destroy();
  });

  it('signs in, lands on Home, and opens the inbox', async () => {
    await page.goto(hub.url!);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/home$/);
    await page.getByRole('navigation', { name: 'Main' }).first().getByRole('link', { name: 'Inbox' }).click();
    await page.waitForURL(/\/inbox$/);
    await page.locator('[data-connection="connected"]').waitFor();
    // An empty install says what to do next.
    const empty = page.getByTestId('empty-list');
    await empty.getByText('Nothing waiting').waitFor();
    expect(await empty.getByRole('link', { name: 'Connect an account' }).getAttribute('href')).toBe(
      '/accounts',
    );
    await shot('empty');
  });

  it('shows a webhook message live, streams the draft, and Approve delivers it; fan text stays inert', async () => {
    expect((await say(hub.url!, 9001, XSS_TEXT, XSS_NAME)).status).toBe(200);
    const row = page.locator('[data-conversation]').first();
    await row.waitFor();
    expect(await row.locator('[data-testid="fan-name"]').textContent()).toBe(XSS_NAME);
    await row.click();
    await page.getByTestId('message-text').filter({ hasText: 'tu fais quoi' }).waitFor();
    expect(await page.getByTestId('message-text').first().textContent()).toBe(XSS_TEXT);

    // The draft streams in place: seen while drafting, then waiting for approval.
    await page.locator('[data-draft-status="drafting"]').waitFor({ timeout: 15_000 });
    const partial = await page.getByTestId('draft-text').textContent();
    await shot('drafting');
    await page.locator('[data-draft-status="pending_approval"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('draft-text').textContent()).toBe(DRAFT);
    expect(DRAFT.startsWith(partial ?? 'x')).toBe(true);
    await shot('draft-pending');

    // Approve from the keyboard.
    await page.locator('body').click({ position: { x: 700, y: 5 } });
    await page.keyboard.press('a');
    await expect
      .poll(() => telegram.sent.map((m) => m.text).join('\n'), { timeout: 15_000 })
      .toContain(DRAFT);
    await page.locator('[data-testid="delivery"][data-status="sent"]').first().waitFor({ timeout: 10_000 });

    // A human reply from the composer goes out too.
    await page.getByLabel('Reply').fill('Réponse humaine <i>ok</i>');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await expect
      .poll(() => telegram.sent.map((m) => m.text), { timeout: 15_000 })
      .toContain('Réponse humaine <i>ok</i>');
    await page.getByTestId('fan-panel').waitFor();
    await shot('thread');

    expect(dialogs).toEqual([]);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('#injected').count()).toBe(0);
    expect(await page.locator('main img').count()).toBe(0);
  }, 90_000);

  it('fits a 390 px phone with no horizontal overflow: list, thread, fan panel', async () => {
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    const phone = await context.newPage();
    phone.on('pageerror', (e) => errors.push(e.message));
    await signIn(phone, hub.url!, ADMIN, '/home');
    await phone.goto(`${hub.url!}/inbox`);
    const row = phone.locator('[data-conversation]').first();
    await row.waitFor();
    expect(await overflow(phone)).toEqual([]);
    expect(await phoneProblems(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'inbox-phone-list.png') });

    // The places are a tab bar at the bottom, in full words; the top bar keeps no menu.
    const tabs = phone.getByTestId('tab-bar');
    expect((await tabs.getByRole('link').allTextContents()).map((s) => s.trim())).toEqual([
      'Home',
      'Inbox',
      'Approvals',
    ]);
    const bar = (await tabs.boundingBox())!;
    expect(bar.y + bar.height).toBeGreaterThan(844 - 2);
    expect(await phone.locator('header nav').isVisible()).toBe(false);
    await tabs.getByRole('link', { name: 'Approvals' }).click();
    await phone.waitForURL('**/approvals');
    expect(await phoneProblems(phone)).toEqual([]);
    // Past four places, the last tab opens the others.
    await tabs.getByRole('button', { name: 'More' }).click();
    const others = phone.getByTestId('more-places');
    expect((await others.getByRole('link').allTextContents()).map((s) => s.trim())).toEqual([
      'Dashboard',
      'Creators',
      'Accounts',
      'Catalog',
      'Calendar',
      'Posts',
      'Content',
      'Planner',
      'Analytics',
      'Teams',
      'Saved replies',
      'Experiments',
      'Users',
      'Activity',
      'Backups',
      'My account',
    ]);
    await others.getByRole('link', { name: 'Dashboard' }).click();
    await phone.waitForURL('**/dashboard');
    await others.waitFor({ state: 'detached' });
    expect(await phoneProblems(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'inbox-phone-dashboard.png') });
    await tabs.getByRole('button', { name: 'More' }).click();
    await others.getByRole('link', { name: 'Accounts' }).click();
    await phone.waitForURL('**/accounts');
    await others.waitFor({ state: 'detached' });
    expect(await phoneProblems(phone)).toEqual([]);
    await tabs.getByRole('link', { name: 'Inbox' }).click();
    await row.waitFor();

    // The list gives way to the thread, with a way back.
    await row.click();
    await phone.getByTestId('message-text').first().waitFor();
    expect(await phone.getByTestId('virtual-list').isVisible()).toBe(false);
    expect(await overflow(phone)).toEqual([]);
    expect(await phoneProblems(phone)).toEqual([]);
    expect(await phone.getByLabel('Reply').getAttribute('placeholder')).toBe('Write a reply…');
    await phone.screenshot({ path: path.join(SHOTS, 'inbox-phone-thread.png') });

    // The fan panel opens over the thread and closes again.
    expect(await phone.getByTestId('fan-panel').isVisible()).toBe(false);
    await phone.getByRole('button', { name: 'Fan details' }).click();
    await phone.getByTestId('lifetime-spend').waitFor();
    expect(await overflow(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SHOTS, 'inbox-phone-fan-panel.png') });
    await phone
      .getByRole('dialog', { name: 'Fan' })
      .getByRole('button', { name: 'Close fan details' })
      .click();
    await phone.getByTestId('fan-panel').waitFor({ state: 'hidden' });

    await phone.getByRole('button', { name: '← Conversations' }).click();
    await row.waitFor();
    expect(await overflow(phone)).toEqual([]);
    await context.close();
  }, 60_000);

  it('below 1280 px the fan panel is a drawer opened from the thread', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1024, height: 768 } });
    const tablet = await context.newPage();
    tablet.on('pageerror', (e) => errors.push(e.message));
    await signIn(tablet, hub.url!, ADMIN, '/home');
    await tablet.goto(`${hub.url!}/inbox`);
    await tablet.locator('[data-conversation]').first().click();
    await tablet.getByTestId('message-text').first().waitFor();
    // List and thread side by side; the panel has no column of its own here.
    expect(await tablet.getByTestId('virtual-list').isVisible()).toBe(true);
    expect(await tablet.getByTestId('fan-panel').isVisible()).toBe(false);
    expect(await overflow(tablet)).toEqual([]);
    await tablet.screenshot({ path: path.join(SHOTS, 'inbox-1024-thread.png') });

    const toggle = tablet.getByRole('button', { name: 'Fan details' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    const drawer = tablet.getByRole('dialog', { name: 'Fan' });
    await drawer.getByTestId('lifetime-spend').waitFor();
    const box = (await drawer.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1024);
    expect(box.width).toBeGreaterThan(300);
    // Notes can be edited from the drawer.
    await drawer.getByLabel('Notes').fill('Vu sur tablette');
    await drawer.getByRole('button', { name: 'Save' }).click();
    await drawer.getByText('Saved').waitFor();
    expect(await overflow(tablet)).toEqual([]);
    await tablet.screenshot({ path: path.join(SHOTS, 'inbox-1024-fan-panel.png') });

    await tablet.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await context.close();
  }, 60_000);

  it('resolves and snoozes from the thread; the fan’s next message brings the conversation back', async () => {
    expect((await say(hub.url!, 9003, 'merci pour tout', 'Camille')).status).toBe(200);
    const row = page.locator('[data-conversation]').filter({ hasText: 'Camille' });
    await row.click();
    await page.getByTestId('message-text').filter({ hasText: 'merci pour tout' }).waitFor();

    await page.getByRole('button', { name: '✓ Resolve' }).click();
    await page.getByTestId('thread-status').filter({ hasText: 'Resolved' }).waitFor();
    await page.getByRole('button', { name: 'Reopen' }).waitFor();
    await page.locator('[data-view="resolved"]').click();
    await row.waitFor();
    await page.locator('[data-view="open"]').click();
    await row.waitFor({ state: 'detached' });
    await shot('resolved');

    // The fan writes again: back in the open list, live.
    expect((await say(hub.url!, 9003, 'encore une question', 'Camille')).status).toBe(200);
    await row.waitFor({ timeout: 15_000 });
    await row.click();
    await page.getByTestId('thread-status').filter({ hasText: 'Bot' }).waitFor();

    // Snoozed for an hour: it leaves the open list and says until when in the snoozed one.
    await page.getByLabel('Snooze').selectOption({ label: '1 hour' });
    await page.getByTestId('thread-snoozed').waitFor();
    await page.locator('[data-view="snoozed"]').click();
    await row.waitFor();
    await shot('snoozed');
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByTestId('thread-snoozed').waitFor({ state: 'detached' });
    await page.locator('[data-view="open"]').click();
    await row.waitFor();
  }, 60_000);

  it('shows a held draft with its reason in words, and a person’s reply retires it', async () => {
    expect((await say(hub.url!, 9004, 'appelle-moi ce soir', 'Jo')).status).toBe(200);
    await page.locator('[data-conversation]').filter({ hasText: 'Jo' }).click();
    const card = page.getByTestId('draft');
    await page.locator('[data-draft-status="blocked"]').waitFor({ timeout: 20_000 });
    await card.getByText('Held by the checks').waitFor();
    await card.getByText('gives contact details (phone, email or another app)').waitFor();
    // What the fan would get first: the AI notice, shown before anything is approved.
    await card.getByTestId('draft-disclosure').waitFor();
    // Held: no approve button, and the shortcut opens the editor instead of sending.
    expect(await card.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    await card.getByRole('button', { name: 'Send anyway' }).waitFor();
    await page.locator('body').click({ position: { x: 700, y: 5 } });
    await page.keyboard.press('a');
    await page.getByRole('button', { name: 'Send edited' }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(telegram.sent.filter((m) => String(m.chat_id) === '9004')).toHaveLength(0);
    await shot('held-draft');

    // The operator answers in their own words: the held draft is withdrawn, its words gone.
    await page.getByLabel('Reply').fill('Je te réponds moi-même 🙂');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await card.getByTestId('draft-retired').filter({ hasText: 'Withdrawn: a person replied' }).waitFor();
    expect(await card.getByRole('button').count()).toBe(0);
    expect(await card.getByTestId('draft-text').count()).toBe(0);
    await expect
      .poll(() => telegram.sent.filter((m) => String(m.chat_id) === '9004').map((m) => m.text))
      .toContain('Je te réponds moi-même 🙂');

    // The fan presses the 18+ button: said in words in the thread, never "age:yes".
    const pressed = await postTelegram(
      hub.url!,
      account.id,
      account.secret,
      telegramUpdates.callback({ updateId: env.nextUpdateId(), chatId: 9004, fromId: 9004, data: 'age:yes' }),
    );
    expect(pressed.status).toBe(200);
    await page.getByTestId('fan-event').filter({ hasText: '✓ Confirmed 18+' }).waitFor();
    expect(await page.getByTestId('messages').getByText('age:yes').count()).toBe(0);
    expect(telegram.sent.map((m) => m.text)).not.toContain(HELD);
  }, 60_000);

  it('an admin exports a fan’s data and erases them from the fan panel, the name typed to confirm', async () => {
    expect((await say(hub.url!, 9005, 'mon secret très personnel', 'Sacha')).status).toBe(200);
    await page.locator('[data-conversation]').filter({ hasText: 'Sacha' }).click();
    await page.getByTestId('message-text').filter({ hasText: 'mon secret très personnel' }).waitFor();
    const data = page.getByTestId('fan-data');
    await data.waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      data.getByRole('button', { name: 'Export their data' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^fan-[\w-]+\.tar\.gz$/);
    await data.getByText('Archive downloaded.').waitFor();

    await data.getByLabel(/To erase, type their name/).fill('Sasha');
    await data.getByRole('button', { name: 'Erase this fan' }).click();
    await data.getByRole('alert').filter({ hasText: 'Not erased' }).waitFor();
    expect(await stack.query(`select 1 from messages where text = 'mon secret très personnel'`)).toHaveLength(
      1,
    );

    await data.getByLabel(/To erase, type their name/).fill('Sacha');
    await data.getByRole('button', { name: 'Erase this fan' }).click();
    await data.getByText('Erased. A new message from them starts a new fan.').waitFor();
    expect(await stack.query(`select 1 from messages where text = 'mon secret très personnel'`)).toHaveLength(
      0,
    );
  }, 60_000);

  it('scrolls 5,000 conversations with only a window of rows in the DOM', async () => {
    await stack.query(`
      with f as (
        insert into fans (account_id, platform_user_id, display_name)
        select '${account.id}', 'bulk-' || i, 'Bulk fan ' || lpad(i::text, 4, '0')
        from generate_series(1, 5000) i returning id, platform_user_id)
      insert into conversations (creator_id, account_id, fan_id, platform_chat_id, last_message_at, unread_count)
      select '${creatorId}', '${account.id}', f.id, f.platform_user_id,
        now() - interval '1 day' - (substring(f.platform_user_id from 6)::int * interval '1 second'), 1
      from f`);
    await page.reload();
    const list = page.getByTestId('virtual-list');
    await list.waitFor();
    for (let i = 0; i < 60; i++) {
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await page.waitForTimeout(150);
      if (await page.getByText('Bulk fan 5000').count()) break;
    }
    await page.getByText('Bulk fan 5000').waitFor();
    const rows = await page.locator('[data-conversation]').count();
    expect(rows).toBeGreaterThan(5);
    expect(rows).toBeLessThan(60);
    const total = await list.evaluate((el) => el.scrollHeight);
    expect(total).toBeGreaterThanOrEqual(5000 * 76);
    await shot('list-5000');
  }, 90_000);

  it('after the hub restarts, shows what was missed while it was down', async () => {
    await list0(page);
    const port = hub.port!;
    await hub.stop();
    await page.locator('[data-connection="reconnecting"], [data-connection="offline"]').first().waitFor();
    await shot('reconnecting');
    // Another hub of the deployment takes the webhook while this one is down.
    const other = await stack.start('hub');
    expect((await say(other.url!, 9002, 'message pendant la coupure', 'Absent')).status).toBe(200);
    await other.stop();
    hub = await stack.start('hub', { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` });
    await page.locator('[data-connection="connected"]').waitFor({ timeout: 30_000 });
    await page.getByText('message pendant la coupure').first().waitFor({ timeout: 15_000 });
    await shot('after-restart');
    expect(errors).toEqual([]);
  }, 120_000);
});

/**
 * What sticks out sideways: the page scrolling horizontally, or a visible element reaching
 * past the viewport (the app shell clips overflow, so the page alone would not show it).
 */
function overflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) {
      found.push(`page scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
    }
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const rect = el.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0 || !el.checkVisibility()) continue;
      if (rect.left < -1 || rect.right > width + 1) {
        found.push(
          `${el.tagName.toLowerCase()}.${el.className} [${Math.round(rect.left)}, ${Math.round(rect.right)}]`,
        );
      }
    }
    return found;
  });
}

/** Back to the top of the list, so the newest conversation is in view. */
async function list0(page: Page) {
  await page.getByTestId('virtual-list').evaluate((el) => (el.scrollTop = 0));
}
