import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accountsRepo,
  createCheckoutToken,
  inboundRepo,
  signPaymentWebhook,
  type Role,
} from '@velvet/shared';
import { Client, creatorBody, startTestHub, type TestHub } from './harness';

const PROVIDER_SECRET = 'whsec-test-provider-secret-0123456789';

/** Catalog, promo codes, operator offers, checkout-provider payments and sales figures over HTTP. */
describe('sales API', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let otherCreatorId: string;
  let conversationId: string;
  let feetId: string;

  const as = async (role: Role, creators: string[]) => {
    const user = await hub.createUser(
      `${role}-${Math.random().toString(36).slice(2)}@test.velvet`,
      role,
      creators,
    );
    const client = new Client(hub.url);
    await client.login(user.email, user.password);
    return client;
  };

  /** A sandbox fan (no in-chat payments: the checkout link path), stored as a webhook would. */
  async function sandboxConversation(userId: string) {
    const account = await accountsRepo.create(hub.ctx.db, {
      creatorId,
      platform: 'sandbox',
      label: 'sandbox',
      credentialsEnc: hub.ctx.secrets.credentials.sealJson({ token: 'x' }),
      settings: {},
    });
    const stored = await inboundRepo.store(hub.ctx.db, {
      creatorId,
      accountId: account.id,
      fan: { platformUserId: userId, displayName: 'Sam', language: 'fr', seenAt: new Date() },
      platformChatId: `dm-${userId}`,
      platformMessageId: `m-${userId}`,
      text: 'hello',
      raw: { kind: 'text' },
      receivedAt: new Date(),
    });
    // The sandbox does not verify age: this fan confirmed with the 18+ button.
    await hub.ctx.db.execute(
      sql`update fans set age_verified_at = now(), age_verified_method = 'button' where platform_user_id = ${userId}`,
    );
    return stored.conversationId;
  }

  const pay = (body: object, secret = PROVIDER_SECRET, at = new Date()) => {
    const raw = JSON.stringify(body);
    return fetch(`${hub.url}/webhooks/payments/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-velvet-signature': signPaymentWebhook(secret, raw, at),
      },
      body: raw,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));
  };

  beforeAll(async () => {
    process.env.VELVET_PAYMENT_SECRET_CHECKOUT = PROVIDER_SECRET;
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login('admin@test.velvet', 'admin-password-123');
    creatorId = (await admin.post('/api/creators', creatorBody('Shop'))).body.id;
    otherCreatorId = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
    conversationId = await sandboxConversation('900');
  }, 60_000);

  afterAll(async () => {
    delete process.env.VELVET_PAYMENT_SECRET_CHECKOUT;
    await hub?.stop();
  });

  it('keeps a catalog per creator: create, read, update, and a 422 that names each bad field', async () => {
    const created = await admin.post(`/api/creators/${creatorId}/packs`, {
      name: 'Pack pieds',
      type: 'feet',
      price: 10,
      media: [{ kind: 'photo', url: 'https://cdn.example.test/1.jpg' }],
      checkoutUrl: 'https://pay.example.test/checkout',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Pack pieds',
      price: 10,
      priceCents: 1000,
      currency: 'EUR',
      active: true,
    });
    feetId = created.body.id;

    const bad = await admin.post(`/api/creators/${creatorId}/packs`, {
      name: '',
      type: 'socks',
      price: 10.555,
      checkoutUrl: 'javascript:alert(1)',
    });
    expect(bad.status).toBe(422);
    const fields = bad.body.error.details.fields.map((f: { path: string }) => f.path);
    expect(fields).toEqual(expect.arrayContaining(['name', 'type', 'price', 'checkoutUrl']));

    const updated = await admin.patch(`/api/packs/${feetId}`, { price: 12.5, description: 'Mes pieds' });
    expect(updated.body).toMatchObject({ priceCents: 1250, description: 'Mes pieds' });
    await admin.patch(`/api/packs/${feetId}`, { price: 10 });
    const list = await admin.get(`/api/creators/${creatorId}/packs`);
    expect(list.body.packs.map((p: { name: string }) => p.name)).toEqual(['Pack pieds']);
  });

  it('lets managers in scope edit the catalog; chatters only read it; nobody outside the scope sees it', async () => {
    const manager = await as('manager', [creatorId]);
    const chatter = await as('chatter', [creatorId]);
    const outsider = await as('manager', [otherCreatorId]);
    const pack = { name: 'Pack lingerie', type: 'lingerie', price: 15 };
    expect((await manager.post(`/api/creators/${creatorId}/packs`, pack)).status).toBe(201);
    expect((await chatter.post(`/api/creators/${creatorId}/packs`, pack)).status).toBe(403);
    expect((await chatter.get(`/api/creators/${creatorId}/packs`)).status).toBe(200);
    expect((await outsider.get(`/api/creators/${creatorId}/packs`)).status).toBe(403);
    expect((await outsider.patch(`/api/packs/${feetId}`, { active: false })).status).toBe(403);
  });

  it('applies a promo code at offer time within its limits and returns a signed checkout link', async () => {
    const promo = await admin.post(`/api/creators/${creatorId}/promo-codes`, {
      code: 'bienvenue',
      kind: 'percent',
      value: 20,
      maxUsesPerFan: 1,
    });
    expect(promo.status).toBe(201);
    expect(promo.body).toMatchObject({ code: 'BIENVENUE', kind: 'percent', value: 20, uses: 0 });
    expect(
      (
        await admin.post(`/api/creators/${creatorId}/promo-codes`, {
          code: 'BIENVENUE',
          kind: 'fixed',
          value: 2,
        })
      ).status,
    ).toBe(409);
    expect(
      (await admin.post(`/api/creators/${creatorId}/promo-codes`, { code: 'x', kind: 'percent', value: 120 }))
        .status,
    ).toBe(422);

    const offered = await admin.post(`/api/conversations/${conversationId}/offers`, {
      packId: feetId,
      promoCode: 'Bienvenue',
    });
    expect(offered.status).toBe(201);
    expect(offered.body.offer).toMatchObject({
      priceCents: 800,
      listPriceCents: 1000,
      promoCode: 'BIENVENUE',
      status: 'open',
      offeredBy: 'human',
    });
    expect(offered.body.checkoutUrl).toMatch(/^https:\/\/pay\.example\.test\/checkout\?velvet_token=/);
    // One open offer per pack per fan: asking again returns the same one.
    const again = await admin.post(`/api/conversations/${conversationId}/offers`, { packId: feetId });
    expect(again.body).toMatchObject({ created: false, offer: { id: offered.body.offer.id } });
    // The link went to the fan as a message with a pay button.
    const thread = await admin.get(`/api/conversations/${conversationId}/messages`);
    expect(JSON.stringify(thread.body)).toContain('Pack pieds');
  });

  it('records a checkout payment once per charge, refuses bad signatures, wrong amounts and a reused link', async () => {
    const sales = await admin.get(`/api/conversations/${conversationId}/sales`);
    const offer = sales.body.offers.find((o: { status: string }) => o.status === 'open');
    const token = createCheckoutToken(hub.ctx.secrets.checkoutKey, offer.id, new Date(offer.expiresAt));
    const body = { type: 'payment.succeeded', chargeId: 'ch_1', token, amount: 800, currency: 'EUR' };

    expect((await pay(body, 'wrong-secret')).status).toBe(401);
    expect((await pay(body, PROVIDER_SECRET, new Date(Date.now() - 3600_000))).status).toBe(401);
    expect((await pay({ ...body, amount: 100 })).status).toBe(400);
    expect((await pay({ ...body, token: `${token.slice(0, -4)}AAAA` })).status).toBe(400);

    const first = await pay(body);
    expect(first).toMatchObject({ status: 200, body: { ok: true, duplicate: false } });
    expect((await pay(body)).body).toMatchObject({
      ok: true,
      duplicate: true,
      purchaseId: first.body.purchaseId,
    });
    // Single-use: a different charge on the same link records nothing.
    expect((await pay({ ...body, chargeId: 'ch_2' })).status).toBe(409);

    const after = await admin.get(`/api/conversations/${conversationId}/sales`);
    expect(after.body.purchases).toHaveLength(1);
    expect(after.body.purchases[0]).toMatchObject({
      amountCents: 800,
      provider: 'checkout',
      packName: 'Pack pieds',
    });
    expect(after.body.offers.find((o: { id: string }) => o.id === offer.id)).toMatchObject({
      status: 'paid',
    });
    // The payment stopped the offer's nudge and planned one suggestion of another pack.
    expect(after.body.followUps).toEqual([
      expect.objectContaining({ kind: 'offer', status: 'cancelled', cancelReason: 'purchased' }),
      expect.objectContaining({ kind: 'suggestion', status: 'pending' }),
    ]);
  });

  it('reports offers, purchases, conversion and revenue by pack, seller and platform', async () => {
    const byPack = await admin.get(`/api/sales/metrics?creatorId=${creatorId}&by=pack`);
    expect(byPack.status).toBe(200);
    expect(byPack.body.rows).toEqual([
      expect.objectContaining({
        label: 'Pack pieds',
        offers: 1,
        purchases: 1,
        conversion: 1,
        revenueCents: 800,
        currency: 'EUR',
      }),
    ]);
    const bySeller = await admin.get(`/api/sales/metrics?creatorId=${creatorId}&by=seller`);
    expect(bySeller.body.rows[0]).toMatchObject({ label: 'admin@test.velvet', purchases: 1 });
    const byPlatform = await admin.get(`/api/sales/metrics?creatorId=${creatorId}&by=platform`);
    expect(byPlatform.body.rows[0]).toMatchObject({ key: 'sandbox', offers: 1 });
    expect((await admin.get(`/api/sales/metrics?by=color`)).status).toBe(422);
    const outsider = await as('chatter', [otherCreatorId]);
    expect((await outsider.get(`/api/sales/metrics?creatorId=${creatorId}`)).status).toBe(403);
  });

  it('lets an operator cancel a pending follow-up, once', async () => {
    const sales = await admin.get(`/api/conversations/${conversationId}/sales`);
    const followUp = sales.body.followUps.find((f: { status: string }) => f.status === 'pending');
    expect((await admin.post(`/api/follow-ups/${followUp.id}/cancel`)).status).toBe(204);
    expect((await admin.post(`/api/follow-ups/${followUp.id}/cancel`)).status).toBe(409);
    const after = await admin.get(`/api/conversations/${conversationId}/sales`);
    expect(after.body.followUps.find((f: { id: string }) => f.id === followUp.id)).toMatchObject({
      status: 'cancelled',
      cancelReason: 'cancelled_by_operator',
    });
  });

  it('refuses to sell before the 18+ confirmation or to a fan flagged as a minor, even for a human', async () => {
    const unverified = await sandboxConversation('902');
    await hub.ctx.db.execute(sql`update fans set age_verified_at = null where platform_user_id = '902'`);
    const gated = await admin.post(`/api/conversations/${unverified}/offers`, { packId: feetId });
    expect(gated).toMatchObject({ status: 409, body: { error: { message: expect.stringContaining('18') } } });

    const flagged = await sandboxConversation('901');
    await hub.ctx.db.execute(sql`update fans set minor_signal_at = now() where platform_user_id = '901'`);
    const refused = await admin.post(`/api/conversations/${flagged}/offers`, { packId: feetId });
    expect(refused.status).toBe(409);
  });
});
