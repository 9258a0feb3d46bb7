import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, until } from './stack';

/** A supervisor hands a conversation to a teammate who works for that creator. */
describe('assigning a conversation to a teammate', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorA: string;
  let conversationId: string;
  const ids: Record<string, string> = {};

  async function user(email: string, role: string, creatorIds: string[]) {
    const created = await admin.post('/api/users', {
      email,
      password: 'a-long-enough-password',
      role,
      creatorIds,
    });
    expect(created.status).toBe(201);
    ids[email] = created.body.id;
    const client = new Client(hub.url);
    await client.login(email, 'a-long-enough-password');
    return client;
  }

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorA = (await admin.post('/api/creators', creatorBody('Team'))).body.id;
    const creatorB = (await admin.post('/api/creators', creatorBody('Elsewhere'))).body.id;
    await user('lead@team.velvet', 'manager', [creatorA]);
    await user('chat-a@team.velvet', 'chatter', [creatorA]);
    await user('chat-b@team.velvet', 'chatter', [creatorB]);
    await user('gone@team.velvet', 'chatter', [creatorA]);
    await admin.patch(`/api/users/${ids['gone@team.velvet']}`, { disabled: true });

    const account = await admin.post(`/api/creators/${creatorA}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'sandbox-team-token' },
    });
    await fetch(`${hub.url}/webhooks/sandbox/${account.body.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': 'sandbox-team-token' },
      body: JSON.stringify({ id: 'm1', chatId: 'c1', from: { id: 'fan-1', name: 'Sam' }, text: 'hello' }),
    });
    conversationId = await until(
      async () => (await admin.get('/api/conversations')).body.conversations[0]?.id,
    );
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('lists the people who may take the creator’s conversations, to those who may assign them', async () => {
    const lead = new Client(hub.url);
    await lead.login('lead@team.velvet', 'a-long-enough-password');
    const team = await lead.get(`/api/creators/${creatorA}/team`);
    expect(team.status).toBe(200);
    expect(team.body.team.map((m: { email: string }) => m.email).sort()).toEqual(
      [ADMIN.email, 'chat-a@team.velvet', 'lead@team.velvet'].sort(),
    );
    const chatter = new Client(hub.url);
    await chatter.login('chat-a@team.velvet', 'a-long-enough-password');
    expect((await chatter.get(`/api/creators/${creatorA}/team`)).status).toBe(403);
    expect((await lead.get(`/api/conversations/${conversationId}`)).body.abilities.assignOthers).toBe(true);
    expect((await chatter.get(`/api/conversations/${conversationId}`)).body.abilities.assignOthers).toBe(
      false,
    );
  });

  it('hands the conversation to a teammate, and refuses someone who does not work for the creator', async () => {
    const lead = new Client(hub.url);
    await lead.login('lead@team.velvet', 'a-long-enough-password');
    const socket = await inboxClient(hub.url, lead.token);
    const updates: { assignedTo?: string | null }[] = [];
    socket.on('conversation:update', (p) => updates.push(p));

    const ack = await socket.emitWithAck('conversation:assign', {
      conversationId,
      userId: ids['chat-a@team.velvet'],
    });
    expect(ack).toEqual({ ok: true });
    await until(() => updates.find((u) => u.assignedTo === ids['chat-a@team.velvet']));
    const detail = await lead.get(`/api/conversations/${conversationId}`);
    expect(detail.body.conversation.assignedTo).toBe(ids['chat-a@team.velvet']);

    for (const email of ['chat-b@team.velvet', 'gone@team.velvet']) {
      const refused = await socket.emitWithAck('conversation:assign', { conversationId, userId: ids[email] });
      expect(refused.ok).toBe(false);
    }
    expect((await lead.get(`/api/conversations/${conversationId}`)).body.conversation.assignedTo).toBe(
      ids['chat-a@team.velvet'],
    );
    socket.disconnect();
  });
});
