import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { connectTelegram, inboxClient, postTelegram, record, until, type InboxClient } from './stack';

const TOKENS = [
  '7700000003:AAH-approvals-test-bot-token-number-03',
  '7700000004:AAH-approvals-test-bot-token-number-04',
];

/** Approval cards over HTTP: scoped by role, with the fan's words, and gone once decided. */
describe('approval cards API', () => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  let admin: Client;
  const accounts: { id: string; secret: string }[] = [];
  const creators: string[] = [];
  let modelA: Client;
  let modelB: Client;
  let chatterA: Client;
  let updateId = 1;

  const say = (creator: number, chatId: number, text: string) =>
    postTelegram(
      hub.url,
      accounts[creator]!.id,
      accounts[creator]!.secret,
      telegramUpdates.text({
        updateId: updateId++,
        chatId,
        fromId: chatId,
        text,
        languageCode: 'fr',
        firstName: 'Zoé',
      }),
    );
  const signedIn = async (email: string, role: 'model' | 'chatter', creatorId: string) => {
    const user = await hub.createUser(email, role, [creatorId]);
    const client = new Client(hub.url);
    expect((await client.login(user.email, user.password)).status).toBe(200);
    return client;
  };
  const cardFor = (client: Client, text: string) =>
    until(
      async () =>
        (await client.get('/api/drafts')).body.drafts?.find((d: any) =>
          d.fanMessages.some((m: any) => m.text === text),
        ),
      15_000,
      `a card for "${text}"`,
    );

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: TOKENS });
    // Ollama is unreachable here: the intent's template stands in and waits for approval.
    hub = await startTestHub({ workers: true, telegramApiRoot: telegram.apiRoot });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    for (const [i, name] of ['Anna', 'Bella'].entries()) {
      const creator = await admin.post('/api/creators', {
        ...creatorBody(name),
        quietHours: { start: '00:00', end: '00:00' },
      });
      creators.push(creator.body.id);
      const connected = await connectTelegram(admin, telegram, TOKENS[i]!, creator.body.id);
      accounts.push({ id: connected.accountId, secret: connected.secret });
    }
    modelA = await signedIn('anna@model.test', 'model', creators[0]!);
    modelB = await signedIn('bella@model.test', 'model', creators[1]!);
    chatterA = await signedIn('chat@a.test', 'chatter', creators[0]!);
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  it('shows each person only the drafts of their creators, with the fan’s messages and the wait', async () => {
    await say(0, 7001, 'coucou Anna <b>toi</b>');
    await say(1, 7002, 'coucou Bella');
    const card = await cardFor(modelA, 'coucou Anna <b>toi</b>');
    expect(card).toMatchObject({
      creatorId: creators[0],
      creatorName: 'anna_star',
      platform: 'telegram',
      fanName: 'Zoé',
      status: 'pending_approval',
      text: expect.any(String),
      ageSeconds: expect.any(Number),
    });
    expect(card.fanMessages.map((m: any) => m.text)).toEqual(['coucou Anna <b>toi</b>']);
    await cardFor(modelB, 'coucou Bella');
    expect((await modelA.get('/api/drafts')).body.drafts.every((d: any) => d.creatorId === creators[0])).toBe(
      true,
    );
    expect((await chatterA.get('/api/drafts')).body.drafts.map((d: any) => d.id)).toContain(card.id);
    const all = (await admin.get('/api/drafts')).body.drafts.map((d: any) => d.creatorId);
    expect(new Set(all)).toEqual(new Set(creators));

    expect((await modelA.get(`/api/drafts/${card.id}`)).body.draft.id).toBe(card.id);
    expect((await modelB.get(`/api/drafts/${card.id}`)).status).toBe(404);
    expect((await modelB.get(`/api/drafts?creatorId=${creators[0]}`)).status).toBe(403);
    expect((await modelA.get('/api/drafts?status=sent')).status).toBe(422);
    expect((await new Client(hub.url).get('/api/drafts')).status).toBe(401);
  });

  it('announces a decision to everyone, and counts it in the decider’s figures', async () => {
    await say(0, 7003, 'hello Anna');
    const card = await cardFor(modelA, 'hello Anna');
    const chatterSocket: InboxClient = await inboxClient(hub.url, chatterA.token);
    const events = record(chatterSocket);
    const modelSocket = await inboxClient(hub.url, modelA.token);
    try {
      const before = (await modelA.get('/api/drafts/stats')).body;
      const ack = await modelSocket.emitWithAck('draft:approve', {
        draftId: card.id,
        text: 'Coucou, merci 💕',
      });
      expect(ack).toMatchObject({ ok: true });
      const decided = await until(
        () => events.find((e) => e.event === 'draft:decided'),
        5000,
        'draft:decided',
      );
      expect(decided.payload).toMatchObject({
        draftId: card.id,
        status: 'approved',
        decidedBy: expect.any(String),
      });
      expect((await modelA.get('/api/drafts')).body.drafts.map((d: any) => d.id)).not.toContain(card.id);
      const after = (await modelA.get('/api/drafts/stats')).body;
      expect(after.approvedByMe).toBe(before.approvedByMe + 1);
      expect(after.pending).toBe(before.pending - 1);
      expect(after.sales).toEqual([]);
      const future = new Date(Date.now() - 8 * 86_400_000).toISOString();
      expect((await modelA.get(`/api/drafts/stats?since=${encodeURIComponent(future)}`)).status).toBe(422);
    } finally {
      chatterSocket.disconnect();
      modelSocket.disconnect();
    }
  });

  it('counts in GET /api/metrics only the drafts of a manager’s creators', async () => {
    const user = await hub.createUser('manager@a.test', 'manager', [creators[0]!]);
    const manager = new Client(hub.url);
    await manager.login(user.email, user.password);
    const mine = (await modelA.get('/api/drafts')).body.drafts.length;
    const everyone = (await admin.get('/api/drafts')).body.drafts.length;
    expect(everyone).toBeGreaterThan(mine);
    const scoped = await manager.get('/api/metrics');
    expect(scoped.status).toBe(200);
    expect(scoped.body.drafts.pending_approval).toBe(mine);
    expect((await admin.get('/api/metrics')).body.drafts.pending_approval).toBe(everyone);
    expect((await modelA.get('/api/metrics')).status).toBe(403);
  });

  it('shows on the dashboard who approved what, how fast, and how long drafts have waited', async () => {
    const socket = await inboxClient(hub.url, admin.token);
    try {
      const snapshot = await until(
        async () => {
          const ack = await socket.emitWithAck('metrics:subscribe', {});
          return ack.ok && ack.snapshot.chatters.length > 0 && ack.snapshot;
        },
        10_000,
        'a reply counted for the team',
      );
      expect(snapshot.chatters).toEqual([
        expect.objectContaining({
          email: 'anna@model.test',
          replies: 1,
          approvals: 1,
          responseTimeMs: expect.objectContaining({ count: 1, p50: expect.any(Number) }),
        }),
      ]);
      expect(snapshot.pending.count).toBe(2);
      expect(snapshot.pending.ages).toHaveLength(2);
      expect(snapshot.pending.ages[0]).toBeGreaterThanOrEqual(snapshot.pending.ages[1]!);
      expect(snapshot.llm.fallbacks).toBe(snapshot.llm.drafts);
    } finally {
      socket.disconnect();
    }
  });
});
