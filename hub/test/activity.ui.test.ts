// The callbacks given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRepo, createEmitterPublisher, EventLog, notify, schema } from '@velvet/shared';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { launchChromium, phoneProblems, signIn } from './browser';
import { ADMIN, Client, creatorBody, ROOT, startTestHub, type TestHub } from './harness';

const SHOTS = path.join(ROOT, 'inbox-ui/test-results');

/**
 * The activity log and the bell in Chromium, at 1440 and 390 px. Notifications arrive the
 * way the workers send them: stored, then announced through Redis to the hub's sockets.
 */
describe('activity log and notifications in Chromium', () => {
  let hub: TestHub;
  let browser: Browser;
  let redis: Redis;
  let creatorId: string;
  let conversationId: string;
  let manager: { email: string; password: string };

  /** An alert as a worker raises it: stored for the creator's people, then live on their sockets. */
  const raise = (input: Parameters<typeof notify>[1]) =>
    notify(
      {
        db: hub.ctx.db,
        publisher: createEmitterPublisher(redis, hub.redisPrefix, new EventLog(redis, hub.redisPrefix)),
      },
      input,
    );

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    hub = await startTestHub({ ui: true, publicUrl: 'http://127.0.0.1' });
    redis = new Redis(TEST_REDIS_URL);
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const other = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
    manager = await hub.createUser('manager-activity-ui@test.velvet', 'manager', [other]);
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 't' },
    });
    const { db } = hub.ctx;
    const [fan] = await db
      .insert(schema.fans)
      .values({
        accountId: account.body.id,
        platformUserId: 'noa',
        displayName: 'Noa',
        minorSignalAt: new Date(),
      })
      .returning();
    const [conversation] = await db
      .insert(schema.conversations)
      .values({
        creatorId,
        accountId: account.body.id,
        fanId: fan!.id,
        platformChatId: 'noa',
        status: 'escalated',
        escalationReason: 'minor_signal',
      })
      .returning();
    conversationId = conversation!.id;
    await db.insert(schema.messages).values({
      conversationId,
      accountId: account.body.id,
      direction: 'in',
      sender: 'fan',
      text: 'coucou',
    });
    await auditRepo.automation(db, {
      action: 'followup.send',
      creatorId,
      conversationId,
      targetType: 'follow_up',
      targetId: 'f-1',
      data: { kind: 'offer' },
    });
    await auditRepo.automation(db, {
      action: 'draft.auto_send',
      creatorId,
      conversationId,
      targetType: 'draft',
      targetId: 'd-1',
      data: { intent: 'greeting' },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    redis?.disconnect();
    await hub?.stop();
  });

  async function open(width: number, user = ADMIN): Promise<Page> {
    const phone = width < 640;
    const context = await browser.newContext({
      locale: 'en-US',
      viewport: { width, height: phone ? 844 : 900 },
      ...(phone ? { deviceScaleFactor: 2, isMobile: true, hasTouch: true } : {}),
    });
    const page = await context.newPage();
    await signIn(page, hub.url, user, '/inbox');
    return page;
  }

  it('reads what automation did, filters it, and opens the conversation (1440 px, then French)', async () => {
    const page = await open(1440);
    await page.getByRole('link', { name: 'Activity' }).first().click();
    await page.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    const followUp = page.locator('[data-activity="followup.send"]');
    await followUp.waitFor();
    expect(await followUp.textContent()).toContain('Automation sent a follow-up to Noa');
    expect(await followUp.locator('[data-actor-kind]').textContent()).toBe('Automation');
    // The admin's own sign-in is there, by their address.
    await expect
      .poll(() => page.locator('[data-activity="auth.login"]').first().textContent())
      .toContain(`${ADMIN.email} signed in`);

    await page.getByLabel('Who', { exact: true }).selectOption('automation');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('[data-activity="auth.login"]').count()).toBe(0);
    expect(await page.locator('[data-actor-kind="automation"]').count()).toBe(2);

    // An impossible range is refused beside the field, and the list stays.
    await page.getByLabel('From', { exact: true }).fill('2026-03-02');
    await page.getByLabel('To', { exact: true }).fill('2026-03-01');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.locator('[data-field-error="to"]').textContent()).toBe('must be after from');
    expect(await page.locator('[data-activity]').count()).toBe(2);
    await page.screenshot({ path: path.join(SHOTS, 'activity-1440.png'), fullPage: true });

    await page.getByRole('button', { name: 'Reset' }).click();
    await followUp.locator('[data-open-conversation]').click();
    await page.waitForURL(`**/inbox?conversation=${conversationId}`);
    await page.getByTestId('escalated-banner').waitFor();
    // The banner says why it is escalated.
    expect(await page.getByTestId('escalation-reason').textContent()).toContain('The fan may be under 18.');
    // A minor flag: an admin may clear it from the conversation.
    await page.getByRole('button', { name: 'Clear: not a minor' }).waitFor();

    await page.goto(`${hub.url}/activity`);
    await page.getByRole('button', { name: 'Passer en français' }).click();
    await page.getByRole('heading', { name: 'Activité', level: 1 }).waitFor();
    await expect.poll(() => followUp.textContent()).toContain('L’automatisation a envoyé une relance à Noa');
    await page.context().close();
  }, 90_000);

  it('the bell counts an alert live, opens its conversation, and stays read after a reload (390 px)', async () => {
    const page = await open(390);
    const bell = page.locator('[data-bell]');
    await bell.waitFor();
    expect(await page.locator('[data-unread-count]').count()).toBe(0);

    await raise({
      kind: 'minor_signal',
      severity: 'critical',
      message: 'A fan may be under 18: selling stopped, conversation escalated.',
      creatorId,
      conversationId,
    });
    await raise({
      kind: 'response_time',
      severity: 'warning',
      message: 'Replies take 45 s at p90.',
      creatorId,
    });
    await expect.poll(() => page.locator('[data-unread-count]').textContent(), { timeout: 10_000 }).toBe('2');
    expect(await bell.getAttribute('aria-label')).toBe('Notifications, 2 unread');

    await bell.click();
    const panel = page.locator('[data-notifications-panel]');
    await panel.waitFor();
    const minor = panel.locator('[data-notification="minor_signal"]');
    expect(await minor.textContent()).toContain('A fan may be under 18');
    expect(await minor.locator('[data-about]').textContent()).toContain('Noa · lina_star');
    expect(await phoneProblems(page)).toEqual([]);
    const spill = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(spill).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'bell-390.png') });

    await minor.locator('[data-open]').click();
    await page.waitForURL(`**/inbox?conversation=${conversationId}`);
    await expect.poll(() => page.locator('[data-unread-count]').textContent()).toBe('1');

    await bell.click();
    await panel.locator('[data-mark-all-read]').click();
    await expect.poll(() => page.locator('[data-unread-count]').count()).toBe(0);
    await page.reload();
    await bell.waitFor();
    await page.waitForTimeout(500);
    expect(await page.locator('[data-unread-count]').count()).toBe(0);
    await bell.click();
    expect(await panel.locator('[data-read="true"]').count()).toBe(2);

    // A manager of another creator was told nothing.
    const other = await open(1440, manager);
    await other.locator('[data-bell]').waitFor();
    await other.waitForTimeout(500);
    expect(await other.locator('[data-unread-count]').count()).toBe(0);
    await other.context().close();
    await page.context().close();
  }, 90_000);

  it('the activity screen and the bell fit a phone; a manager sees only their creators', async () => {
    await raise({ kind: 'conversion', severity: 'warning', message: 'Few offers were paid.', creatorId });
    const page = await open(390);
    await page.goto(`${hub.url}/activity`);
    await page.locator('[data-activity="followup.send"]').waitFor();
    expect(await phoneProblems(page)).toEqual([]);
    const spill = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(spill).toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'activity-390.png'), fullPage: true });
    await page.locator('[data-bell]').click();
    await page.locator('[data-notifications-panel]').waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'bell-open-390.png') });
    await page.context().close();

    const desk = await open(1440, manager);
    await desk.goto(`${hub.url}/activity`);
    await desk.getByRole('heading', { name: 'Activity', level: 1 }).waitFor();
    await desk.locator('[data-activity-list]').waitFor();
    expect(await desk.locator('[data-activity="followup.send"]').count()).toBe(0);
    await desk.locator('[data-bell]').click();
    await desk.locator('[data-notifications-panel]').waitFor();
    await desk.screenshot({ path: path.join(SHOTS, 'bell-1440.png') });
    expect(await desk.locator('[data-notification]').count()).toBe(0);
    await desk.context().close();
  }, 90_000);
});
