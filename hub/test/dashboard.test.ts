import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { connectTelegram, inboxClient, postTelegram, until, type InboxClient } from './stack';

const TOKENS = [
  '7700000005:AAH-dashboard-test-bot-token-number-05',
  '7700000006:AAH-dashboard-test-bot-token-number-06',
];

/** `metrics:subscribe` / `metrics:update`: live figures, only to supervisors, per creator scope. */
describe('live dashboard over Socket.IO', () => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  const accounts: { id: string; secret: string }[] = [];
  const creators: string[] = [];
  const sockets: InboxClient[] = [];
  let updateId = 1;

  const socketFor = async (email: string, password: string) => {
    const client = new Client(hub.url);
    await client.login(email, password);
    const socket = await inboxClient(hub.url, client.token);
    sockets.push(socket);
    return socket;
  };
  const fansIn = (s: any) => s.perMinute.reduce((n: number, m: any) => n + m.in, 0);

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: TOKENS });
    hub = await startTestHub({ telegramApiRoot: telegram.apiRoot });
    const admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    for (const [i, name] of ['Dana', 'Eva'].entries()) {
      const creator = await admin.post('/api/creators', creatorBody(name));
      creators.push(creator.body.id);
      const connected = await connectTelegram(admin, telegram, TOKENS[i]!, creator.body.id);
      accounts.push({ id: connected.accountId, secret: connected.secret });
    }
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await hub?.stop();
    await telegram?.close();
  });

  it('refuses people who are not supervisors', async () => {
    const { email, password } = await hub.createUser('chatter@dash.test', 'chatter', [creators[0]!]);
    const socket = await socketFor(email, password);
    expect(await socket.emitWithAck('metrics:subscribe', {})).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const model = await hub.createUser('model@dash.test', 'model', [creators[0]!]);
    const modelSocket = await socketFor(model.email, model.password);
    expect(await modelSocket.emitWithAck('metrics:subscribe', {})).toMatchObject({ ok: false });
  });

  it('gives a manager the figures of their creators only, and keeps them live', async () => {
    const { email, password } = await hub.createUser('manager@dash.test', 'manager', [creators[0]!]);
    const manager = await socketFor(email, password);
    const admin = await socketFor(ADMIN.email, ADMIN.password);
    const first = await manager.emitWithAck('metrics:subscribe', {});
    expect(first).toMatchObject({ ok: true });
    if (!first.ok) return;
    expect(first.snapshot.scope).toEqual([creators[0]]);
    expect(first.snapshot.perMinute).toHaveLength(60);
    expect(first.snapshot.conversion).toMatchObject({ offers: 0, rate: null });
    expect(first.snapshot.goals).toMatchObject({ responseTimeMs: 20_000, alertResponseTimeMs: 30_000 });
    expect(Object.keys(first.snapshot.queues)).toContain('inbound.process');
    const adminFirst = await admin.emitWithAck('metrics:subscribe', {});
    expect(adminFirst.ok && adminFirst.snapshot.scope).toBe('all');

    const managerUpdates: any[] = [];
    const adminUpdates: any[] = [];
    manager.on('metrics:update', (s) => managerUpdates.push(s));
    admin.on('metrics:update', (s) => adminUpdates.push(s));
    for (const [i, chatId] of [
      [0, 8001],
      [1, 8002],
      [1, 8003],
    ] as const) {
      const response = await postTelegram(
        hub.url,
        accounts[i]!.id,
        accounts[i]!.secret,
        telegramUpdates.text({
          updateId: updateId++,
          chatId,
          fromId: chatId,
          text: 'coucou',
          languageCode: 'fr',
        }),
      );
      expect(response.status).toBe(200);
    }
    const managerView = await until(
      () => managerUpdates.find((s) => fansIn(s) > 0),
      12_000,
      'a manager update',
    );
    const adminView = await until(() => adminUpdates.find((s) => fansIn(s) >= 3), 12_000, 'an admin update');
    expect(fansIn(managerView)).toBe(1);
    expect(fansIn(adminView)).toBe(3);
    expect(managerView.conversations).toMatchObject({ open: 1, snoozed: 0, resolved: 0 });

    expect(await manager.emitWithAck('metrics:unsubscribe', {})).toEqual({ ok: true });
    const count = managerUpdates.length;
    await new Promise((r) => setTimeout(r, 6000));
    expect(managerUpdates).toHaveLength(count);
  }, 30_000);

  it('counts open, snoozed and resolved conversations in the figures', async () => {
    const admin = await socketFor(ADMIN.email, ADMIN.password);
    const api = new Client(hub.url);
    await api.login(ADMIN.email, ADMIN.password);
    const updates: any[] = [];
    admin.on('metrics:update', (s) => updates.push(s));
    const first = await admin.emitWithAck('metrics:subscribe', {});
    if (!first.ok) throw new Error('not subscribed');
    const before = first.snapshot.conversations;
    const [a, b] = (await api.get('/api/conversations?view=open')).body.conversations as { id: string }[];
    expect((await admin.emitWithAck('conversation:resolve', { conversationId: a!.id })).ok).toBe(true);
    const until1h = new Date(Date.now() + 3600_000).toISOString();
    expect(
      (await admin.emitWithAck('conversation:snooze', { conversationId: b!.id, until: until1h })).ok,
    ).toBe(true);
    const after = await until(
      () =>
        updates.find(
          (s) => s.conversations.resolved === before.resolved + 1 && s.conversations.snoozed === 1,
        ),
      12_000,
      'figures with the resolved and snoozed conversations',
    );
    expect(after.conversations.open).toBe(before.open - 2);
  }, 30_000);
});
