import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOllamaStandin, type OllamaStandin } from '@velvet/llm/ollama/testing';
import { startDiscordStandin, type DiscordFan, type DiscordStandin } from '@velvet/platforms/testing';
import { signPaymentWebhook } from '@velvet/shared';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { creatorBody, type Client } from './harness';
import { inboxClient, record, Stack, until, type InboxClient, type VelvetProcess } from './stack';

const PAYMENT_SECRET = 'discord-e2e-checkout-provider-secret';

/**
 * Discord end to end: the stand-in's REST and gateway, the Ollama stand-in, two hub
 * processes (one holds the bot's gateway) and a workers process on PostgreSQL and Redis.
 */
describe('Discord → inbox → Discord', () => {
  let discord: DiscordStandin;
  let ollama: OllamaStandin;
  let stack: Stack;
  let hubs: VelvetProcess[];
  let admin: Client;
  let socket: InboxClient;
  let events: { event: string; payload: any }[];
  let creatorId: string;
  let accountId: string;
  let next = 1;
  /** The fan who bought a pack (the payment test), refunded later. */
  let buyer: DiscordFan;
  const fan = (name: string): DiscordFan => ({
    id: String(1_100_000_000_000_000_000n + BigInt(next++)),
    username: name.toLowerCase(),
    globalName: name,
    locale: 'fr',
  });
  const sentTo = (f: DiscordFan) => discord.sent.filter((m) => m.userId === f.id);
  const messageNew = (text: string) =>
    until(
      () => events.find((e) => e.event === 'message:new' && e.payload.message.text === text),
      20_000,
      `"${text}" in the inbox`,
    );

  /** The checkout provider's signed webhook. */
  const notify = (body: string, secret = PAYMENT_SECRET) =>
    fetch(`${hubs[0]!.url}/webhooks/payments/checkout`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-velvet-signature': signPaymentWebhook(secret, body, new Date()),
      },
      body,
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  beforeAll(async () => {
    discord = await startDiscordStandin();
    ollama = await startOllamaStandin({ tokensPerSecond: 200, reply: () => 'Coucou toi, dis-moi tout 😘' });
    stack = await Stack.create({
      env: {
        DISCORD_API_ROOT: discord.apiRoot,
        OLLAMA_HOST: ollama.url,
        VELVET_PAYMENT_SECRET_CHECKOUT: PAYMENT_SECRET,
      },
    });
    hubs = [await stack.start('hub'), await stack.start('hub')];
    await stack.start('workers');
    admin = await stack.admin(hubs[0]!.url!);
    const creator = await admin.post('/api/creators', {
      ...creatorBody('Dina'),
      quietHours: { start: '00:00', end: '00:00' },
    });
    creatorId = creator.body.id;
    for (const pack of [
      {
        name: 'Pack pieds',
        type: 'feet',
        price: 10,
        checkoutUrl: 'https://pay.example.test/checkout',
        media: [
          { kind: 'photo', url: 'https://cdn.example.test/feet/1.jpg' },
          { kind: 'photo', url: 'https://cdn.example.test/feet/2.jpg' },
        ],
      },
      {
        name: 'Pack lingerie',
        type: 'lingerie',
        price: 15,
        checkoutUrl: 'https://pay.example.test/checkout',
      },
    ]) {
      expect((await admin.post(`/api/creators/${creatorId}/packs`, pack)).status).toBe(201);
    }
    socket = await inboxClient(hubs[0]!.url!, admin.token);
    events = record(socket);
  }, 120_000);

  afterAll(async () => {
    socket?.disconnect();
    await stack?.destroy();
    await ollama?.close();
    await discord?.close();
  });

  it('connects the application: token checked, slash commands on the server, one gateway session', async () => {
    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'discord',
      credentials: {
        botToken: discord.token,
        applicationId: discord.applicationId,
        publicKey: discord.publicKey,
        guildId: discord.guildId,
        buyerRoleId: discord.buyerRoleId,
      },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    accountId = connected.body.id;
    expect(JSON.stringify(connected.body)).not.toContain(discord.token);
    const commands = discord.commands.get(discord.guildId) as { name: string; description: string }[];
    expect(commands.map((c) => c.name)).toEqual(['start', 'packs', 'pricing', 'help']);
    const listed = await admin.get(`/api/creators/${creatorId}/accounts`);
    expect(listed.body.accounts[0]).toMatchObject({ platform: 'discord', label: '@velvet_bot' });
    await until(() => discord.sessions().some((s) => s.open), 15_000, 'a gateway session');
    // Two hub processes, one session: the other waits for the lease.
    await new Promise((r) => setTimeout(r, 3000));
    expect(discord.sessions().filter((s) => s.open)).toHaveLength(1);

    const badToken = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'discord',
      credentials: {
        botToken: `${discord.token.slice(0, -4)}AAAA`,
        applicationId: discord.applicationId,
        publicKey: discord.publicKey,
        guildId: discord.guildId,
      },
    });
    expect(badToken.status).toBe(422);
    expect(badToken.body.error.message).toMatch(/credentials\.botToken: Discord rejected the bot token/);
  });

  it('brings a DM live into the inbox, streams the draft, and sends the approved reply', async () => {
    const alex = fan('Alex');
    discord.dm(alex, 'Salut, tu es là ?');
    const incoming = await messageNew('Salut, tu es là ?');
    expect(incoming.payload.message).toMatchObject({ direction: 'in', sender: 'fan' });
    const done = await until(
      () =>
        events.find(
          (e) =>
            e.event === 'draft:done' &&
            e.payload.conversationId === incoming.payload.conversationId &&
            e.payload.status === 'pending_approval',
        ),
      30_000,
      'the draft',
    );
    const tokens = events.filter(
      (e) => e.event === 'draft:token' && e.payload.draftId === done.payload.draftId,
    );
    expect(tokens.length).toBeGreaterThan(1);
    expect(tokens.map((e) => e.payload.text).join('')).toBe(done.payload.text);
    const ack = await socket.emitWithAck('draft:approve', { draftId: done.payload.draftId });
    expect(ack).toMatchObject({ ok: true });
    const delivered = await until(
      () => sentTo(alex).find((m) => m.text.endsWith(done.payload.text)),
      15_000,
      'the approved reply in the DM',
    );
    expect(delivered.channelId).toBeDefined();
    // Only the fan who wrote was ever sent a DM.
    expect(discord.strangersOpened).toEqual([]);
  });

  it('answers a slash command from the config within 3 s of acknowledging it', async () => {
    const sam = fan('Sam');
    const interaction = discord.interact(sam, { command: 'help' });
    const answer = await until(
      () => sentTo(sam).find((m) => m.text.startsWith('Commandes :')),
      15_000,
      'the /help answer',
    );
    expect(answer.text).toContain('/packs');
    const acknowledged = discord.acknowledgedAfter(String(interaction.id));
    expect(acknowledged).toBeDefined();
    expect(acknowledged!).toBeLessThan(3000);
    expect(discord.callbacks.find((c) => c.interactionId === interaction.id)?.type).toBe(5);
    // The "thinking…" placeholder is removed once the answer is on its way.
    await until(() => discord.calls.find((c) => c.route === 'close_command'), 10_000, 'placeholder closed');
  });

  it('asks for 18+ with a button, then sells a pack by checkout link; a payment sent twice grants the role once', async () => {
    const noa = (buyer = fan('Noa'));
    discord.interact(noa, { command: 'packs' });
    const gate = await until(
      () => sentTo(noa).find((m) => JSON.stringify(m.components).includes('age:yes')),
      15_000,
      'the 18+ button',
    );
    expect(gate.components).toHaveLength(2);
    expect(
      await stack.query(
        `select 1 from offers o join fans f on f.id = o.fan_id where f.platform_user_id = '${noa.id}'`,
      ),
    ).toHaveLength(0);

    discord.interact(noa, { button: 'age:yes' });
    await until(() => sentTo(noa).find((m) => m.text.startsWith('Merci !')), 15_000, 'age confirmed');
    discord.interact(noa, { command: 'packs' });
    const catalog = await until(
      () => sentTo(noa).find((m) => m.text.startsWith('Voici mes packs')),
      15_000,
      'the catalog',
    );
    const buttons = (catalog.components as { components: { label: string; custom_id: string }[] }[]).flatMap(
      (row) => row.components,
    );
    const feet = buttons.find((b) => b.label.startsWith('Pack pieds'))!;
    expect(feet.custom_id).toMatch(/^pack:/);

    discord.interact(noa, { button: feet.custom_id });
    const link = await until(
      () => sentTo(noa).find((m) => JSON.stringify(m.components).includes('velvet_token')),
      15_000,
      'the checkout link',
    );
    const url = (link.components as { components: { url: string; style: number }[] }[])[0]!.components[0]!;
    expect(url.style).toBe(5);
    const token = new URL(url.url).searchParams.get('velvet_token')!;

    const body = JSON.stringify({
      type: 'payment.succeeded',
      chargeId: 'ch_discord_1',
      token,
      amount: 1000,
      currency: 'EUR',
    });
    const pay = () => notify(body);
    expect(await pay()).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await pay()).toMatchObject({ status: 200, body: { duplicate: true } });

    const media = await until(
      () => sentTo(noa).find((m) => m.embeds.length > 0),
      15_000,
      'the pack in the DM',
    );
    expect(media.embeds).toEqual([
      { image: { url: 'https://cdn.example.test/feet/1.jpg' } },
      { image: { url: 'https://cdn.example.test/feet/2.jpg' } },
    ]);
    await until(() => discord.roles.find((r) => r.userId === noa.id), 10_000, 'the buyer role');
    await new Promise((r) => setTimeout(r, 1500));
    expect(discord.roles.filter((r) => r.userId === noa.id)).toEqual([
      expect.objectContaining({ roleId: discord.buyerRoleId, op: 'add' }),
    ]);
    expect(sentTo(noa).filter((m) => m.embeds.length > 0)).toHaveLength(1);
  });

  it('a chargeback, delivered twice, takes the pack out of the spend and revenue and removes the role', async () => {
    const [{ id: fanId }] = (await stack.query<{ id: string }>(
      `select id from fans where platform_user_id = '${buyer.id}'`,
    )) as [{ id: string }];
    const revenue = async () => {
      const snapshot = await socket.emitWithAck('metrics:subscribe', {});
      return snapshot.ok ? snapshot.snapshot.conversion.revenue : undefined;
    };
    expect(await revenue()).toEqual([{ currency: 'EUR', amountCents: 1000 }]);
    expect((await admin.get(`/api/fans/${fanId}`)).body.fan).toMatchObject({
      lifetimeSpend: { cents: 1000, currency: 'EUR' },
      purchaseCount: 1,
    });

    const reversal = (type: string, amount = 1000, chargeId = 'ch_discord_1') =>
      JSON.stringify({ type, chargeId, amount, currency: 'EUR' });
    // A forged or unknown notification changes nothing.
    expect((await notify(reversal('payment.chargeback'), 'not-the-provider-secret')).status).toBe(401);
    expect((await notify(reversal('payment.refunded', 1000, 'ch_unknown'))).status).toBe(404);
    const partial = await notify(reversal('payment.refunded', 400));
    expect(partial.status).toBe(400);
    expect(partial.body.error.message).toMatch(/partial refunds are handled by hand/);
    expect(discord.roles.filter((r) => r.userId === buyer.id && r.op === 'remove')).toEqual([]);

    const first = await notify(reversal('payment.chargeback'));
    expect(first).toMatchObject({ status: 200, body: { ok: true, duplicate: false } });
    expect(await notify(reversal('payment.chargeback'))).toMatchObject({
      status: 200,
      body: { duplicate: true, purchaseId: first.body.purchaseId },
    });
    expect(await notify(reversal('payment.refunded'))).toMatchObject({
      status: 200,
      body: { duplicate: true },
    });

    // The buyer role is gone from the server: nothing granted it back since.
    const ops = discord.roles.filter((r) => r.userId === buyer.id).map((r) => `${r.op}:${r.roleId}`);
    expect(ops[0]).toBe(`add:${discord.buyerRoleId}`);
    expect(ops.at(-1)).toBe(`remove:${discord.buyerRoleId}`);
    expect(ops.slice(1).every((op) => op === `remove:${discord.buyerRoleId}`)).toBe(true);

    const refunded = await until(
      () => events.find((e) => e.event === 'purchase:refunded'),
      10_000,
      'purchase:refunded in the inbox',
    );
    expect(refunded.payload).toMatchObject({ id: first.body.purchaseId, refundKind: 'chargeback' });
    await new Promise((r) => setTimeout(r, 500));
    expect(events.filter((e) => e.event === 'purchase:refunded')).toHaveLength(1);

    const panel = (await admin.get(`/api/fans/${fanId}`)).body;
    expect(panel.fan).toMatchObject({ lifetimeSpend: { cents: 0 }, purchaseCount: 0 });
    expect(panel.purchases).toEqual([
      expect.objectContaining({ id: first.body.purchaseId, refundKind: 'chargeback' }),
    ]);
    expect(await revenue()).toEqual([]);
    const byPack = await admin.get(`/api/sales/metrics?creatorId=${creatorId}&by=pack`);
    expect(byPack.body.rows.find((r: any) => r.label === 'Pack pieds')).toMatchObject({
      purchases: 0,
      revenueCents: 0,
    });
    const activity = await admin.get('/api/activity?action=purchase.refund');
    expect(activity.status).toBe(200);
    expect(activity.body.entries).toEqual([
      expect.objectContaining({
        action: 'purchase.refund',
        data: expect.objectContaining({ kind: 'chargeback' }),
      }),
    ]);
  });

  it('times out a fan muted for spam on the server only when the creator turned it on', async () => {
    const SPAM = 'Gagne 500€ par jour avec la crypto 🚀 clique ici http://bit.ly/x7 follow me';
    const spamUntilMuted = async (spammer: DiscordFan) => {
      for (let i = 0; i < 3; i++) {
        const text = `${SPAM} ${spammer.username}${i}`;
        discord.dm(spammer, text);
        const stored = await messageNew(text);
        // Each strike counts on the last: the next message waits for this one's gates.
        await until(
          () =>
            events.find(
              (e) => e.event === 'message:intent' && e.payload.messageId === stored.payload.message.id,
            ),
          15_000,
          'the gates',
        );
      }
      await until(
        async () =>
          (
            await stack.query(
              `select 1 from fans where platform_user_id = '${spammer.id}' and muted_at is not null`,
            )
          ).length > 0 || undefined,
        15_000,
        'the spammer muted',
      );
    };
    const first = fan('Spam1');
    await spamUntilMuted(first);
    await new Promise((r) => setTimeout(r, 1500));
    expect(discord.timeouts).toEqual([]);

    // New credentials for the same bot: timeouts on.
    const again = await admin.post(`/api/accounts/${accountId}/reconnect`, {
      credentials: {
        botToken: discord.token,
        applicationId: discord.applicationId,
        publicKey: discord.publicKey,
        guildId: discord.guildId,
        buyerRoleId: discord.buyerRoleId,
        timeoutSpammers: 'yes',
      },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.id).toBe(accountId);
    const second = fan('Spam2');
    await spamUntilMuted(second);
    const timeout = await until(
      () => discord.timeouts.find((t) => t.userId === second.id),
      10_000,
      'a timeout',
    );
    const hours = (new Date(timeout.until!).getTime() - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23);
    expect(hours).toBeLessThanOrEqual(24);
    expect(discord.timeouts.filter((t) => t.userId === first.id)).toEqual([]);
  });

  it('takes over the gateway when its holder is SIGKILLed; a first DM written meanwhile reaches the inbox once', async () => {
    const lea = fan('Léa');
    discord.dm(lea, 'Premier message');
    await messageNew('Premier message');

    // A steady holder (the credentials change above reopened the session): one session, settled.
    const since = (s: { identifiedAt: number; resumedAt: number[] }) =>
      Math.max(s.identifiedAt, ...s.resumedAt);
    const held = await until(
      () => {
        const open = discord.sessions().filter((s) => s.open);
        return open.length === 1 && Date.now() - since(open[0]!) > 4000 ? open[0] : undefined;
      },
      30_000,
      'one settled gateway session',
    );
    const redis = new Redis(TEST_REDIS_URL);
    const lease = await redis.get(`${stack.redis.prefix}:live:${accountId}`);
    redis.disconnect();
    const holderPid = Number(String(lease).split(':')[1]);
    const holder = hubs.find((h) => h.child.pid === holderPid)!;
    const survivor = hubs.find((h) => h !== holder)!;
    expect(holder).toBeDefined();
    const sessionsBefore = discord.sessions().length;
    socket.disconnect();
    socket = await inboxClient(survivor.url!, admin.token);
    events = record(socket);

    const killedAt = Date.now();
    await holder.stop('SIGKILL');
    await until(() => discord.sessions().every((s) => !s.open) || undefined, 5000, 'the session dropped');
    // Nobody holds the gateway: a fan who never wrote before, and one who did.
    const mia = fan('Mia');
    discord.dm(mia, 'Coucou, c’est ma première fois ici');
    discord.dm(lea, 'Tu es partie ?');
    const resumed = await until(
      () =>
        discord.sessions().find((s) => s.id === held.id && s.open && s.resumedAt.some((at) => at > killedAt)),
      20_000,
      'the session resumed by the other hub',
    );
    const takeoverMs = resumed.resumedAt.at(-1)! - killedAt;
    await messageNew('Coucou, c’est ma première fois ici');
    await messageNew('Tu es partie ?');
    const inboxMs = Date.now() - killedAt;
    console.log(
      `discord gateway takeover: session resumed ${takeoverMs} ms after SIGKILL; missed DMs in the inbox after ${inboxMs} ms`,
    );
    expect(takeoverMs).toBeLessThan(15_000);
    // Resumed, not replaced: Discord replayed what it sent while no one listened.
    expect(discord.sessions()).toHaveLength(sessionsBefore);
    await new Promise((r) => setTimeout(r, 1500));
    for (const [who, n] of [
      [mia, 1],
      [lea, 2],
    ] as const) {
      const [stored] = await stack.query<{ n: number }>(
        `select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
         join fans f on f.id = c.fan_id where f.platform_user_id = '${who.id}' and m.direction = 'in'`,
      );
      expect(stored!.n, who.username).toBe(n);
    }
    expect(
      events.filter(
        (e) => e.event === 'message:new' && e.payload.message.text === 'Coucou, c’est ma première fois ici',
      ),
    ).toHaveLength(1);
  });
});
