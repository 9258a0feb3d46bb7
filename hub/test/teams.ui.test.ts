import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, overflow, phoneProblems, signIn } from './browser';
import { Client, creatorBody } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

const TOKEN = 'teams-ui-token';
const PASSWORD = 'a-long-enough-password';
const MANAGER = { email: 'lead@teams-ui.velvet', password: PASSWORD };
const ANNA = { email: 'anna@teams-ui.velvet', password: PASSWORD };
const BOB = { email: 'bob@teams-ui.velvet', password: PASSWORD };

/**
 * The Teams screen on a 390 px phone: a manager sets the team and hands out a waiting
 * conversation, a chatter goes on duty and sees the work that comes to them, live.
 */
describe('teams and the waiting queue in Chromium', () => {
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const errors: string[] = [];

  const phone = async (user: { email: string; password: string }, lang?: 'fr') => {
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await signIn(page, hub.url!, user, '/team');
    if (lang) {
      await page.evaluate((l) => localStorage.setItem('velvet.lang', l), lang);
      await page.reload();
    }
    return page;
  };
  const waitingItems = (page: Page) => page.getByTestId('waiting').locator('[data-queue-item]');
  const heldItems = (page: Page) => page.getByTestId('held').locator('[data-queue-item]');

  beforeAll(async () => {
    stack = await Stack.create({ env: { LOG_LEVEL: 'warn', VELVET_ASSIGN_SWEEP_MS: '200' } });
    hub = await stack.start('hub');
    admin = await stack.admin(hub.url!);
    const creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    await admin.post('/api/users', { ...MANAGER, role: 'manager', creatorIds: [creatorId] });
    for (const chatter of [ANNA, BOB])
      await admin.post('/api/users', { ...chatter, role: 'chatter', creatorIds: [creatorId] });
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: TOKEN },
    });
    // Three fans; one name is markup, which must show as text.
    for (const [i, name] of ['Sam', '<b>Zoé</b>', 'Noor'].entries()) {
      await fetch(`${hub.url}/webhooks/sandbox/${account.body.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': TOKEN },
        body: JSON.stringify({
          id: `m${i}`,
          chatId: `c${i}`,
          from: { id: `fan-${i}`, name },
          text: 'je veux parler à un humain',
        }),
      });
    }
    await until(async () => (await admin.get('/api/conversations')).body.conversations.length === 3);
    // What the escalation rule does with that message (the workers are not part of this test).
    await stack.query(
      `update conversations set status = 'escalated', escalation_reason = 'human_request',
         created_at = now() - interval '20 minutes', last_message_at = now() - interval '20 minutes'`,
    );
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await stack?.destroy();
  });

  let lead: Page;

  it('lets a manager set the team on a phone: members, capacity, sharing', async () => {
    lead = await phone(MANAGER);
    const form = lead.getByTestId('team-form');
    await form.locator('[data-member]').first().waitFor();
    await form.getByLabel(`In the team: ${ANNA.email}`).check();
    await form.getByLabel(`Capacity: ${ANNA.email}`).fill('1');
    await form.getByLabel(`In the team: ${BOB.email}`).check();
    await form.getByLabel('Sharing').selectOption('least_loaded');
    await form.getByRole('button', { name: 'Save the team' }).click();
    await lead.getByText('Team saved for Lina.').waitFor();
    const state = form.locator(`[data-member="${ANNA.email}"] [data-member-state]`);
    expect((await state.textContent())?.replace(/\s+/g, ' ').trim()).toBe('Load 0/1 · off duty');

    const team = (await admin.get('/api/creators')).body.creators[0].id;
    const saved = await admin.get(`/api/creators/${team}/assignment`);
    expect(saved.body.strategy).toBe('least_loaded');
    expect(saved.body.members.map((m: { email: string; capacity: number }) => [m.email, m.capacity])).toEqual(
      [
        [ANNA.email, 1],
        [BOB.email, 5],
      ],
    );
  });

  it('shows the manager the queue, and assigns a waiting conversation by hand', async () => {
    await lead.reload();
    await until(async () => (await waitingItems(lead).count()) === 3, 10_000, 'three waiting');
    const first = waitingItems(lead).first();
    expect(await first.locator('[data-reason]').textContent()).toBe('asked for a person');
    expect(await first.locator('[data-age]').textContent()).toBe('waiting 20 min');
    // Markup in a fan's name is shown, never run.
    await lead.getByTestId('waiting').getByText('<b>Zoé</b>', { exact: true }).waitFor();
    expect(await lead.locator('[data-queue-item] b').count()).toBe(0);
    expect(await lead.locator('[data-creator-summary]').textContent()).toContain(
      '3 waiting · 0 on duty · 0 online',
    );

    const sam = waitingItems(lead).filter({ hasText: 'Sam' });
    await sam.getByLabel('Assign to Sam').selectOption({ label: `${BOB.email} — 0/5 · off duty` });
    await sam.getByRole('button', { name: 'Assign' }).click();
    await lead.getByText(`Sam assigned to ${BOB.email} (1 of 5).`).waitFor();
    await until(async () => (await waitingItems(lead).count()) === 2, 5000, 'two left waiting');
    const held = heldItems(lead).filter({ hasText: 'Sam' });
    expect(await held.locator('[data-holder]').textContent()).toBe(`with ${BOB.email}`);
    expect(await overflow(lead)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(lead)).toEqual([]);
  }, 60_000);

  it('lets a chatter go on duty and see what comes to them; the manager sees it live', async () => {
    const anna = await phone(ANNA);
    // A chatter has the screen, with their shift, but neither the queue nor the team editor.
    expect(await anna.getByTestId('queue').count()).toBe(0);
    expect(await anna.getByTestId('team-form').count()).toBe(0);
    await anna.getByText('No conversation is assigned to you.').waitFor();
    const duty = anna.getByTestId('team-duty-toggle');
    expect(await duty.getAttribute('aria-pressed')).toBe('false');
    await duty.click();
    await until(async () => (await duty.getAttribute('aria-pressed')) === 'true', 5000, 'on duty');
    // Their page has the inbox socket open: the oldest waiting conversation comes to them
    // (capacity 1), announced live on both screens.
    const mine = anna.getByTestId('my-conversations').locator('li');
    await until(async () => (await mine.count()) === 1, 10_000, 'a conversation for Anna');
    expect(await anna.getByTestId('my-load').textContent()).toContain('1 of 1 conversations');
    await until(async () => (await waitingItems(lead).count()) === 1, 10_000, 'the manager’s queue moves');
    expect(await heldItems(lead).count()).toBe(2);
    expect(await overflow(anna)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(anna)).toEqual([]);

    // Off duty: the conversation goes back to the queue.
    await duty.click();
    await anna.getByText('You are off duty: 1 conversation(s) went back to the queue.').waitFor();
    await anna.getByText('No conversation is assigned to you.').waitFor();
    await until(async () => (await waitingItems(lead).count()) === 2, 10_000, 'back in the queue');
  }, 60_000);

  it('speaks French', async () => {
    const fr = await phone(BOB, 'fr');
    await fr.getByRole('heading', { name: 'Équipes et file d’attente' }).waitFor();
    await fr.getByRole('heading', { name: 'Mon service' }).waitFor();
    await fr.getByTestId('team-duty-toggle').getByText('Hors service').waitFor();
    await fr.getByTestId('my-conversations').getByText('Sam').waitFor();
    expect(errors).toEqual([]);
  }, 60_000);
});
