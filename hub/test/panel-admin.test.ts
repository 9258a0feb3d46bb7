import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type Role } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient } from './stack';

/** Passwords, archived creators, automation settings and the home figures, role by role. */
describe('panel administration routes', () => {
  let hub: TestHub;
  let own: string;
  let other: string;
  const clients = {} as Record<Role, Client>;
  const users = {} as Record<Role, { id: string; email: string; password: string }>;

  beforeAll(async () => {
    hub = await startTestHub({ config: (c) => (c.auth.login.attempts_per_ip = 1000) });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    own = (await admin.post('/api/creators', creatorBody('Own'))).body.id;
    other = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
    clients.admin = admin;
    for (const role of ['manager', 'chatter', 'model'] as const) {
      const user = await hub.createUser(`${role}@test.velvet`, role, [own]);
      clients[role] = new Client(hub.url);
      const login = await clients[role].login(user.email, user.password);
      expect(login.status).toBe(200);
      users[role] = { ...user, id: login.body.user.id };
    }
  });
  afterAll(() => hub?.stop());

  describe('role × route', () => {
    type Case = [
      label: string,
      call: (c: Client) => Promise<{ status: number }>,
      allowed: Record<Role, number>,
    ];
    const cases: Case[] = [
      [
        'POST /api/users/:id/password-reset (unknown user)',
        (c) => c.post(`/api/users/${randomUUID()}/password-reset`),
        { admin: 404, manager: 403, chatter: 403, model: 403 },
      ],
      [
        'POST /api/creators/:id/archive (own)',
        (c) => c.post(`/api/creators/${own}/unarchive`),
        { admin: 200, manager: 200, chatter: 403, model: 403 },
      ],
      [
        'POST /api/creators/:id/archive (other)',
        (c) => c.post(`/api/creators/${other}/unarchive`),
        { admin: 200, manager: 403, chatter: 403, model: 403 },
      ],
      [
        'GET /api/automation/defaults',
        (c) => c.get('/api/automation/defaults'),
        { admin: 200, manager: 200, chatter: 200, model: 200 },
      ],
      [
        'GET /api/overview',
        (c) => c.get('/api/overview'),
        { admin: 200, manager: 200, chatter: 403, model: 200 },
      ],
      [
        'GET /api/overview?creatorId=own',
        (c) => c.get(`/api/overview?creatorId=${own}`),
        { admin: 200, manager: 200, chatter: 403, model: 200 },
      ],
      [
        'GET /api/overview?creatorId=other',
        (c) => c.get(`/api/overview?creatorId=${other}`),
        { admin: 200, manager: 403, chatter: 403, model: 403 },
      ],
      [
        'PATCH /api/creators/:id automation (other)',
        (c) => c.patch(`/api/creators/${other}`, { automation: { welcomeDelaySeconds: 60 } }),
        { admin: 200, manager: 403, chatter: 403, model: 403 },
      ],
    ];
    for (const [label, call, allowed] of cases) {
      for (const role of ['admin', 'manager', 'chatter', 'model'] as const) {
        it(`${label} as ${role} → ${allowed[role]}`, async () => {
          expect((await call(clients[role])).status).toBe(allowed[role]);
        });
      }
    }
  });

  it('a reset gives a temporary password once, ends the sessions, and forces a change', async () => {
    const user = await hub.createUser('reset-me@test.velvet', 'chatter', [own]);
    const before = new Client(hub.url);
    await before.login(user.email, user.password);
    const socket = await inboxClient(hub.url, before.token);
    const ended = new Promise<string>((resolve) => socket.on('disconnect', resolve));

    const id = (await before.get('/api/me')).body.user.id;
    const reset = await clients.admin.post(`/api/users/${id}/password-reset`);
    expect(reset.status).toBe(201);
    const temporary: string = reset.body.temporaryPassword;
    expect(temporary).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(reset.headers.get('cache-control')).toBe('no-store');
    expect(await ended).toBe('io server disconnect');
    // The old password and the old sign-in are gone.
    expect((await before.get('/api/conversations')).status).toBe(401);
    expect((await new Client(hub.url).login(user.email, user.password)).status).toBe(401);
    // Nothing about the hash or the password leaves the server afterwards.
    const listed = JSON.stringify((await clients.admin.get('/api/users')).body);
    expect(listed).not.toContain(temporary);
    expect(listed).not.toMatch(/argon2|passwordHash/);
    expect(hub.logs.join('\n')).not.toContain(temporary);

    const after = new Client(hub.url);
    const login = await after.login(user.email, temporary);
    expect(login.status).toBe(200);
    expect(login.body.user.temporaryLogin).toBe(true);
    expect((await after.get('/api/me')).body.user.temporaryLogin).toBe(true);
    const blocked = await after.get('/api/conversations');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('password_change_required');
    await expect(inboxClient(hub.url, after.token)).rejects.toThrow('password_change_required');

    const changed = await after.post('/api/me/password', {
      currentPassword: temporary,
      newPassword: 'a-brand-new-password',
    });
    expect(changed.status).toBe(204);
    expect((await after.get('/api/me')).body.user.temporaryLogin).toBeUndefined();
    expect((await after.get('/api/conversations')).status).toBe(200);
    expect((await new Client(hub.url).login(user.email, 'a-brand-new-password')).status).toBe(200);
  });

  it('changing one’s own password needs the current one, keeps this sign-in and ends the others', async () => {
    const user = await hub.createUser('self@test.velvet', 'model', [own]);
    const here = new Client(hub.url);
    await here.login(user.email, user.password);
    const elsewhere = new Client(hub.url);
    await elsewhere.login(user.email, user.password);
    const otherSocket = await inboxClient(hub.url, elsewhere.token);
    const ended = new Promise<string>((resolve) => otherSocket.on('disconnect', resolve));

    const wrong = await here.post('/api/me/password', {
      currentPassword: 'not-my-password',
      newPassword: 'another-long-password',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.fields).toEqual([
      { path: 'currentPassword', message: 'is not your current password' },
    ]);
    const short = await here.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: 'short',
    });
    expect(short.status).toBe(422);
    expect(short.body.error.details.fields[0]).toMatchObject({ path: 'newPassword' });
    const same = await here.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: user.password,
    });
    expect(same.body.error.details.fields[0]).toEqual({
      path: 'newPassword',
      message: 'must differ from the current password',
    });

    const ok = await here.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: 'another-long-password',
    });
    expect(ok.status).toBe(204);
    expect(await ended).toBe('io server disconnect');
    // The other sign-in is over: its access token and its refresh cookie are refused.
    expect((await elsewhere.get('/api/me')).status).toBe(401);
    expect((await elsewhere.post('/api/auth/refresh', undefined, elsewhere.csrfHeader())).status).toBe(401);
    // This one goes on, and refreshes.
    expect((await here.get('/api/conversations')).status).toBe(200);
    expect((await here.post('/api/auth/refresh', undefined, here.csrfHeader())).status).toBe(200);
    expect((await new Client(hub.url).login(user.email, user.password)).status).toBe(401);
  });

  it('wrong current passwords are limited like sign-ins', async () => {
    const user = await hub.createUser('guess@test.velvet', 'chatter', [own]);
    const c = new Client(hub.url);
    await c.login(user.email, user.password);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await c.post('/api/me/password', {
        currentPassword: `guess-${i}`,
        newPassword: 'yet-another-password',
      });
      statuses.push(r.status);
    }
    expect(statuses).toEqual([422, 422, 422, 422, 422, 429]);
    // Locked: even the right password is refused until the lockout ends.
    const right = await c.post('/api/me/password', {
      currentPassword: user.password,
      newPassword: 'yet-another-password',
    });
    expect(right.status).toBe(429);
  });

  it('archived creators leave the default list, can be listed apart and come back', async () => {
    const id = (await clients.admin.post('/api/creators', creatorBody('Gone'))).body.id;
    const archived = await clients.admin.post(`/api/creators/${id}/archive`);
    expect(archived.status).toBe(200);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    const names = async (query = '') =>
      ((await clients.admin.get(`/api/creators${query}`)).body.creators as { name: string }[]).map(
        (c) => c.name,
      );
    expect(await names()).not.toContain('Gone');
    expect(await names('?archived=only')).toEqual(['Gone']);
    expect(await names('?archived=all')).toContain('Gone');
    const bad = await clients.admin.get('/api/creators?archived=maybe');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].path).toBe('query.archived');
    // Still readable by id (its conversations still show), and unarchived on request.
    expect((await clients.admin.get(`/api/creators/${id}`)).status).toBe(200);
    const back = await clients.admin.post(`/api/creators/${id}/unarchive`);
    expect(back.body.archivedAt).toBeNull();
    expect(await names()).toContain('Gone');
  });

  it('automation settings are validated field by field and saved as sent', async () => {
    const defaults = (await clients.manager.get('/api/automation/defaults')).body;
    expect(defaults).toMatchObject({
      followUpDelayMinutes: { feet: 60, lingerie: 120, nude_art: 180, default: 120 },
      followUpBudgetPerWeek: 3,
      spamThreshold: 0.7,
      spamCooldownSeconds: 300,
      welcomeDelaySeconds: { default: 30, onlyfans: 45 },
      quietHours: { default: { start: '23:00', end: '08:00' } },
    });
    const bad = await clients.manager.patch(`/api/creators/${own}`, {
      automation: {
        followUpDelayMinutes: { feet: 1 },
        followUpBudgetPerWeek: 2.5,
        spamThreshold: 3,
        welcomeDelaySeconds: -1,
      },
    });
    expect(bad.status).toBe(422);
    const fields = Object.fromEntries(
      (bad.body.error.details.fields as { path: string; message: string }[]).map((f) => [f.path, f.message]),
    );
    expect(fields).toEqual({
      'automation.followUpDelayMinutes.feet': 'must be at least 5 minutes',
      'automation.followUpBudgetPerWeek': 'must be a whole number of follow-ups',
      'automation.spamThreshold': 'must be at most 1',
      'automation.welcomeDelaySeconds': 'must be at least 0 seconds',
    });
    const automation = {
      followUpDelayMinutes: { feet: 30 },
      followUpBudgetPerWeek: 1,
      spamThreshold: 0.9,
      spamCooldownSeconds: 600,
      welcomeDelaySeconds: 10,
    };
    const saved = await clients.manager.patch(`/api/creators/${own}`, { automation });
    expect(saved.status).toBe(200);
    expect(saved.body.automation).toEqual(automation);
    expect((await clients.model.get(`/api/creators/${own}`)).body.automation).toEqual(automation);
  });

  it('the overview counts creators and accounts in scope, and says none is connected yet', async () => {
    const manager = (await clients.manager.get('/api/overview')).body;
    expect(manager.creators).toEqual({ active: 1, archived: 0 });
    expect(manager.accounts).toBe(0);
    expect(manager.performance.totals).toMatchObject({ messagesIn: 0, offers: 0, revenue: [] });
    expect(manager.automation).toEqual([]);
    const admin = (await clients.admin.get('/api/overview?days=30')).body;
    expect(admin.creators.active).toBeGreaterThanOrEqual(3);
    expect(admin.window.days).toBe(30);
    const bad = await clients.admin.get('/api/overview?days=0');
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0]).toEqual({ path: 'days', message: 'must be at least 1 day' });
  });

  it('the overview counts publications by platform in the window and scope', async () => {
    const { db } = hub.ctx;
    const day = 24 * 3600 * 1000;
    const now = Date.now();
    const accountOf = async (creatorId: string) =>
      (
        await clients.admin.post(`/api/creators/${creatorId}/accounts`, {
          platform: 'sandbox',
          credentials: { token: `publishing-${creatorId}` },
        })
      ).body.id as string;
    /** One post per target state, each last changed `ago` ms before now. */
    const post = async (creatorId: string, accountId: string, state: string, ago: number, at?: Date) => {
      const [row] = await db
        .insert(schema.posts)
        .values({ creatorId, kind: 'text', text: state })
        .returning();
      await db.insert(schema.postTargets).values({
        postId: row!.id,
        accountId,
        platform: 'sandbox',
        state,
        scheduledAt: at ?? null,
        updatedAt: new Date(now - ago),
      });
    };
    const ownAccount = await accountOf(own);
    for (const [state, ago, at] of [
      ['published', 3600_000],
      ['published', 2 * day],
      ['published', 10 * day], // before the window
      ['failed', 3600_000],
      ['unconfirmed', 20 * day], // to check, however old
      ['scheduled', 0, new Date(now + day)],
      ['scheduled', 0, new Date(now - day)], // overdue: not "to come"
      ['draft', 0],
      ['cancelled', 0],
    ] as const)
      await post(own, ownAccount, state, ago, at);
    await post(other, await accountOf(other), 'published', 3600_000);

    const manager = (await clients.manager.get('/api/overview?days=7')).body;
    expect(manager.publishing.byPlatform).toEqual([
      { platform: 'sandbox', published: 2, failed: 1, unconfirmed: 1, scheduled: 1 },
    ]);
    const model = (await clients.model.get('/api/overview')).body;
    expect(model.publishing).toEqual(manager.publishing);
    // The admin sees both creators; a wider window takes the older post in.
    const admin = (await clients.admin.get('/api/overview?days=30')).body;
    expect(admin.publishing.byPlatform).toEqual([
      { platform: 'sandbox', published: 4, failed: 1, unconfirmed: 1, scheduled: 1 },
    ]);
    const otherOnly = (await clients.admin.get(`/api/overview?creatorId=${other}`)).body;
    expect(otherOnly.publishing.byPlatform).toEqual([
      { platform: 'sandbox', published: 1, failed: 0, unconfirmed: 0, scheduled: 0 },
    ]);
  });
});
