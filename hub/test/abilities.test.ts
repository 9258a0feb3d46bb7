import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

/** The hub tells each user what they may do, per conversation; the UI only renders it. */
describe('abilities sent with the data', () => {
  let hub: TestHub;
  let admin: Client;
  let conversationId: string;
  let creatorId: string;

  const as = async (role: 'manager' | 'chatter' | 'model') => {
    const user = await hub.createUser(`${role}-abilities@test.velvet`, role, [creatorId]);
    const client = new Client(hub.url);
    await client.login(user.email, user.password);
    return client;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Abilities'))).body.id;
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'abilities-token' },
    });
    const [fan] = await hub.ctx.db
      .insert(schema.fans)
      .values({ accountId: account.body.id, platformUserId: 'f1', displayName: 'Fan' })
      .returning();
    const [conversation] = await hub.ctx.db
      .insert(schema.conversations)
      .values({ creatorId, accountId: account.body.id, fanId: fan!.id, platformChatId: 'f1' })
      .returning();
    conversationId = conversation!.id;
  });
  afterAll(() => hub?.stop());

  it('answers each role with what it may do in a conversation', async () => {
    const detail = async (client: Client) =>
      (await client.get(`/api/conversations/${conversationId}`)).body.abilities;
    expect(await detail(admin)).toEqual({
      reply: true,
      assign: true,
      assignOthers: true,
      escalate: true,
      release: true,
      resolve: true,
      markMinor: true,
      clearMinor: true,
      correctIntent: true,
    });
    expect(await detail(await as('chatter'))).toEqual({
      reply: true,
      assign: true,
      assignOthers: false,
      escalate: true,
      release: true,
      resolve: true,
      markMinor: true,
      clearMinor: false,
      correctIntent: true,
    });
    expect(await detail(await as('model'))).toEqual({
      reply: true,
      assign: false,
      assignOthers: false,
      escalate: true,
      release: false,
      resolve: true,
      markMinor: true,
      clearMinor: false,
      correctIntent: false,
    });
  });

  it('lists the dashboard among the session abilities of admins and managers only', async () => {
    expect((await admin.get('/api/me')).body.abilities).toContain('metrics:read');
    expect((await (await as('manager')).get('/api/me')).body.abilities).toContain('metrics:read');
    const model = await hub.createUser('model2-abilities@test.velvet', 'model', [creatorId]);
    const modelClient = new Client(hub.url);
    await modelClient.login(model.email, model.password);
    expect((await modelClient.get('/api/me')).body.abilities).not.toContain('metrics:read');
  });

  it('lets admins and managers read the activity log, not chatters or models', async () => {
    expect((await admin.get('/api/me')).body.abilities).toContain('audit:read');
    expect((await (await as('manager')).get('/api/me')).body.abilities).toContain('audit:read');
    expect((await (await as('chatter')).get('/api/me')).body.abilities).not.toContain('audit:read');
    expect((await (await as('model')).get('/api/me')).body.abilities).not.toContain('audit:read');
  });
});
