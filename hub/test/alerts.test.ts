import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, record, until } from './stack';

/** Supervisors hear about slow replies: p90 over the window above the 30 s threshold. */
describe('response time alert', () => {
  let hub: TestHub;
  let admin: Client;

  beforeAll(async () => {
    hub = await startTestHub({ workers: true, config: (c) => (c.alerts.check_every = 200) });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
  });
  afterAll(() => hub?.stop());

  async function conversationWithReplyAfter(seconds: number, name: string) {
    const creator = (await admin.post('/api/creators', creatorBody(name))).body;
    const account = await admin.post(`/api/creators/${creator.id}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 't' },
    });
    const { db } = hub.ctx;
    const [fan] = await db
      .insert(schema.fans)
      .values({ accountId: account.body.id, platformUserId: name })
      .returning();
    const [conversation] = await db
      .insert(schema.conversations)
      .values({ creatorId: creator.id, accountId: account.body.id, fanId: fan!.id, platformChatId: name })
      .returning();
    const now = Date.now();
    await db.insert(schema.messages).values([
      {
        conversationId: conversation!.id,
        accountId: account.body.id,
        direction: 'in',
        sender: 'fan',
        text: 'allo ?',
        createdAt: new Date(now - seconds * 1000),
      },
      {
        conversationId: conversation!.id,
        accountId: account.body.id,
        direction: 'out',
        sender: 'human',
        text: 'oui !',
        status: 'sent',
        sentAt: new Date(now),
        createdAt: new Date(now),
      },
    ]);
    return creator.id as string;
  }

  it('alerts for a creator whose replies take 45 s, not for one answering in 5 s', async () => {
    const socket = await inboxClient(hub.url, admin.token);
    const events = record(socket);
    const slow = await conversationWithReplyAfter(45, 'Slow');
    const fast = await conversationWithReplyAfter(5, 'Fast');
    const alert = await until(
      () => events.find((e) => e.event === 'alert' && e.payload.kind === 'response_time'),
      10_000,
      'alert',
    );
    expect(alert.payload).toMatchObject({ creatorId: slow, severity: 'warning' });
    expect(alert.payload.message).toMatch(/45 s at p90 \(goal 30 s\)/);
    await new Promise((r) => setTimeout(r, 800));
    const alerts = events.filter((e) => e.event === 'alert');
    expect(alerts).toHaveLength(1);
    expect(alerts.some((e) => e.payload.creatorId === fast)).toBe(false);
    socket.disconnect();
  });
});
