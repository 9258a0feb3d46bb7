// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { schema } from '@velvet/shared';
import { launchChromium, overflow, phoneProblems, signIn } from './browser';
import { ADMIN, Client, creatorBody, ROOT, startTestHub, type TestHub } from './harness';

const SHOTS = path.join(ROOT, 'inbox-ui/test-results');

/** Home, studio, passwords, archiving and automation settings in Chromium against a real hub. */
describe('panel administration in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let admin: Client;
  let creatorId = '';

  const open = async (user: { email: string; password: string }, width: number, landing: string) => {
    const phone = width < 600;
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width, height: phone ? 844 : 900 },
      ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    const page = await context.newPage();
    await signIn(page, hub.url, user, landing);
    await page.locator('h1').waitFor();
    return page;
  };
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: path.join(SHOTS, `panel-admin-${name}.png`), fullPage: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestHub({ ui: true, publicUrl: 'http://127.0.0.1' });
    browser = await launchChromium();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  it('an empty install lands the admin on Home, which walks them to the first creator and account', async () => {
    for (const width of [1440, 390]) {
      const page = await open(ADMIN, width, '/home');
      const first = page.locator('[data-first-steps]');
      await first.getByText('Start by creating a creator').waitFor();
      expect(await first.getByRole('link', { name: 'Create a creator' }).getAttribute('href')).toBe(
        '/creators',
      );
      // The newest entries of the activity log: the admin's own sign-in, and a way to the rest.
      const recent = page.locator('[data-recent-activity]');
      await recent.locator('[data-activity="auth.login"]').first().waitFor();
      expect(await recent.getByRole('link', { name: 'See all' }).getAttribute('href')).toBe('/activity');
      expect(await page.locator('[data-no-figures]').isVisible()).toBe(true);
      if (width === 390) {
        expect(await overflow(page)).toEqual({ page: 0, view: 0 });
        expect(await phoneProblems(page)).toEqual([]);
      }
      await shot(page, `home-empty-${width}`);
      await page.context().close();
    }
    creatorId = (await admin.post('/api/creators', creatorBody('Maya'))).body.id;
    const page = await open(ADMIN, 1440, '/home');
    await page.locator('[data-first-steps]').getByText('No platform account is connected yet').waitFor();
    expect(await page.getByRole('link', { name: 'Connect an account' }).getAttribute('href')).toBe(
      '/accounts',
    );
    await page.context().close();
  });

  it('saves automation settings with the defaults shown, errors beside the fields, nothing typed lost', async () => {
    for (const width of [1440, 390]) {
      const page = await open(ADMIN, width, '/home');
      await page.goto(`${hub.url}/creators`);
      await page.getByRole('button', { name: 'Automation Maya' }).click();
      const form = page.locator(`[data-automation-form="${creatorId}"]`);
      const field = (id: string) => form.locator(`[data-field="automation-${creatorId}-${id}"]`);
      // The config's values beside each field.
      expect(await field('delay-feet').textContent()).toContain('Default: 60');
      expect(await field('spam-cooldown').textContent()).toContain('Default: 300');
      expect(await field('quiet-start').textContent()).toContain('23:00–08:00');

      await form.getByLabel('Delay for feet packs (minutes)').fill('2');
      await form.getByLabel('Spam threshold (0.5–1)').fill('3');
      await form.getByLabel('Welcome delay (seconds)').fill('90');
      await form.getByRole('button', { name: 'Save' }).click();
      await expect
        .poll(() => field('delay-feet').locator('[data-error]').textContent())
        .toBe('must be at least 5 minutes');
      expect(await field('spam-threshold').locator('[data-error]').textContent()).toBe('must be at most 1');
      expect(await form.getByLabel('Delay for feet packs (minutes)').getAttribute('aria-invalid')).toBe(
        'true',
      );
      expect(await form.getByLabel('Welcome delay (seconds)').inputValue()).toBe('90');
      expect(await form.getByLabel('Spam threshold (0.5–1)').inputValue()).toBe('3');
      if (width === 390) {
        expect(await overflow(page)).toEqual({ page: 0, view: 0 });
        expect(await phoneProblems(page)).toEqual([]);
      }
      await shot(page, `automation-errors-${width}`);

      await form.getByLabel('Delay for feet packs (minutes)').fill('45');
      await form.getByLabel('Spam threshold (0.5–1)').fill('0,85');
      // Every escalation rule starts on; this creator's fans asking for a person stay with the AI.
      const asksForPerson = form.getByLabel('the fan asks to talk to a person');
      expect(await asksForPerson.isChecked()).toBe(width === 1440);
      if (width === 1440) await asksForPerson.uncheck();
      expect(await form.getByLabel('the fan reports a technical problem').isChecked()).toBe(true);
      // The satisfaction question starts on; here it is switched off, with her own French wording kept.
      const satisfaction = form.getByLabel('Ask fans a one-tap satisfaction question (1 to 5)');
      expect(await satisfaction.isChecked()).toBe(width === 1440);
      if (width === 1440) {
        await satisfaction.uncheck();
        await form.getByLabel('Her own wording, French (optional)').fill('Une note pour moi, de 1 à 5 ? 😘');
      }
      await form.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Automation settings of Maya saved.').waitFor();
      const saved = (await admin.get(`/api/creators/${creatorId}`)).body.automation;
      expect(saved).toEqual({
        followUpDelayMinutes: { feet: 45 },
        spamThreshold: 0.85,
        welcomeDelaySeconds: 90,
        escalation: { human_request: false },
        satisfaction: { enabled: false, fr: 'Une note pour moi, de 1 à 5 ? 😘' },
      });
      await page.context().close();
    }
  });

  it('archives a creator after asking, lists it apart, and brings it back', async () => {
    // Another creator stays, so the list is not empty once Maya is archived.
    await admin.post('/api/creators', creatorBody('Léa'));
    const page = await open(ADMIN, 390, '/home');
    await page.goto(`${hub.url}/creators`);
    await page.getByRole('button', { name: 'Archive Maya' }).click();
    await page.locator('[data-archive-confirm]').getByText('fans’ messages are still received').waitFor();
    await page.getByRole('button', { name: 'Yes, archive' }).click();
    await page.getByText('Maya is archived.').waitFor();
    expect(await page.locator(`[data-creator="${creatorId}"]`).count()).toBe(0);
    await page.getByRole('button', { name: 'Show archived creators' }).click();
    const row = page.locator(`[data-archived-creator="${creatorId}"]`);
    await row.waitFor();
    expect(await overflow(page)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(page)).toEqual([]);
    await shot(page, 'archived-390');
    // The inbox's creator filter no longer offers it.
    const listed = (await admin.get('/api/creators')).body.creators.map((c: { id: string }) => c.id);
    expect(listed).not.toContain(creatorId);

    await row.getByRole('button', { name: 'Unarchive Maya' }).click();
    await page.getByText('Maya is back among the working creators.').waitFor();
    await page.locator(`[data-creator="${creatorId}"]`).waitFor();
    expect((await admin.get(`/api/creators/${creatorId}`)).body.archivedAt).toBeNull();
    await page.context().close();
  });

  it('an admin resets a password; the user must choose their own before anything else', async () => {
    const chatter = await hub.createUser('noa@test.velvet', 'chatter', [creatorId]);
    const page = await open(ADMIN, 1440, '/home');
    await page.goto(`${hub.url}/users`);
    await page.getByRole('button', { name: 'Reset password noa@test.velvet' }).click();
    await page.getByRole('button', { name: 'Yes, reset' }).click();
    const secret = page.locator('[data-temporary-password] [data-secret]');
    await secret.waitFor();
    const temporary = (await secret.textContent())!.trim();
    expect(temporary).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(await page.locator('[data-user="noa@test.velvet"] [data-temporary]').textContent()).toContain(
      'must change password',
    );
    await shot(page, 'users-reset-1440');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.content()).not.toContain(temporary);
    // Their old password no longer opens anything.
    expect((await new Client(hub.url).login(chatter.email, chatter.password)).status).toBe(401);

    const phone = await open({ email: chatter.email, password: temporary }, 390, '/account');
    await phone.locator('[data-must-change]').waitFor();
    // Nowhere else to go until it is changed.
    await phone.goto(`${hub.url}/inbox`);
    await phone.waitForURL('**/account');
    await phone.getByLabel('Current password').fill('not-the-temporary-one');
    await phone.getByLabel('New password', { exact: true }).fill('noa-own-password-1');
    await phone.getByLabel('New password again').fill('noa-own-password-2');
    await phone.getByRole('button', { name: 'Change my password' }).click();
    await expect
      .poll(() => phone.locator('[data-field="confirm-password"] [data-error]').textContent())
      .toBe('does not match the new password');
    await phone.getByLabel('New password again').fill('noa-own-password-1');
    await phone.getByRole('button', { name: 'Change my password' }).click();
    await expect
      .poll(() => phone.locator('[data-field="current-password"] [data-error]').textContent())
      .toBe('is not your current password');
    expect(await phone.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    expect(await phone.getByLabel('New password', { exact: true }).inputValue()).toBe('noa-own-password-1');
    expect(await overflow(phone)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(phone)).toEqual([]);
    await shot(phone, 'account-error-390');

    await phone.getByLabel('Current password').fill(temporary);
    await phone.getByRole('button', { name: 'Change my password' }).click();
    await phone.waitForURL('**/inbox');
    expect((await new Client(hub.url).login(chatter.email, 'noa-own-password-1')).status).toBe(200);
    await page.context().close();
    await phone.context().close();
  });

  it('My account and the reset on Users fit a desk and a phone', async () => {
    await hub.createUser('ines@test.velvet', 'chatter', [creatorId]);
    for (const width of [1440, 390]) {
      const page = await open(ADMIN, width, '/home');
      await page.goto(`${hub.url}/account`);
      await page.getByLabel('Current password').waitFor();
      expect(await page.locator('[data-must-change]').count()).toBe(0);
      await page.goto(`${hub.url}/users`);
      await page.getByRole('button', { name: 'Reset password ines@test.velvet' }).click();
      await page.getByRole('button', { name: 'Yes, reset' }).click();
      await page.locator('[data-temporary-password] [data-secret]').waitFor();
      if (width === 390) {
        expect(await overflow(page)).toEqual({ page: 0, view: 0 });
        // The scope picker's 20 px checkboxes are tapped through their labels, a finger tall.
        const labels = await page
          .locator('label:has(input[type=checkbox])')
          .evaluateAll((all) => all.map((l) => l.getBoundingClientRect().height));
        expect(labels.every((h) => h >= 43.5)).toBe(true);
        expect((await phoneProblems(page)).filter((p) => p !== ': 20 px tall')).toEqual([]);
      }
      await shot(page, `users-reset-${width}`);
      await page.context().close();
    }
  });

  it('a model lands on their studio: what waits for them, their figures, what automation did', async () => {
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'studio-token' },
    });
    const { db } = hub.ctx;
    const [fan] = await db
      .insert(schema.fans)
      .values({ accountId: account.body.id, platformUserId: 'f1', displayName: 'Jules' })
      .returning();
    const [conversation] = await db
      .insert(schema.conversations)
      .values({ creatorId, accountId: account.body.id, fanId: fan!.id, platformChatId: 'f1' })
      .returning();
    const now = Date.now();
    const [asked] = await db
      .insert(schema.messages)
      .values([
        {
          conversationId: conversation!.id,
          accountId: account.body.id,
          direction: 'in',
          sender: 'fan',
          text: 'coucou',
          createdAt: new Date(now - 8000),
        },
        {
          conversationId: conversation!.id,
          accountId: account.body.id,
          direction: 'out',
          sender: 'bot',
          text: 'Coucou Jules, ravie de te lire !',
          status: 'sent',
          sentAt: new Date(now - 2000),
          createdAt: new Date(now - 3000),
          raw: { origin: 'draft', draftId: 'x', approvedBy: 'policy' },
        },
        {
          conversationId: conversation!.id,
          accountId: account.body.id,
          direction: 'in',
          sender: 'fan',
          text: 'tu fais quoi ?',
          createdAt: new Date(now - 1000),
        },
      ])
      .returning();
    await db.insert(schema.drafts).values({
      conversationId: conversation!.id,
      messageId: asked!.id,
      text: 'Je pense à toi',
      status: 'pending_approval',
    });
    await admin.post('/api/users', {
      email: 'maya@test.velvet',
      password: 'maya-password-123',
      role: 'model',
      creatorIds: [creatorId],
    });

    const page = await open({ email: 'maya@test.velvet', password: 'maya-password-123' }, 390, '/studio');
    await expect.poll(() => page.locator('[data-approvals] [data-count]').textContent()).toBe('1');
    const action = page.locator('[data-automation="auto_reply"]');
    expect(await action.textContent()).toContain('AI reply sent');
    expect(await action.textContent()).toContain('to Jules');
    expect(await action.textContent()).toContain('Coucou Jules, ravie de te lire !');
    const figures = page.locator('[data-platform-figures="sandbox"]');
    expect(await figures.textContent()).toMatch(/Fan messages\s*2/);
    expect(await figures.textContent()).toMatch(/Median reply time\s*6 s/);
    expect(await overflow(page)).toEqual({ page: 0, view: 0 });
    expect(await phoneProblems(page)).toEqual([]);
    // The agency's home is not theirs.
    const tabs = await page.getByTestId('tab-bar').getByRole('link').allTextContents();
    expect(tabs.map((s) => s.trim())).toContain('My studio');
    expect(tabs.map((s) => s.trim())).not.toContain('Home');
    await shot(page, 'studio-390');
    await page.getByRole('link', { name: 'Open approvals' }).click();
    await page.waitForURL('**/approvals');
    await page.context().close();

    const desk = await open({ email: 'maya@test.velvet', password: 'maya-password-123' }, 1440, '/studio');
    await desk.locator('[data-platform-row="sandbox"]').waitFor();
    await shot(desk, 'studio-1440');
    await desk.context().close();
  });

  it('Home consolidates the figures and shows the alerts, on a desk and on a phone', async () => {
    await hub.ctx.db.update(schema.platformAccounts).set({ status: 'needs_attention' });
    // Two posts out on the sandbox account this week, one that failed, one to come.
    const [account] = await hub.ctx.db.select().from(schema.platformAccounts).limit(1);
    for (const [state, at] of [
      ['published', null],
      ['published', null],
      ['failed', null],
      ['scheduled', new Date(Date.now() + 86_400_000)],
    ] as const) {
      const [post] = await hub.ctx.db
        .insert(schema.posts)
        .values({ creatorId: account!.creatorId, kind: 'text', text: state })
        .returning();
      await hub.ctx.db
        .insert(schema.postTargets)
        .values({ postId: post!.id, accountId: account!.id, platform: 'sandbox', state, scheduledAt: at });
    }
    for (const width of [1440, 390]) {
      const page = await open(ADMIN, width, '/home');
      await page.locator('[data-alert="account"]').getByText('needs attention').waitFor();
      expect(await page.locator('[data-first-steps]').count()).toBe(0);
      expect(await page.locator('[data-creators-managed] [data-count]').textContent()).toBe('2');
      expect(await page.locator('[data-approvals] [data-count]').textContent()).toBe('1');
      const row = page.locator(
        width === 390 ? '[data-platform-figures="sandbox"]' : '[data-platform-row="sandbox"]',
      );
      expect(await row.textContent()).toContain('6 s');
      expect(await page.locator('[data-automation="auto_reply"]').textContent()).toContain('Maya');
      const publishing = page.locator('[data-publishing-figures="sandbox"]');
      expect(await publishing.locator('[data-figure="published"]').textContent()).toMatch(/Published\s*2/);
      expect(await publishing.locator('[data-figure="failed"]').textContent()).toMatch(/Failed\s*1/);
      expect(await publishing.locator('[data-figure="scheduled"]').textContent()).toMatch(/Scheduled\s*1/);
      if (width === 390) {
        expect(await overflow(page)).toEqual({ page: 0, view: 0 });
        expect(await phoneProblems(page)).toEqual([]);
      }
      await shot(page, `home-${width}`);
      if (width === 1440) {
        // One creator's figures: Léa has no account, so no approval and no platform row.
        await page.getByLabel('Show', { exact: true }).selectOption({ label: 'Léa' });
        await page.waitForURL(/\/home\?creator=/);
        await expect.poll(() => page.locator('[data-creators-managed] [data-count]').textContent()).toBe('1');
        expect(await page.locator('[data-approvals] [data-count]').textContent()).toBe('0');
        expect(await page.locator('[data-platform-row="sandbox"]').count()).toBe(0);
        await page.getByLabel('Show', { exact: true }).selectOption({ label: 'All creators' });
        await expect.poll(() => page.locator('[data-creators-managed] [data-count]').textContent()).toBe('2');
      }
      await page.context().close();
    }
  }, 60_000);
});
