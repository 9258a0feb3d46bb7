import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRepo, schema } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

/** `GET /api/activity`: who may read what, the filters, and pages that hold under inserts. */
describe('activity log API', () => {
  let hub: TestHub;
  let admin: Client;
  const as: Record<string, Client> = {};
  let mine: string;
  let theirs: string;
  let conversationId: string;
  let fanId: string;

  async function signIn(email: string, password: string) {
    const client = new Client(hub.url);
    expect((await client.login(email, password)).status).toBe(200);
    return client;
  }

  beforeAll(async () => {
    hub = await startTestHub();
    admin = await signIn(ADMIN.email, ADMIN.password);
    mine = (await admin.post('/api/creators', creatorBody('Mine'))).body.id;
    theirs = (await admin.post('/api/creators', creatorBody('Theirs'))).body.id;
    for (const role of ['manager', 'chatter', 'model'] as const) {
      const user = await hub.createUser(`${role}@activity.test`, role, [mine]);
      as[role] = await signIn(user.email, user.password);
    }
    const pack = await as.manager!.post(`/api/creators/${mine}/packs`, {
      name: 'Pack pieds',
      type: 'feet',
      price: 10,
    });
    expect(pack.status).toBe(201);
    expect(
      (await admin.post(`/api/creators/${theirs}/packs`, { name: 'Pack B', type: 'feet', price: 12 })).status,
    ).toBe(201);

    const account = await admin.post(`/api/creators/${mine}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 't' },
    });
    const { db } = hub.ctx;
    const [fan] = await db
      .insert(schema.fans)
      .values({ accountId: account.body.id, platformUserId: 'f1', displayName: 'Noa' })
      .returning();
    const [conversation] = await db
      .insert(schema.conversations)
      .values({ creatorId: mine, accountId: account.body.id, fanId: fan!.id, platformChatId: 'f1' })
      .returning();
    conversationId = conversation!.id;
    fanId = fan!.id;
    await auditRepo.automation(db, {
      action: 'followup.send',
      creatorId: mine,
      conversationId,
      targetType: 'follow_up',
      targetId: 'x',
      data: { kind: 'offer' },
    });
  }, 60_000);
  afterAll(() => hub?.stop());

  it('admins read everything; a manager only their creators; chatters, models and strangers nothing', async () => {
    const all = await admin.get('/api/activity');
    expect(all.status).toBe(200);
    const actions = all.body.entries.map((e: any) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['auth.login', 'creator.create', 'pack.create', 'followup.send']),
    );
    expect(all.body.entries.some((e: any) => e.creatorId === theirs)).toBe(true);

    const managed = await as.manager!.get('/api/activity');
    expect(managed.status).toBe(200);
    expect(managed.body.entries.length).toBeGreaterThan(0);
    expect(managed.body.entries.every((e: any) => e.creatorId === mine)).toBe(true);
    // Their own pack, by their name; no sign-ins (agency-wide), nothing of the other creator.
    expect(managed.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'pack.create',
          actor: expect.objectContaining({ email: 'manager@activity.test' }),
        }),
      ]),
    );
    expect((await as.manager!.get(`/api/activity?creatorId=${theirs}`)).status).toBe(403);
    expect((await as.manager!.get(`/api/activity?creatorId=${mine}`)).status).toBe(200);
    for (const role of ['chatter', 'model'] as const) {
      const refused = await as[role]!.get(`/api/activity?creatorId=${mine}`);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
    }
    expect((await new Client(hub.url).get('/api/activity')).status).toBe(401);
    // The contract's name for the same log answers the same.
    const audit = await as.manager!.get('/api/audit?limit=5');
    expect(audit.status).toBe(200);
    expect(audit.body.entries.every((e: any) => e.creatorId === mine)).toBe(true);
  });

  it('filters by creator, actor (a person or automation), action and dates', async () => {
    const automation = await admin.get(`/api/activity?actor=automation&creatorId=${mine}`);
    expect(automation.body.entries).toHaveLength(1);
    expect(automation.body.entries[0]).toMatchObject({
      action: 'followup.send',
      actor: { kind: 'automation', id: null, email: null },
      creatorName: 'mine_star',
      conversationId,
      fan: { id: fanId, name: 'Noa' },
    });
    const managerId = (await as.manager!.get('/api/me')).body.user.id;
    const byManager = await admin.get(`/api/activity?actor=${managerId}`);
    expect(byManager.body.entries.length).toBeGreaterThan(0);
    expect(byManager.body.entries.every((e: any) => e.actor.id === managerId)).toBe(true);
    const packs = await admin.get('/api/activity?action=pack.create,creator.create');
    expect(new Set(packs.body.entries.map((e: any) => e.action))).toEqual(
      new Set(['pack.create', 'creator.create']),
    );
    const future = await admin.get(
      `/api/activity?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.body.entries).toEqual([]);
    const past = await admin.get(
      `/api/activity?to=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`,
    );
    expect(past.body.entries).toEqual([]);
  });

  it('answers 422 naming each bad filter', async () => {
    const bad = await admin.get(
      '/api/activity?actor=robot&from=yesterday&action=DROP%20TABLE&limit=1000&cursor=abc',
    );
    expect(bad.status).toBe(422);
    const paths = bad.body.error.details.fields.map((f: any) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['actor', 'from', 'action.0', 'limit', 'cursor']));
    const backwards = await admin.get('/api/activity?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z');
    expect(backwards.status).toBe(422);
    expect(backwards.body.error.details.fields).toEqual([{ path: 'to', message: 'must be after from' }]);
  });

  it('pages newest first without repeating or skipping while entries keep arriving', async () => {
    const { db } = hub.ctx;
    const write = (n: number, label: string) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          auditRepo.automation(db, {
            action: 'draft.auto_send',
            creatorId: theirs,
            targetId: `${label}-${i}`,
          }),
        ),
      );
    await write(25, 'before');
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: any = await admin.get(
        `/api/activity?action=draft.auto_send&limit=10${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.entries.map((e: any) => e.targetId));
      cursor = page.body.nextCursor;
      // New entries land while someone reads: they belong above the first page.
      if (pages++ === 0) await write(5, 'during');
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(seen.every((t) => t.startsWith('before-'))).toBe(true);
    expect(pages).toBe(3);
  });

  it('does not name a fan once erased', async () => {
    await hub.ctx.db.update(schema.fans).set({ erasedAt: new Date(), displayName: '' });
    const after = await admin.get(`/api/activity?actor=automation&creatorId=${mine}`);
    expect(after.body.entries[0].fan).toBeNull();
    expect(after.body.entries[0].conversationId).toBe(conversationId);
  });
});
