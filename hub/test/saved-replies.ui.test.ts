import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

const TOKEN = 'saved-replies-ui-token';
const CHATTER = { email: 'chat@replies.velvet', password: 'a-long-enough-password' };

/** Saved replies managed in the panel, then inserted in the inbox composer with a shortcut. */
describe('saved replies in Chromium', () => {
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    stack = await Stack.create({ env: { LOG_LEVEL: 'warn' } });
    hub = await stack.start('hub');
    admin = await stack.admin(hub.url!);
    const creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    await admin.post('/api/users', { ...CHATTER, role: 'chatter', creatorIds: [creatorId] });
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: TOKEN },
    });
    await fetch(`${hub.url}/webhooks/sandbox/${account.body.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': TOKEN },
      body: JSON.stringify({ id: 'm1', chatId: 'c1', from: { id: 'fan-1', name: 'Sam' }, text: 'coucou' }),
    });
    await until(async () => (await admin.get('/api/conversations')).body.conversations.length === 1);
    browser = await launchChromium();
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => void d.accept());
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.destroy();
  });

  it('lets an admin add a reply with variables in the panel', async () => {
    await signIn(page, hub.url!, ADMIN, '/replies');
    await page.getByLabel('Title').fill('Bienvenue');
    await page.getByLabel('Text').fill('Coucou {fan_name}, ici {creator_name} 💋');
    await page.getByRole('button', { name: 'Add the reply' }).click();
    await page.getByText('Saved reply added.').waitFor();
    await page.getByTestId('saved-reply-list').getByText('Bienvenue').waitFor();

    // A variable Velvet does not know is refused with its name list, and nothing is added.
    await page.getByLabel('Title').fill('Oops');
    await page.getByLabel('Text').fill('Prix : {price}');
    await page.getByRole('button', { name: 'Add the reply' }).click();
    await page.locator('[data-problem]').filter({ hasText: '{fan_name}' }).waitFor();
    expect(await page.getByTestId('saved-reply-list').locator('li').count()).toBe(1);
  });

  it('inserts a saved reply in the composer with "/" and with Ctrl+K, filled for this fan', async () => {
    await page.context().clearCookies();
    await signIn(page, hub.url!, CHATTER, '/inbox');
    // A chatter has no saved-replies screen, but goes on duty from the inbox.
    expect(await page.getByRole('link', { name: 'Saved replies' }).count()).toBe(0);
    const duty = page.getByTestId('duty-toggle');
    await duty.click();
    await until(async () => (await duty.getAttribute('aria-pressed')) === 'true', 5000, 'on duty');

    await page.locator('[data-conversation]').first().click();
    const composer = page.getByLabel('Reply', { exact: true });
    await composer.click();
    await composer.press('/');
    const picker = page.getByTestId('saved-reply-picker');
    await picker.waitFor();
    await picker.getByRole('option', { name: /Bienvenue/ }).waitFor();
    await page.keyboard.type('bienv');
    await page.keyboard.press('Enter');
    await picker.waitFor({ state: 'detached' });
    expect(await composer.inputValue()).toBe('Coucou Sam, ici lina_star 💋');

    // Ctrl+K in a box that has text: the reply goes where the caret is.
    await composer.fill('Hey ! ');
    await composer.press('End');
    await composer.press('Control+k');
    await picker.waitFor();
    await picker.getByRole('option', { name: /Bienvenue/ }).waitFor();
    await page.keyboard.press('Enter');
    expect(await composer.inputValue()).toBe('Hey ! Coucou Sam, ici lina_star 💋');

    // Escape closes it and leaves the text alone; "/" inside a sentence is just a slash.
    await composer.press('Control+k');
    await picker.waitFor();
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    await composer.press('/');
    expect(await composer.inputValue()).toBe('Hey ! Coucou Sam, ici lina_star 💋/');
    expect(errors).toEqual([]);
  });

  it('shows supervisors the reply quality per person on the dashboard, with its definitions', async () => {
    // The chatter approved one AI draft after changing two characters, an hour after the fan wrote.
    await stack.query(`update messages set created_at = created_at - interval '1 hour'`);
    await stack.query(
      `insert into drafts (conversation_id, message_id, text, status, edited_text, decided_by, decided_at)
       select m.conversation_id, m.id, 'Bonjour', 'approved', 'Bonsoir', u.id, m.created_at + interval '30 seconds'
       from messages m, users u where u.email = '${CHATTER.email}'`,
    );
    // And typed one reply of their own, without a draft, half a minute after the fan too.
    await stack.query(
      `insert into messages (conversation_id, account_id, direction, sender, text, status, author_id, created_at)
       select m.conversation_id, m.account_id, 'out', 'human', 'Je suis là', 'sent', u.id, m.created_at + interval '30 seconds'
       from messages m, users u where u.email = '${CHATTER.email}' and m.direction = 'in'`,
    );
    await page.context().clearCookies();
    await signIn(page, hub.url!, ADMIN, '/dashboard');
    const quality = page.getByTestId('quality');
    const row = quality.getByRole('row', { name: new RegExp(CHATTER.email) }).first();
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      CHATTER.email,
      '1',
      '0 %',
      '0.29',
      '1',
      '30 s',
      '0 %',
    ]);
    await quality.getByText('Definitions').click();
    await quality
      .getByText(/Edit distance: characters changed between the draft and the text sent/)
      .waitFor();
  });
});
