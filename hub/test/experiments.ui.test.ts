import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn } from './browser';
import { ADMIN, Client, creatorBody, ROOT } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

const TOKEN = 'experiments-ui-token';
const SHOTS = path.join(ROOT, 'inbox-ui/test-results');
const QUESTION = 'Termine par une question sur sa journée.';

/** The experiments screen: start one, read its figures (and on the dashboard), promote the winner. */
describe('prompt experiments in Chromium', () => {
  let stack: Stack;
  let hub: VelvetProcess;
  let admin: Client;
  let browser: Browser;
  let page: Page;
  let creatorId: string;
  const errors: string[] = [];

  beforeAll(async () => {
    stack = await Stack.create({ env: { LOG_LEVEL: 'warn' } });
    hub = await stack.start('hub');
    admin = await stack.admin(hub.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: TOKEN },
    });
    for (const fan of ['1', '2']) {
      await fetch(`${hub.url}/webhooks/sandbox/${account.body.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': TOKEN },
        body: JSON.stringify({
          id: `m${fan}`,
          chatId: `c${fan}`,
          from: { id: `fan-${fan}`, name: `Sam ${fan}` },
          text: 'coucou',
        }),
      });
    }
    await until(async () => (await admin.get('/api/conversations')).body.conversations.length === 2);
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

  it('starts an experiment from the panel', async () => {
    await signIn(page, hub.url!, ADMIN, '/replies');
    // On a desk, saved replies and experiments share one place, Replies, with tabs.
    await page
      .getByRole('navigation', { name: 'Main' })
      .first()
      .getByRole('link', { name: 'Replies' })
      .waitFor();
    await page.getByTestId('replies-tabs').getByRole('link', { name: 'Experiments' }).click();
    await page.waitForURL('**/experiments');
    await page.getByLabel('When the fan…').selectOption('greeting');
    await page.getByLabel('Name').fill('Question finale');
    await page.getByTestId('variant-B').getByLabel('Instruction for the AI').fill(QUESTION);
    await page.getByTestId('variant-B').getByLabel('Share of fans').fill('30');
    await page.getByRole('button', { name: 'Start the experiment' }).click();
    await page.getByText('Experiment started.').waitFor();
    const item = page.locator('[data-experiment="Question finale"]');
    await item.locator('[data-status="running"]').waitFor();
    expect(await item.textContent()).toContain('(current guidance)');
    expect(await item.textContent()).toContain(QUESTION);
    expect(await item.getByTestId('experiment-verdicts').textContent()).toContain('not enough data yet');

    // A second one on the same intent is refused, and the reason shows.
    await page.getByLabel('Name').fill('Doublon');
    await page.getByTestId('variant-A').getByLabel('Instruction for the AI').fill('Sois brève.');
    await page.getByRole('button', { name: 'Start the experiment' }).click();
    await page.locator('[data-problem]').filter({ hasText: 'already runs' }).waitFor();
    expect(await page.locator('[data-experiment]').count()).toBe(1);
  });

  it('shows each variant’s figures on the screen and on the dashboard', async () => {
    const [experiment] = (await admin.get('/api/experiments')).body.experiments;
    const rows = await stack.query<{ conversation_id: string; message_id: string }>(
      `select m.conversation_id, m.id as message_id from messages m order by m.created_at`,
    );
    // Variant A: two drafts sent as written; B: one edited, one rejected; a purchase after B's reply.
    const decide = (row: (typeof rows)[number], variant: string, status: string, edited: string | null) =>
      stack.query(
        `insert into drafts (conversation_id, message_id, text, status, edited_text, decided_by, decided_at, experiment_id, variant)
         select '${row.conversation_id}', '${row.message_id}', 'Coucou toi', '${status}',
                ${edited ? `'${edited}'` : 'null'}, id, now() - interval '1 minute', '${experiment.id}', '${variant}'
         from users where email = '${ADMIN.email}'`,
      );
    await decide(rows[0]!, 'A', 'approved', null);
    await decide(rows[0]!, 'A', 'approved', null);
    await decide(rows[1]!, 'B', 'approved', 'Coucou toi, ta journée ?');
    await decide(rows[1]!, 'B', 'rejected', null);
    await stack.query(
      `insert into purchases (creator_id, conversation_id, fan_id, provider, provider_charge_id, amount_cents, currency)
       select c.creator_id, c.id, c.fan_id, 'sandbox', 'ui-1', 2500, 'EUR' from conversations c
       where c.id = '${rows[1]!.conversation_id}'`,
    );
    await page.reload();
    const b = page.locator('[data-experiment="Question finale"] [data-variant="B"]');
    await b.locator('[data-figure="approval"]').filter({ hasText: '50 %' }).waitFor();
    expect(await b.locator('[data-figure="drafts"]').textContent()).toBe('2');
    expect(await b.locator('[data-figure="unedited"]').textContent()).toBe('0 %');
    expect(await b.locator('[data-figure="conversion"]').textContent()).toContain('100 %');
    expect(await b.locator('[data-figure="revenue"]').textContent()).toContain('€25.00');
    const a = page.locator('[data-experiment="Question finale"] [data-variant="A"]');
    expect(await a.locator('[data-figure="approval"]').textContent()).toContain('100 %');
    expect(await a.locator('[data-figure="edit"]').textContent()).toBe('0.00');
    await page.screenshot({ path: path.join(SHOTS, 'experiments-1440.png'), fullPage: true });

    await page.goto(`${hub.url}/dashboard`);
    const card = page.getByTestId('experiments-card');
    await card.locator('[data-variant="B"] [data-figure="revenue"]').filter({ hasText: '€25.00' }).waitFor();
    expect(await card.textContent()).toContain('Question finale');
    await card.screenshot({ path: path.join(SHOTS, 'experiments-dashboard-card.png') });

    // In French too.
    await page.evaluate(() => localStorage.setItem('velvet.lang', 'fr'));
    await page.reload();
    await card.getByText('Expériences en cours').waitFor();
    expect(await card.getByTestId('experiment-verdicts').textContent()).toContain(
      'pas encore assez de données',
    );
    await page.evaluate(() => localStorage.setItem('velvet.lang', 'en'));
    await page.reload();
    await card.getByText('Running experiments').waitFor();
  });

  it('promotes the winner: the experiment ends and its text becomes the standing guidance', async () => {
    await page.goto(`${hub.url}/experiments`);
    const item = page.locator('[data-experiment="Question finale"]');
    await item.getByRole('button', { name: 'Promote B' }).click();
    await page.getByText('Variant B is now the standing guidance.').waitFor();
    await item.locator('[data-status="promoted"]').waitFor();
    expect(await item.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    expect(await page.getByTestId('guidance').textContent()).toContain(QUESTION);
    const [stored] = await stack.query<{ text: string }>(
      `select text from intent_guidance where creator_id = '${creatorId}' and intent = 'greeting'`,
    );
    expect(stored).toEqual({ text: QUESTION });
    await page.goto(`${hub.url}/dashboard`);
    await page.getByTestId('experiments-card').getByText('No experiment running.').waitFor();
    expect(errors).toEqual([]);
  });
});
