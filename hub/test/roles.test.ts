import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

/**
 * The role × route matrix: every role against every creator/user route, for a creator in
 * the user's scope ("own") and one outside it ("other").
 */
describe('roles and creator scopes', () => {
  let hub: TestHub;
  let own: string;
  let other: string;
  const clients = {} as Record<Role, Client>;

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
      expect((await clients[role].login(user.email, user.password)).status).toBe(200);
    }
  });
  afterAll(() => hub?.stop());

  const telegramAccount = { platform: 'sandbox', credentials: { token: 'sandbox-token' } };

  type Case = [
    label: string,
    call: (c: Client) => Promise<{ status: number }>,
    allowed: Record<Role, number>,
  ];
  const cases: Case[] = [
    [
      'POST /api/users',
      (c) =>
        c.post('/api/users', {
          email: `u${Math.random()}@t.velvet`,
          password: 'long-enough-password',
          role: 'chatter',
        }),
      { admin: 201, manager: 403, chatter: 403, model: 403 },
    ],
    ['GET /api/users', (c) => c.get('/api/users'), { admin: 200, manager: 403, chatter: 403, model: 403 }],
    [
      'PATCH /api/users/:id',
      (c) => c.patch(`/api/users/${randomUUID()}`, { disabled: true }),
      { admin: 404, manager: 403, chatter: 403, model: 403 },
    ],
    [
      'POST /api/creators',
      (c) => c.post('/api/creators', creatorBody('New')),
      { admin: 201, manager: 201, chatter: 403, model: 403 },
    ],
    [
      'GET /api/creators',
      (c) => c.get('/api/creators'),
      { admin: 200, manager: 200, chatter: 200, model: 200 },
    ],
    [
      'GET own creator',
      (c) => c.get(`/api/creators/${own}`),
      { admin: 200, manager: 200, chatter: 200, model: 200 },
    ],
    [
      'GET other creator',
      (c) => c.get(`/api/creators/${other}`),
      { admin: 200, manager: 403, chatter: 403, model: 403 },
    ],
    [
      'PATCH own creator',
      (c) => c.patch(`/api/creators/${own}`, { persona: 'Playful' }),
      { admin: 200, manager: 200, chatter: 403, model: 403 },
    ],
    [
      'PATCH other creator',
      (c) => c.patch(`/api/creators/${other}`, { persona: 'Playful' }),
      { admin: 200, manager: 403, chatter: 403, model: 403 },
    ],
    [
      'POST own account',
      (c) => c.post(`/api/creators/${own}/accounts`, telegramAccount),
      { admin: 201, manager: 201, chatter: 403, model: 403 },
    ],
    [
      'POST other account',
      (c) => c.post(`/api/creators/${other}/accounts`, telegramAccount),
      { admin: 201, manager: 403, chatter: 403, model: 403 },
    ],
    [
      'GET own accounts',
      (c) => c.get(`/api/creators/${own}/accounts`),
      { admin: 200, manager: 200, chatter: 403, model: 200 },
    ],
    [
      'GET other accounts',
      (c) => c.get(`/api/creators/${other}/accounts`),
      { admin: 200, manager: 403, chatter: 403, model: 403 },
    ],
  ];

  for (const [label, call, expected] of cases) {
    for (const role of ['admin', 'manager', 'chatter', 'model'] as const) {
      it(`${label} as ${role} → ${expected[role]}`, async () => {
        const response = await call(clients[role]);
        expect(response.status).toBe(expected[role]);
      });
    }
  }

  it('lists only the creators in the caller’s scope', async () => {
    const names = async (role: Role) =>
      ((await clients[role].get('/api/creators')).body.creators as { id: string }[]).map((c) => c.id);
    expect(await names('chatter')).toEqual([own]);
    expect(await names('model')).toEqual([own]);
    expect(await names('admin')).toEqual(expect.arrayContaining([own, other]));
  });

  it('puts a creator a manager creates into that manager’s scope', async () => {
    const created = await clients.manager.post('/api/creators', creatorBody('Managed'));
    expect(created.status).toBe(201);
    expect((await clients.manager.get(`/api/creators/${created.body.id}`)).status).toBe(200);
    expect((await clients.chatter.get(`/api/creators/${created.body.id}`)).status).toBe(403);
  });

  it('gives a new user exactly the scope the admin chose', async () => {
    const created = await clients.admin.post('/api/users', {
      email: 'scoped@test.velvet',
      password: 'scoped-password-123',
      role: 'chatter',
      creatorIds: [other],
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      disabled: false,
      email: 'scoped@test.velvet',
      role: 'chatter',
      creatorIds: [other],
    });
    expect(JSON.stringify(created.body)).not.toContain('password');
    const scoped = new Client(hub.url);
    await scoped.login('scoped@test.velvet', 'scoped-password-123');
    expect((await scoped.get(`/api/creators/${other}`)).status).toBe(200);
    expect((await scoped.get(`/api/creators/${own}`)).status).toBe(403);
  });

  it('refuses a duplicate email and unknown creator ids', async () => {
    const duplicate = await clients.admin.post('/api/users', {
      email: ADMIN.email,
      password: 'another-password-1',
      role: 'admin',
    });
    expect(duplicate.status).toBe(409);
    const unknown = await clients.admin.post('/api/users', {
      email: 'ghost@test.velvet',
      password: 'ghost-password-123',
      role: 'model',
      creatorIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/^creatorIds: unknown creator/);
  });
});
