import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { until } from './stack';

const PASSWORD = 'a-long-enough-password';

/** Canned answers per creator and shared, with the conversation's names filled in. */
describe('saved replies', () => {
  let hub: TestHub;
  let admin: Client;
  let manager: Client;
  let chatterA: Client;
  let chatterB: Client;
  let creatorA: string;
  let creatorB: string;
  let conversationId: string;

  async function user(email: string, role: string, creatorIds: string[]) {
    expect((await admin.post('/api/users', { email, password: PASSWORD, role, creatorIds })).status).toBe(
      201,
    );
    const client = new Client(hub.url);
    await client.login(email, PASSWORD);
    return client;
  }

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorA = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    creatorB = (await admin.post('/api/creators', creatorBody('Mona'))).body.id;
    manager = await user('lead@replies.velvet', 'manager', [creatorA]);
    chatterA = await user('a@replies.velvet', 'chatter', [creatorA]);
    chatterB = await user('b@replies.velvet', 'chatter', [creatorB]);
    const account = await admin.post(`/api/creators/${creatorA}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'replies-token' },
    });
    await fetch(`${hub.url}/webhooks/sandbox/${account.body.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': 'replies-token' },
      body: JSON.stringify({ id: 'm1', chatId: 'c1', from: { id: 'fan-1', name: 'Sam' }, text: 'coucou' }),
    });
    conversationId = await until(
      async () => (await admin.get('/api/conversations')).body.conversations[0]?.id,
    );
  });

  afterAll(async () => {
    await hub?.stop();
  });

  it('lets a manager write a creator’s and shared replies, and names an unknown variable', async () => {
    const own = await manager.post('/api/saved-replies', {
      creatorId: creatorA,
      title: 'Bienvenue',
      body: 'Coucou {fan_name}, ici {creator_name} 💋',
      lang: 'fr',
    });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ creatorId: creatorA, title: 'Bienvenue', lang: 'fr' });
    expect(
      (
        await manager.post('/api/saved-replies', {
          creatorId: null,
          title: 'Thanks',
          body: 'Thank you {fan_name}!',
        })
      ).status,
    ).toBe(201);
    expect(
      (await admin.post('/api/saved-replies', { creatorId: creatorB, title: 'Mona', body: 'Salut de Mona' }))
        .status,
    ).toBe(201);

    const bad = await manager.post('/api/saved-replies', {
      creatorId: creatorA,
      title: 'Oops',
      body: 'Hi {price}',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields[0].path).toBe('body');
    expect(bad.body.error.message).toContain('{fan_name}');
    // Not their creator.
    expect(
      (await manager.post('/api/saved-replies', { creatorId: creatorB, title: 'No', body: 'No' })).status,
    ).toBe(403);
  });

  it('shows a chatter their creators’ replies and the shared ones only, and lets them change none', async () => {
    const list = await chatterA.get('/api/saved-replies');
    expect(list.status).toBe(200);
    expect(list.body.replies.map((r: { title: string }) => r.title).sort()).toEqual(['Bienvenue', 'Thanks']);
    expect((await chatterA.get(`/api/saved-replies?creatorId=${creatorB}`)).status).toBe(403);
    const onlyB = await chatterB.get('/api/saved-replies');
    expect(onlyB.body.replies.map((r: { title: string }) => r.title).sort()).toEqual(['Mona', 'Thanks']);

    const id = list.body.replies[0].id;
    expect(
      (await chatterA.post('/api/saved-replies', { creatorId: creatorA, title: 'X', body: 'Y' })).status,
    ).toBe(403);
    expect((await chatterA.patch(`/api/saved-replies/${id}`, { title: 'Mine' })).status).toBe(403);
    expect((await chatterA.delete(`/api/saved-replies/${id}`)).status).toBe(403);
  });

  it('fills the variables for the conversation it goes into', async () => {
    const replies = await chatterA.get(`/api/conversations/${conversationId}/saved-replies`);
    expect(replies.status).toBe(200);
    const welcome = replies.body.replies.find((r: { title: string }) => r.title === 'Bienvenue');
    expect(welcome.text).toBe('Coucou Sam, ici lina_star 💋');
    expect(replies.body.replies.find((r: { title: string }) => r.title === 'Thanks').text).toBe(
      'Thank you Sam!',
    );
    expect(replies.body.replies.some((r: { title: string }) => r.title === 'Mona')).toBe(false);
    expect((await chatterB.get(`/api/conversations/${conversationId}/saved-replies`)).status).toBe(403);
  });

  it('changes and deletes a reply, for who may', async () => {
    const list = await manager.get(`/api/saved-replies?creatorId=${creatorA}`);
    const welcome = list.body.replies.find((r: { title: string }) => r.title === 'Bienvenue');
    const changed = await manager.patch(`/api/saved-replies/${welcome.id}`, {
      body: 'Hello {fan_name}',
      lang: 'en',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ body: 'Hello {fan_name}', lang: 'en', title: 'Bienvenue' });
    expect((await manager.patch(`/api/saved-replies/${welcome.id}`, {})).status).toBe(422);
    expect((await manager.delete(`/api/saved-replies/${welcome.id}`)).status).toBe(204);
    expect((await manager.delete(`/api/saved-replies/${welcome.id}`)).status).toBe(404);
    const after = await chatterA.get('/api/saved-replies');
    expect(after.body.replies.map((r: { title: string }) => r.title)).toEqual(['Thanks']);
  });
});
