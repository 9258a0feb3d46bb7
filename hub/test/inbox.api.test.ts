import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '@velvet/shared';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { postTelegram } from './stack';

const TOKEN = '7300000006:AAH-inbox-api-test-bot-token-000000006';
const MISSING = '00000000-0000-4000-8000-000000000000';

interface Thread {
  conversationId: string;
  accountId: string;
  fanId: string;
}

/** The inbox's HTTP routes against the real hub over PostgreSQL and Redis. */
describe('inbox API: retry, read state, fan panel', () => {
  let telegram: TelegramStandin;
  let hub: TestHub;
  let admin: Client;
  let chatter: Client & { userId: string };
  let outsider: Client;
  let chatterId: string;
  let creatorId: string;
  let lina: Thread;
  let other: Thread;

  const signIn = async (user: { email: string; password: string }) => {
    const client = new Client(hub.url);
    const login = await client.login(user.email, user.password);
    expect(login.status).toBe(200);
    return Object.assign(client, { userId: login.body.user.id as string });
  };

  /** An outbound reply as the outbound worker leaves it after the platform call. */
  const reply = async (status: 'failed' | 'sent', text: string) => {
    const [row] = await hub.ctx.db
      .insert(schema.messages)
      .values({
        conversationId: lina.conversationId,
        accountId: lina.accountId,
        direction: 'out',
        sender: 'human',
        text,
        status,
        error: status === 'failed' ? 'Telegram answered 502' : null,
        idempotencyKey: `seed:${text}`,
      })
      .returning();
    return row!.id;
  };

  const outboundByText = (text: string) =>
    hub.ctx.db
      .select({ id: schema.messages.id, status: schema.messages.status })
      .from(schema.messages)
      .where(and(eq(schema.messages.conversationId, lina.conversationId), eq(schema.messages.text, text)))
      .orderBy(schema.messages.createdAt);

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [TOKEN] });
    hub = await startTestHub({ telegramApiRoot: telegram.apiRoot });
    admin = await signIn(ADMIN);
    creatorId = (await admin.post('/api/creators', creatorBody('Inboxapi'))).body.id;
    const elsewhere = (await admin.post('/api/creators', creatorBody('Elsewhere'))).body.id;
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'telegram',
      credentials: { botToken: TOKEN },
    });
    expect(account.status).toBe(201);
    const secret = telegram.webhooks.get(TOKEN)!.secret_token!;
    let updateId = 1;
    for (const [chatId, name, count] of [
      [61, 'Lina', 3],
      [62, 'Other', 1],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const update = telegramUpdates.text({
          updateId: updateId++,
          chatId,
          fromId: chatId,
          text: `${name} #${i}`,
          firstName: name,
        });
        expect((await postTelegram(hub.url, account.body.id, secret, update)).status).toBe(200);
      }
    }
    const list = await admin.get(`/api/conversations?creatorId=${creatorId}`);
    const thread = (name: string): Thread => {
      const c = list.body.conversations.find(
        (x: { fan: { displayName: string } }) => x.fan.displayName === name,
      );
      return { conversationId: c.id, accountId: c.accountId, fanId: c.fan.id };
    };
    lina = thread('Lina');
    other = thread('Other');

    chatter = await signIn(await hub.createUser('chatter@test.velvet', 'chatter', [creatorId]));
    chatterId = chatter.userId;
    outsider = await signIn(await hub.createUser('outsider@test.velvet', 'chatter', [elsewhere]));
  });

  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  describe('POST /api/messages/:id/retry', () => {
    it('sends a failed reply again as one new queued message; the old one becomes retried', async () => {
      const failed = await reply('failed', 'photo de mes pieds ?');
      const retried = await chatter.post(`/api/messages/${failed}/retry`);
      expect(retried.status).toBe(201);
      expect(retried.body.messageId).not.toBe(failed);

      const rows = await outboundByText('photo de mes pieds ?');
      expect(rows).toEqual([
        { id: failed, status: 'retried' },
        { id: retried.body.messageId, status: 'queued' },
      ]);
      // The send is staged for the outbound worker, and the retry is on the record.
      const outbox = await hub.ctx.db.select().from(schema.outbox);
      expect(
        outbox.filter((o) => o.topic === 'outbound.send' && o.payload.messageId === retried.body.messageId),
      ).toHaveLength(1);
      const [audit] = await hub.ctx.db
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.targetId, retried.body.messageId));
      expect(audit).toMatchObject({ action: 'message.retry', actorId: chatterId, data: { retryOf: failed } });

      // The thread shows both, the new one after the old.
      const page = await chatter.get(`/api/conversations/${lina.conversationId}/messages`);
      expect(
        page.body.messages
          .filter((m: { text: string }) => m.text === 'photo de mes pieds ?')
          .map((m: { status: string }) => m.status),
      ).toEqual(['retried', 'queued']);
    });

    it('answers 409 to a second retry of the same message and to a retry of a sent one', async () => {
      const failed = await reply('failed', 'deuxième essai');
      expect((await chatter.post(`/api/messages/${failed}/retry`)).status).toBe(201);
      const again = await chatter.post(`/api/messages/${failed}/retry`);
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');

      const sent = await reply('sent', 'déjà parti');
      expect((await chatter.post(`/api/messages/${sent}/retry`)).status).toBe(409);
      expect(await outboundByText('deuxième essai')).toHaveLength(2);
      expect(await outboundByText('déjà parti')).toHaveLength(1);
    });

    it('a double click sends one copy', async () => {
      const failed = await reply('failed', 'double clic');
      const answers = await Promise.all([
        chatter.post(`/api/messages/${failed}/retry`),
        chatter.post(`/api/messages/${failed}/retry`),
      ]);
      for (const a of answers) expect([201, 409]).toContain(a.status);
      expect(answers.some((a) => a.status === 201)).toBe(true);
      const rows = await outboundByText('double clic');
      expect(rows.map((r) => r.status)).toEqual(['retried', 'queued']);
    });

    it('is forbidden to a chatter of another creator and unknown for inbound or missing messages', async () => {
      const failed = await reply('failed', 'pas pour toi');
      const denied = await outsider.post(`/api/messages/${failed}/retry`);
      expect(denied.status).toBe(403);
      expect(await outboundByText('pas pour toi')).toEqual([{ id: failed, status: 'failed' }]);

      const [inbound] = await hub.ctx.db
        .select({ id: schema.messages.id })
        .from(schema.messages)
        .where(
          and(eq(schema.messages.conversationId, lina.conversationId), eq(schema.messages.direction, 'in')),
        )
        .limit(1);
      expect((await chatter.post(`/api/messages/${inbound!.id}/retry`)).status).toBe(404);
      expect((await chatter.post(`/api/messages/${MISSING}/retry`)).status).toBe(404);
      expect((await chatter.post('/api/messages/not-a-uuid/retry')).status).toBe(404);
    });
  });

  describe('POST /api/conversations/:id/read', () => {
    it('clears the unread count for every inbox, only for those who may read it', async () => {
      const before = await chatter.get(`/api/conversations/${other.conversationId}`);
      expect(before.body.conversation.unreadCount).toBe(1);

      expect((await outsider.post(`/api/conversations/${other.conversationId}/read`)).status).toBe(403);
      expect(
        (await chatter.get(`/api/conversations/${other.conversationId}`)).body.conversation.unreadCount,
      ).toBe(1);

      expect((await chatter.post(`/api/conversations/${other.conversationId}/read`)).status).toBe(204);
      const after = await admin.get(`/api/conversations?creatorId=${creatorId}&unread=true`);
      expect(after.body.conversations.map((c: { id: string }) => c.id)).not.toContain(other.conversationId);
      expect(
        (await admin.get(`/api/conversations/${other.conversationId}`)).body.conversation.unreadCount,
      ).toBe(0);
      // Reading an already read conversation is harmless.
      expect((await chatter.post(`/api/conversations/${other.conversationId}/read`)).status).toBe(204);
      expect((await chatter.post(`/api/conversations/${MISSING}/read`)).status).toBe(404);
    });
  });

  describe('PATCH /api/fans/:id', () => {
    it('names each bad field with 422 and changes nothing', async () => {
      const bad = await chatter.patch(`/api/fans/${lina.fanId}`, {
        notes: 'x'.repeat(5001),
        tags: ['ok', ' '],
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
        'notes',
        'tags.1',
      ]);
      expect(bad.body.error.message).toMatch(/notes: must be at most 5000 characters/);

      const unknown = await chatter.patch(`/api/fans/${lina.fanId}`, { notes: 'n', optedOutAt: null });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.message).toContain('optedOutAt');

      const empty = await chatter.patch(`/api/fans/${lina.fanId}`, {});
      expect(empty.status).toBe(422);
      expect(empty.body.error.message).toContain('notes or tags is required');

      const fan = await chatter.get(`/api/fans/${lina.fanId}`);
      expect(fan.body.fan).toMatchObject({ notes: '', tags: [] });
    });

    it('is forbidden outside the creator scope', async () => {
      const denied = await outsider.patch(`/api/fans/${lina.fanId}`, { notes: 'pirate' });
      expect(denied.status).toBe(403);
      expect((await outsider.get(`/api/fans/${lina.fanId}`)).status).toBe(403);
      expect((await chatter.get(`/api/fans/${lina.fanId}`)).body.fan.notes).toBe('');
      expect((await chatter.patch(`/api/fans/${MISSING}`, { notes: 'x' })).status).toBe(404);
    });

    it('keeps notes and tags, returns them in the fan panel, and records who changed them', async () => {
      const saved = await chatter.patch(`/api/fans/${lina.fanId}`, {
        notes: 'Aime les chats <3\nPas de appel vidéo',
        tags: ['vip', ' nuit ', 'vip'],
      });
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({
        id: lina.fanId,
        notes: 'Aime les chats <3\nPas de appel vidéo',
        tags: ['vip', 'nuit'],
      });

      // Only tags: the notes stay.
      expect((await chatter.patch(`/api/fans/${lina.fanId}`, { tags: ['vip'] })).status).toBe(200);
      const panel = await admin.get(`/api/fans/${lina.fanId}`);
      expect(panel.body.fan).toMatchObject({ notes: 'Aime les chats <3\nPas de appel vidéo', tags: ['vip'] });

      const audit = await hub.ctx.db
        .select()
        .from(schema.auditLog)
        .where(and(eq(schema.auditLog.action, 'fan.update'), eq(schema.auditLog.targetId, lina.fanId)))
        .orderBy(schema.auditLog.id);
      expect(audit.map((a) => [a.actorId, a.targetType, a.data])).toEqual([
        [chatterId, 'fan', { fields: ['notes', 'tags'] }],
        [chatterId, 'fan', { fields: ['tags'] }],
      ]);
    });
  });

  describe('GET /api/fans/:id', () => {
    it("shows the fan's purchases, open offers and pending follow-ups, and no one else's", async () => {
      const db = hub.ctx.db;
      const [feet, lingerie] = await db
        .insert(schema.packs)
        .values([
          { creatorId, name: 'Pieds au soleil', type: 'feet', priceCents: 1500 },
          { creatorId, name: 'Dentelle noire', type: 'lingerie', priceCents: 2500 },
        ])
        .returning();
      const offer = (fan: Thread, packId: string, status: string, priceCents: number) => ({
        creatorId,
        conversationId: fan.conversationId,
        fanId: fan.fanId,
        packId,
        listPriceCents: priceCents,
        priceCents,
        currency: 'EUR',
        status,
        expiresAt: new Date(Date.now() + 86_400_000),
      });
      const [open, paid] = await db
        .insert(schema.offers)
        .values([
          offer(lina, lingerie!.id, 'open', 2000),
          offer(lina, feet!.id, 'paid', 1500),
          offer(lina, feet!.id, 'expired', 1200),
          offer(other, feet!.id, 'open', 1500),
        ])
        .returning();
      await db.insert(schema.purchases).values([
        {
          offerId: paid!.id,
          creatorId,
          conversationId: lina.conversationId,
          fanId: lina.fanId,
          packId: feet!.id,
          provider: 'telegram_stars',
          providerChargeId: 'charge-lina-1',
          amountCents: 1500,
          currency: 'EUR',
        },
        {
          creatorId,
          conversationId: other.conversationId,
          fanId: other.fanId,
          packId: feet!.id,
          provider: 'telegram_stars',
          providerChargeId: 'charge-other-1',
          amountCents: 1500,
          currency: 'EUR',
        },
      ]);
      const dueAt = new Date(Date.now() + 3_600_000);
      const followUp = (fan: Thread, kind: string, status: string) => ({
        creatorId,
        conversationId: fan.conversationId,
        fanId: fan.fanId,
        kind,
        status,
        dueAt,
      });
      const [nudge] = await db
        .insert(schema.followUps)
        .values([
          { ...followUp(lina, 'offer', 'pending'), offerId: open!.id, packId: lingerie!.id },
          followUp(lina, 'thank_you', 'cancelled'),
          followUp(other, 'suggestion', 'pending'),
        ])
        .returning();

      const panel = await chatter.get(`/api/fans/${lina.fanId}`);
      expect(panel.status).toBe(200);
      expect(panel.body.purchases).toEqual([
        {
          id: expect.any(String),
          packName: 'Pieds au soleil',
          amount: { cents: 1500, currency: 'EUR' },
          createdAt: expect.any(String),
          // Neither refunded nor charged back.
          refundKind: null,
        },
      ]);
      expect(panel.body.openOffers).toEqual([
        {
          id: open!.id,
          packName: 'Dentelle noire',
          price: { cents: 2000, currency: 'EUR' },
          status: 'open',
          expiresAt: expect.any(String),
          createdAt: expect.any(String),
        },
      ]);
      expect(panel.body.followUps).toEqual([
        { id: nudge!.id, kind: 'offer', dueAt: dueAt.toISOString(), packName: 'Dentelle noire' },
      ]);
      // The platform's own ids of the fan stay on the server.
      expect(JSON.stringify(panel.body)).not.toContain('platformUserId');
    });
  });
});
