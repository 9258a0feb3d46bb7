import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, creatorBody } from './harness';
import { inboxClient, Stack, until, type InboxClient, type VelvetProcess } from './stack';

/** Waits for the server to end a socket; resolves with the reason Socket.IO gives. */
function ended(socket: InboxClient): Promise<string> {
  return new Promise((resolve) => {
    if (socket.disconnected) resolve('already disconnected');
    socket.once('disconnect', (reason) => resolve(reason));
  });
}

async function signIn(url: string, email: string, password: string): Promise<Client> {
  const client = new Client(url);
  expect((await client.login(email, password)).status).toBe(200);
  return client;
}

/**
 * Sign-out, disable and role changes end access at once, on every hub: the access token is
 * refused on the next request, the sockets end, and nothing waits out the token's 15 minutes.
 */
describe('access ends at once', () => {
  let stack: Stack;
  let hubs: VelvetProcess[];
  let admin: Client;
  let creatorId: string;
  let otherCreatorId: string;

  beforeAll(async () => {
    stack = await Stack.create({ env: { LOG_LEVEL: 'warn' } });
    hubs = await Promise.all([stack.start('hub'), stack.start('hub')]);
    admin = await stack.admin(hubs[0]!.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Sessions'))).body.id;
    otherCreatorId = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
  });

  async function createUser(email: string, role: string, creatorIds: string[]) {
    const password = 'a-long-enough-password-1';
    const created = await admin.post('/api/users', { email, password, role, creatorIds });
    expect(created.status).toBe(201);
    return { id: created.body.id as string, email, password };
  }

  it('signing out ends that sign-in on every hub, and only that one', async () => {
    const user = await createUser('leaver@test.velvet', 'chatter', [creatorId]);
    // Two sign-ins of one person: a laptop on hub A, a phone on hub B.
    const laptop = await signIn(hubs[0]!.url!, user.email, user.password);
    const phone = await signIn(hubs[1]!.url!, user.email, user.password);
    const laptopSocket = await inboxClient(hubs[1]!.url!, laptop.token);
    const phoneSocket = await inboxClient(hubs[0]!.url!, phone.token);
    // Both tokens have been checked (and cached) on both hubs.
    for (const hub of hubs) {
      for (const client of [laptop, phone]) {
        expect((await new Client(hub.url!).request('GET', '/api/me', undefined, auth(client))).status).toBe(
          200,
        );
      }
    }

    const laptopEnded = ended(laptopSocket);
    const out = await laptop.post('/api/auth/logout', undefined, laptop.csrfHeader());
    expect(out.status).toBe(204);
    const signedOutAt = Date.now();

    // Refused at once on both hubs, though the token is unexpired and was cached a moment ago.
    for (const hub of hubs) {
      expect((await new Client(hub.url!).request('GET', '/api/me', undefined, auth(laptop))).status).toBe(
        401,
      );
    }
    expect(await laptopEnded).toBe('io server disconnect');
    expect(Date.now() - signedOutAt).toBeLessThan(2000);
    // The ended socket cannot come back with the same token.
    laptopSocket.connect();
    const refused = await new Promise<string>((resolve) =>
      laptopSocket.once('connect_error', (e) => resolve(e.message)),
    );
    expect(refused).toBe('unauthorized');
    laptopSocket.disconnect();

    // The phone's sign-in is untouched.
    expect((await phone.get('/api/me')).status).toBe(200);
    expect(phoneSocket.connected).toBe(true);
    const ack = await phoneSocket.timeout(5000).emitWithAck('conversation:assign', {
      conversationId: '00000000-0000-4000-8000-000000000000',
    });
    expect(ack.ok ? 'ok' : ack.error.code).toBe('not_found');
    phoneSocket.disconnect();
  }, 60_000);

  it('disabling a user ends every session and socket at once, and refresh and sign-in are refused', async () => {
    const user = await createUser('disabled@test.velvet', 'manager', [creatorId]);
    const session = await signIn(hubs[1]!.url!, user.email, user.password);
    const sockets = [
      await inboxClient(hubs[0]!.url!, session.token),
      await inboxClient(hubs[1]!.url!, session.token),
    ];
    expect((await session.get('/api/creators')).status).toBe(200);

    const allEnded = Promise.all(sockets.map(ended));
    const disabled = await admin.patch(`/api/users/${user.id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id: user.id, disabled: true });

    expect((await session.get('/api/creators')).status).toBe(401);
    expect(await allEnded).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await session.post('/api/auth/refresh', undefined, session.csrfHeader())).status).toBe(401);
    expect((await new Client(hubs[0]!.url!).login(user.email, user.password)).status).toBe(401);
    for (const socket of sockets) socket.disconnect();

    // Enabled again, they sign in afresh; the old sign-in stays ended.
    expect((await admin.patch(`/api/users/${user.id}`, { disabled: false })).body.disabled).toBe(false);
    expect((await session.get('/api/creators')).status).toBe(401);
    const again = await signIn(hubs[0]!.url!, user.email, user.password);
    expect((await again.get('/api/creators')).status).toBe(200);
  }, 60_000);

  it('a new scope applies to the next request and the socket reconnects with a fresh view', async () => {
    const user = await createUser('moved@test.velvet', 'manager', [creatorId]);
    const session = await signIn(hubs[0]!.url!, user.email, user.password);
    const socket = await inboxClient(hubs[1]!.url!, session.token);
    expect((await session.get(`/api/creators/${creatorId}`)).status).toBe(200);
    expect((await session.get(`/api/creators/${otherCreatorId}`)).status).toBe(403);

    const socketEnded = ended(socket);
    const moved = await admin.patch(`/api/users/${user.id}`, { creatorIds: [otherCreatorId] });
    expect(moved.body.creatorIds).toEqual([otherCreatorId]);
    expect((await session.get(`/api/creators/${creatorId}`)).status).toBe(403);
    expect((await session.get(`/api/creators/${otherCreatorId}`)).status).toBe(200);

    // The sign-in is still live: the socket reconnects, without the old session's rooms.
    expect(await socketEnded).toBe('io server disconnect');
    socket.connect();
    await until(() => socket.connected || undefined, 5000, 'reconnect');
    expect(socket.recovered).toBe(false);
    socket.disconnect();
  }, 60_000);

  it('keeps one admin who can sign in, and refuses bad changes clearly', async () => {
    const me = (await admin.get('/api/me')).body.user.id as string;
    const demote = await admin.patch(`/api/users/${me}`, { role: 'manager' });
    expect(demote.status).toBe(409);
    expect(demote.body.error.message).toMatch(/last admin/);
    expect((await admin.patch(`/api/users/${me}`, { disabled: true })).status).toBe(409);
    expect((await admin.get('/api/me')).body.user.role).toBe('admin');

    expect((await admin.patch(`/api/users/${me}`, {})).status).toBe(422);
    expect((await admin.patch(`/api/users/${me}`, { role: 'owner' })).status).toBe(422);
    expect((await admin.patch(`/api/users/${me}`, { creatorIds: [crypto.randomUUID()] })).status).toBe(422);
    expect((await admin.patch(`/api/users/not-a-user`, { disabled: true })).status).toBe(404);
    expect((await admin.patch(`/api/users/${crypto.randomUUID()}`, { disabled: true })).status).toBe(404);

    const manager = await createUser('not-admin@test.velvet', 'manager', [creatorId]);
    const managerSession = await signIn(hubs[0]!.url!, manager.email, manager.password);
    expect((await managerSession.patch(`/api/users/${me}`, { disabled: true })).status).toBe(403);

    // With a second admin, the first may step down.
    const second = await createUser('second-admin@test.velvet', 'admin', []);
    expect((await admin.patch(`/api/users/${me}`, { role: 'manager', creatorIds: [creatorId] })).status).toBe(
      200,
    );
    const secondSession = await signIn(hubs[1]!.url!, second.email, second.password);
    expect((await secondSession.patch(`/api/users/${me}`, { role: 'admin' })).status).toBe(200);
  }, 60_000);
});

function auth(client: Client): Record<string, string> {
  return { authorization: `Bearer ${client.token}` };
}
