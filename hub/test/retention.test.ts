import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsRepo, inboundRepo, selectRows } from '@velvet/shared';
import { loadIntentClassifier } from '@velvet/llm';
import { createConnectors } from '@velvet/platforms';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { startWorkerRole } from '../src/runtime';
import { Client, creatorBody, startTestHub, type TestHub } from './harness';
import { until } from './stack';

const HOUR = 3_600_000;

/**
 * The retention policy with short windows, applied by the real workers (in the hub's
 * process here): a silent fan's texts go, an active fan's stay, and the figures are kept.
 */
describe('retention policy', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let accountId: string;

  const q = <T>(query: ReturnType<typeof sql>) => selectRows<T>(hub.ctx.db, query);

  async function fanWrites(userId: string, text: string) {
    const stored = await inboundRepo.store(hub.ctx.db, {
      creatorId,
      accountId,
      fan: { platformUserId: userId, displayName: `Fan ${userId}`, language: 'fr', seenAt: new Date() },
      platformChatId: `dm-${userId}`,
      platformMessageId: `m-${userId}-${Math.random()}`,
      text,
      raw: { kind: 'text', update: { from: { id: userId }, text } },
      receivedAt: new Date(),
    });
    return stored.conversationId;
  }

  beforeAll(async () => {
    // Workers start only once the data is in place: see the test below.
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login('admin@test.velvet', 'admin-password-123');
    creatorId = (await admin.post('/api/creators', creatorBody('Keep'))).body.id;
    accountId = (
      await accountsRepo.create(hub.ctx.db, {
        creatorId,
        platform: 'sandbox',
        label: 'sandbox',
        credentialsEnc: hub.ctx.secrets.credentials.sealJson({ token: 'x' }),
        settings: {},
      })
    ).id;
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  it('previews, then anonymises the silent fan’s texts and old payloads, and keeps the active fan’s', async () => {
    const silent = await fanWrites('old-1', 'un vieux secret');
    await fanWrites('old-1', 'encore un');
    const active = await fanWrites('new-1', 'toujours là');
    // The silent fan last wrote two hours ago.
    await hub.ctx.db.execute(sql`
      update fans set last_seen_at = now() - interval '2 hours', created_at = now() - interval '2 hours'
       where platform_user_id = 'old-1'`);
    await hub.ctx.db.execute(sql`
      update conversations set last_message_at = now() - interval '2 hours' where id = ${silent}`);
    await hub.ctx.db.execute(sql`
      update messages set created_at = now() - interval '2 hours' where conversation_id = ${silent}`);
    // The active fan's message is old too: only its platform payload goes.
    await hub.ctx.db.execute(sql`
      update messages set created_at = now() - interval '2 hours' where conversation_id = ${active}`);
    // A draft a person rejected two hours ago, and one still waiting for them.
    for (const status of ['rejected', 'pending_approval']) {
      await hub.ctx.db.execute(sql`
        insert into drafts (conversation_id, message_id, text, status, created_at)
        select conversation_id, id, ${`brouillon ${status}`}, ${status}, now() - interval '2 hours'
          from messages where conversation_id = ${active}`);
    }
    // The admin's notifications: one read two hours ago, one never read, one read just now.
    for (const [message, readAt, age] of [
      ['old and read', 'now()', '2 hours'],
      ['old and unread', null, '2 hours'],
      ['new and read', 'now()', '1 minute'],
    ] as const) {
      await hub.ctx.db.execute(sql`
        insert into notifications (user_id, kind, severity, message, read_at, created_at)
        select id, 'platform_error', 'warning', ${message}, ${readAt ? sql`now()` : sql`null`},
               now() - ${age}::interval
          from users where email = 'admin@test.velvet'`);
    }
    hub.ctx.config.retention = {
      inactive_fan_messages: HOUR,
      unsent_drafts: HOUR,
      raw_payloads: HOUR,
      read_notifications: HOUR,
      every: 300,
    };

    const preview = await admin.get('/api/retention/preview');
    expect(preview.status).toBe(200);
    expect(preview.body.next).toEqual({
      conversations: 1,
      messages: 2,
      unsentDrafts: 1,
      rawPayloads: 1,
      notifications: 1,
    });
    expect(preview.body.policy).toMatchObject({ inactiveFanMessagesDays: expect.any(Number) });
    const count = () => q<{ n: number }>(sql`select count(*)::int as n from messages`).then((r) => r[0]!.n);
    const messagesBefore = await count();

    // The daily job, at a 300 ms period: it claims the period in Redis, runs, reports.
    // Only retention is under test: the messages' own jobs are not run.
    await hub.ctx.db.execute(sql`update outbox set processed_at = now()`);
    const workers = startWorkerRole(hub.ctx, {
      redisUrl: TEST_REDIS_URL,
      connectors: createConnectors(hub.ctx.env),
      classifier: loadIntentClassifier(),
      queues: hub.queues,
    });
    try {
      const [report] = await until(
        () =>
          q<{ data: Record<string, number> }>(
            sql`select data from audit_log where action = 'retention.apply' and (data->>'messages')::int > 0`,
          ).then((r) => (r.length > 0 ? r : undefined)),
        10_000,
        'a retention report',
      );
      expect(report!.data).toMatchObject({
        conversations: 1,
        messages: 2,
        unsentDrafts: 1,
        rawPayloads: 1,
        notifications: 1,
      });
    } finally {
      await workers.stop();
    }

    const texts = await q<{ conversation_id: string; text: string; raw: unknown }>(
      sql`select conversation_id, text, raw from messages order by created_at`,
    );
    expect(texts.filter((m) => m.conversation_id === silent).map((m) => m.text)).toEqual(['', '']);
    expect(texts.filter((m) => m.conversation_id === active).map((m) => m.text)).toEqual(['toujours là']);
    expect(texts.find((m) => m.conversation_id === active)!.raw).toEqual({ kind: 'text' });
    expect(texts.find((m) => m.conversation_id === silent)!.raw).toEqual({ kind: 'text' });
    expect(await count()).toBe(messagesBefore);
    const drafts = await q<{ status: string; text: string }>(
      sql`select status, text from drafts order by status`,
    );
    expect(drafts).toEqual([
      { status: 'pending_approval', text: 'brouillon pending_approval' },
      { status: 'rejected', text: '' },
    ]);

    // What the admin still sees: the unread one, and the one read within the hour.
    const kept = await admin.get('/api/notifications');
    expect(kept.status).toBe(200);
    expect(kept.body.notifications.map((n: { message: string }) => n.message).sort()).toEqual([
      'new and read',
      'old and unread',
    ]);

    const after = await admin.get('/api/retention/preview');
    expect(after.body.next).toEqual({
      conversations: 0,
      messages: 0,
      unsentDrafts: 0,
      rawPayloads: 0,
      notifications: 0,
    });
  });

  it('shows the preview to admins only', async () => {
    const user = await hub.createUser('manager-retention@test.velvet', 'manager', [creatorId]);
    const manager = new Client(hub.url);
    await manager.login(user.email, user.password);
    expect((await manager.get('/api/retention/preview')).status).toBe(403);
  });
});
