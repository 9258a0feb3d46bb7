import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema, type Role } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const ROLES = ['admin', 'manager', 'chatter', 'model'] as const;
const TOKEN = 'sensitive-sandbox-token-never-returned';

/**
 * Issue 15: managers run their creators but cannot reach the agency's sensitive functions —
 * users, secrets, backups, a fan's erasure and export. Each role against its own creator's
 * objects and another creator's, on every such route, in one table.
 */
describe('sensitive functions by role', () => {
  let hub: TestHub;
  const clients = {} as Record<Role, Client>;
  const own = { creatorId: '', accountId: '', fanId: '' };
  const other = { creatorId: '', accountId: '', fanId: '' };

  beforeAll(async () => {
    hub = await startTestHub({ config: (c) => (c.auth.login.attempts_per_ip = 1000) });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    clients.admin = admin;
    for (const [side, name] of [
      [own, 'Own'],
      [other, 'Other'],
    ] as const) {
      side.creatorId = (await admin.post('/api/creators', creatorBody(name))).body.id;
      side.accountId = (
        await admin.post(`/api/creators/${side.creatorId}/accounts`, {
          platform: 'sandbox',
          credentials: { token: TOKEN },
        })
      ).body.id;
      const [fan] = await hub.ctx.db
        .insert(schema.fans)
        .values({ accountId: side.accountId, platformUserId: `fan-${name}`, displayName: `Fan ${name}` })
        .returning();
      side.fanId = fan!.id;
    }
    for (const role of ['manager', 'chatter', 'model'] as const) {
      const user = await hub.createUser(`${role}-sensitive@test.velvet`, role, [own.creatorId]);
      clients[role] = new Client(hub.url);
      expect((await clients[role].login(user.email, user.password)).status).toBe(200);
    }
  });
  afterAll(() => hub?.stop());

  /** A download's status: its body is an archive, not JSON. */
  const status = async (c: Client, route: string) => {
    const response = await fetch(`${hub.url}${route}`, { headers: { authorization: `Bearer ${c.token}` } });
    await response.arrayBuffer();
    return { status: response.status };
  };
  type Case = [
    label: string,
    call: (c: Client) => Promise<{ status: number }>,
    allowed: Record<Role, number>,
  ];
  const adminOnly = (adminStatus: number) => ({ admin: adminStatus, manager: 403, chatter: 403, model: 403 });
  const cases: Case[] = [
    // Users: nobody but an admin lists, creates, changes or resets anyone.
    ['GET /api/users', (c) => c.get('/api/users'), adminOnly(200)],
    [
      'POST /api/users (a new admin)',
      (c) =>
        c.post('/api/users', {
          email: `new-${randomUUID()}@test.velvet`,
          password: 'long-enough-password',
          role: 'admin',
        }),
      adminOnly(201),
    ],
    ['PATCH /api/users/:id', (c) => c.patch(`/api/users/${randomUUID()}`, { role: 'admin' }), adminOnly(404)],
    [
      'POST /api/users/:id/password-reset',
      (c) => c.post(`/api/users/${randomUUID()}/password-reset`),
      adminOnly(404),
    ],
    // Backups hold every secret of the install.
    ['GET /api/backups', (c) => c.get('/api/backups'), adminOnly(200)],
    [
      'GET /api/backups/:name',
      (c) => c.get('/api/backups/velvet-2026-01-31T02-00-00-000Z.tar.gz'),
      adminOnly(404),
    ],
    ['GET /api/retention/preview', (c) => c.get('/api/retention/preview'), adminOnly(200)],
    // A fan's data rights, even for the manager's own creator.
    ['GET own fan export', (c) => status(c, `/api/fans/${own.fanId}/export`), adminOnly(200)],
    ['GET other fan export', (c) => status(c, `/api/fans/${other.fanId}/export`), adminOnly(200)],
    // A wrong confirmation: the admin is told why; nobody else learns anything.
    [
      'POST own fan erase',
      (c) => c.post(`/api/fans/${own.fanId}/erase`, { confirm: 'not the name' }),
      adminOnly(422),
    ],
    [
      'POST other fan erase',
      (c) => c.post(`/api/fans/${other.fanId}/erase`, { confirm: 'not the name' }),
      adminOnly(422),
    ],
    ['GET /api/intents/corrections', (c) => c.get('/api/intents/corrections'), adminOnly(200)],
  ];

  for (const [label, call, allowed] of cases) {
    for (const role of ROLES) {
      it(`${label} as ${role} → ${allowed[role]}`, async () => {
        expect((await call(clients[role])).status).toBe(allowed[role]);
      });
    }
  }

  it('never returns a platform secret, whoever reads the accounts', async () => {
    for (const role of ['admin', 'manager', 'model'] as const) {
      const listed = await clients[role].get(`/api/creators/${own.creatorId}/accounts`);
      expect(listed.status, role).toBe(200);
      expect(JSON.stringify(listed.body), role).not.toContain(TOKEN);
      expect(listed.body.accounts[0], role).not.toHaveProperty('credentials');
    }
  });

  it('tells a manager’s screens none of these abilities, so the panel hides them', async () => {
    const me = (await clients.manager.get('/api/me')).body;
    for (const ability of [
      'user:create',
      'user:list',
      'user:update',
      'backup:read',
      'fan:export',
      'fan:erase',
    ])
      expect(me.abilities, ability).not.toContain(ability);
    // And what managing their creators needs is there.
    expect(me.abilities).toEqual(expect.arrayContaining(['creator:update', 'account:create', 'audit:read']));
  });
});
