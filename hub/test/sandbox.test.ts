import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, record, until, type InboxClient } from './stack';

/**
 * The built-in sandbox platform: every inbound kind a platform may send, through the same
 * seam (subscriptions and tips included), with no account anywhere else.
 */
describe('the sandbox platform', () => {
  let hub: TestHub;
  let admin: Client;
  let accountId: string;
  let socket: InboxClient;
  let events: ReturnType<typeof record>;

  const post = (body: object, token = 'sandbox-token-1') =>
    fetch(`${hub.url}/webhooks/sandbox/${accountId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-velvet-sandbox-token': token },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  const from = { id: 'fan-1', name: 'Sam', language: 'en' };

  beforeAll(async () => {
    hub = await startTestHub({ workers: true });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Sandbox'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    const account = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'sandbox-token-1' },
    });
    accountId = account.body.id;
    socket = await inboxClient(hub.url, admin.token);
    events = record(socket);
  });
  afterAll(async () => {
    socket?.close();
    await hub?.stop();
  });

  it('refuses a wrong token and stores nothing', async () => {
    expect((await post({ id: 'x1', chatId: 'c1', from, text: 'hi' }, 'wrong')).status).toBe(401);
    expect(await hub.ctx.db.select().from(schema.messages)).toEqual([]);
  });

  it('shows a new subscriber and a tip in the inbox; the tip counts once in the fan’s spend', async () => {
    expect((await post({ id: 's1', chatId: 'c1', from, event: 'subscriber' })).status).toBe(200);
    const subscribed = await until(() =>
      events.find((e) => e.event === 'message:new' && e.payload.message.event?.kind === 'subscriber'),
    );
    expect(subscribed.payload.message.text).toBe('');

    const tip = {
      id: 't1',
      chatId: 'c1',
      from,
      event: 'tip',
      text: 'for you ❤️',
      tip: { amountCents: 500, currency: 'EUR' },
    };
    expect((await post(tip)).body).toMatchObject({ ok: true, duplicate: false });
    expect((await post(tip)).body).toMatchObject({ ok: true, duplicate: true });
    const tipped = await until(() =>
      events.find((e) => e.event === 'message:new' && e.payload.message.event?.kind === 'tip'),
    );
    expect(tipped.payload.message).toMatchObject({
      text: 'for you ❤️',
      event: { kind: 'tip', amountCents: 500, currency: 'EUR' },
    });
    const [fan] = await hub.ctx.db.select().from(schema.fans).where(eq(schema.fans.platformUserId, 'fan-1'));
    expect(fan!.lifetimeSpendCents).toBe(500);

    // Neither is prose: no draft, no automated answer.
    await until(() => events.filter((e) => e.event === 'message:intent').length >= 2 || undefined);
    expect(events.some((e) => e.event === 'draft:start')).toBe(false);
    const thread = await admin.get(`/api/conversations/${tipped.payload.conversationId}/messages`);
    expect(thread.body.messages.map((m: { direction: string }) => m.direction)).toEqual(['in', 'in']);
    expect(thread.body.messages[1].event).toEqual({ kind: 'tip', amountCents: 500, currency: 'EUR' });
  });

  it('refuses a tip without its amount', async () => {
    const refused = await post({ id: 't2', chatId: 'c1', from, event: 'tip', text: 'x' });
    expect(refused.status).toBe(400);
  });

  it('counts a person’s answer in the reply-time figures, never the automatic 18+ gate', async () => {
    const replies = async () => (await admin.get('/api/metrics')).body.responseTimeMs.count as number;
    const before = await replies();
    expect(
      (
        await post({
          id: 'g1',
          chatId: 'c9',
          from: { id: 'fan-9', name: 'Gabi' },
          text: 'je veux ton pack pieds',
        })
      ).status,
    ).toBe(200);
    const gate = await until(async () => {
      const [row] = await hub.ctx.db
        .select()
        .from(schema.messages)
        .where(eq(schema.messages.direction, 'out'));
      return row?.status === 'sent' ? row : undefined;
    });
    expect(gate.raw).toMatchObject({ origin: 'safety' });
    expect(await replies()).toBe(before);

    const conversationId = gate.conversationId;
    expect((await socket.emitWithAck('message:send', { conversationId, text: 'Je suis là !' })).ok).toBe(
      true,
    );
    await until(
      async () => ((await replies()) === before + 1 ? true : undefined),
      10_000,
      'the answer counted',
    );
  });
});
