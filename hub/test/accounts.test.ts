import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@velvet/shared';
import { startTelegramStandin, telegramUpdates, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, postTelegram, until } from './stack';

const BOT = '123456780:AAH-accounts_test_token_value_0123456789';
const OTHER_BOT = '223456780:AAH-another_bot_token_value_0123456789';

describe('platforms and connected accounts', () => {
  let hub: TestHub;
  let telegram: TelegramStandin;
  let admin: Client;
  let creatorId: string;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [BOT, OTHER_BOT] });
    hub = await startTestHub({ telegramApiRoot: telegram.apiRoot });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Accounts'))).body.id;
  });
  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  const webhook = async (accountId: string, secret: string | undefined, text: string, updateId: number) =>
    postTelegram(
      hub.url,
      accountId,
      secret,
      telegramUpdates.text({ updateId, chatId: 7001, fromId: 7001, text }),
    );

  it('lists the platforms it speaks, what they can do and how they connect', async () => {
    const anonymous = await new Client(hub.url).get('/api/platforms');
    expect(anonymous.status).toBe(401);
    const chatter = await hub.createUser('platforms-chatter@test.velvet', 'chatter', [creatorId]);
    const client = new Client(hub.url);
    await client.login(chatter.email, chatter.password);
    const listed = await client.get('/api/platforms');
    expect(listed.status).toBe(200);
    const telegramEntry = listed.body.platforms.find((p: { platform: string }) => p.platform === 'telegram');
    expect(telegramEntry).toEqual({
      platform: 'telegram',
      label: 'Telegram',
      chat: true,
      publish: false,
      connect: 'credentials',
      webhooksFrom: 'internet',
      capabilities: {
        aiAutoSend: true,
        verifiesAge: false,
        packSales: { kind: 'invoice', currency: 'XTR', provider: 'telegram_stars' },
        buttons: true,
        media: expect.any(Object),
        answersInWebhook: true,
      },
      credentials: expect.objectContaining({
        type: 'object',
        required: ['botToken'],
        // The form's field named by the platform, in both languages.
        properties: {
          botToken: expect.objectContaining({
            type: 'string',
            label: { en: 'Bot token (from @BotFather)', fr: 'Jeton du bot (donné par @BotFather)' },
          }),
        },
      }),
    });
    const fanvueEntry = listed.body.platforms.find((p: { platform: string }) => p.platform === 'fanvue');
    expect(fanvueEntry).toMatchObject({
      connect: 'oauth',
      capabilities: { verifiesAge: false, packSales: { kind: 'paid_message' } },
    });
    // A platform Velvet only publishes to: no chat side, no chat capabilities.
    const blueskyEntry = listed.body.platforms.find((p: { platform: string }) => p.platform === 'bluesky');
    expect(blueskyEntry).toEqual({
      platform: 'bluesky',
      label: 'Bluesky',
      chat: false,
      publish: true,
      connect: 'credentials',
      credentials: expect.objectContaining({ required: ['identifier', 'password'] }),
      post: {
        text: { counting: 'graphemes', maxLength: 300 },
        dailyReel: true,
        defaultMix: expect.objectContaining({ text_photo: expect.any(Number) }),
      },
    });
    expect(listed.body.platforms.find((p: { platform: string }) => p.platform === 'sandbox')).toMatchObject({
      chat: true,
      publish: true,
      // Posted to from this machine: the accounts page warns about no public address for it.
      webhooksFrom: 'this_machine',
    });
    // Only platforms with a connector offer a way to connect: none that would store
    // credentials and answer 404.
    type Entry = { platform: string; connect: string; label: string; post?: { text: unknown } };
    const entries = listed.body.platforms as Entry[];
    expect(
      entries
        .filter((p) => p.connect !== 'none')
        .map((p) => p.platform)
        .sort(),
    ).toEqual([
      'bluesky',
      'discord',
      'fanvue',
      'instagram',
      'onlyfans',
      'sandbox',
      'telegram',
      'tiktok',
      'x',
    ]);
    // Every platform whose posting rules are known can now be connected.
    expect(entries.filter((p) => p.connect === 'none').map((p) => p.platform)).toEqual([]);
    expect(entries.find((p) => p.platform === 'instagram')).toMatchObject({
      platform: 'instagram',
      label: 'Instagram',
      chat: false,
      publish: true,
      connect: 'credentials',
      post: {
        text: { counting: 'chars', maxLength: 2200, maxHashtags: 30 },
        dailyReel: true,
        defaultMix: expect.any(Object),
      },
    });
    expect(entries.find((p) => p.platform === 'x')).toMatchObject({ label: 'X', connect: 'oauth' });
    expect(entries.find((p) => p.platform === 'x')?.post?.text).toEqual({
      counting: 'weighted',
      maxLength: 280,
    });
    // TikTok connects by OAuth, and says plainly that an unaudited app posts privately.
    expect(entries.find((p) => p.platform === 'tiktok')).toMatchObject({
      label: 'TikTok',
      connect: 'oauth',
      publish: true,
      notice: {
        en: expect.stringMatching(/every post goes out private \(SELF_ONLY/),
        fr: expect.stringMatching(/chaque publication part en privé \(SELF_ONLY/),
      },
    });
    // OnlyFans chats and publishes: one entry, with both sides.
    expect(entries.filter((p) => p.platform === 'onlyfans')).toEqual([
      expect.objectContaining({
        label: 'OnlyFans',
        chat: true,
        publish: true,
        post: expect.objectContaining({ dailyReel: false }),
      }),
    ]);
  });

  it('disconnects an account: webhook removed, credentials wiped, history kept; then reconnects it', async () => {
    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'telegram',
      credentials: { botToken: BOT },
    });
    expect(connected.status).toBe(201);
    const accountId: string = connected.body.id;
    const firstSecret = telegram.webhooks.get(BOT)!.secret_token!;
    expect((await webhook(accountId, firstSecret, 'avant', 1)).status).toBe(200);

    // Only admins and managers in scope may disconnect.
    const chatter = await hub.createUser('disconnect-chatter@test.velvet', 'chatter', [creatorId]);
    const chatterClient = new Client(hub.url);
    await chatterClient.login(chatter.email, chatter.password);
    expect((await chatterClient.delete(`/api/accounts/${accountId}`)).status).toBe(403);
    const outsider = await hub.createUser('disconnect-manager@test.velvet', 'manager', []);
    const outsiderClient = new Client(hub.url);
    await outsiderClient.login(outsider.email, outsider.password);
    expect([403, 404]).toContain((await outsiderClient.delete(`/api/accounts/${accountId}`)).status);
    expect(telegram.webhooks.has(BOT)).toBe(true);

    const gone = await admin.delete(`/api/accounts/${accountId}`);
    expect(gone.status).toBe(200);
    expect(gone.body).toMatchObject({ id: accountId, status: 'disconnected' });
    expect(gone.body.warning).toBeUndefined();
    expect(telegram.webhooks.has(BOT)).toBe(false);
    const [row] = await hub.ctx.db
      .select()
      .from(schema.platformAccounts)
      .where(eq(schema.platformAccounts.id, accountId));
    expect(hub.ctx.secrets.credentials.openJson(row!.credentialsEnc)).toEqual({});
    // Twice is fine.
    expect((await admin.delete(`/api/accounts/${accountId}`)).body.status).toBe('disconnected');

    // Deliveries stop; the history stays readable; a reply is refused with a reason, not lost later.
    expect((await webhook(accountId, firstSecret, 'pendant', 2)).status).toBe(404);
    const conversations = await admin.get(`/api/conversations?creatorId=${creatorId}`);
    const conversationId: string = conversations.body.conversations[0].id;
    const history = await admin.get(`/api/conversations/${conversationId}/messages`);
    expect(history.body.messages.map((m: { text: string }) => m.text)).toEqual(['avant']);
    const socket = await inboxClient(hub.url, admin.token);
    const refused = await socket.emitWithAck('message:send', { conversationId, text: 'coucou' });
    socket.close();
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: expect.stringMatching(/disconnected/) },
    });

    // Another bot's token cannot take this account (and its fans) over.
    const wrongBot = await admin.post(`/api/accounts/${accountId}/reconnect`, {
      credentials: { botToken: OTHER_BOT },
    });
    expect(wrongBot.status).toBe(409);
    expect(telegram.webhooks.has(OTHER_BOT)).toBe(false);
    const badToken = await admin.post(`/api/accounts/${accountId}/reconnect`, {
      credentials: { botToken: 'x' },
    });
    expect(badToken.status).toBe(422);
    expect(badToken.body.error.message).toMatch(/credentials\.botToken/);

    const back = await admin.post(`/api/accounts/${accountId}/reconnect`, { credentials: { botToken: BOT } });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ id: accountId, status: 'active' });
    const secondSecret = telegram.webhooks.get(BOT)!.secret_token!;
    expect(secondSecret).not.toBe(firstSecret);
    expect((await webhook(accountId, firstSecret, 'vieux secret', 3)).status).toBe(401);
    expect((await webhook(accountId, secondSecret, 'après', 4)).status).toBe(200);
    const after = await admin.get(`/api/conversations/${conversationId}/messages`);
    expect(after.body.messages.map((m: { text: string }) => m.text)).toEqual(['avant', 'après']);

    const actions = (await hub.ctx.db.select().from(schema.auditLog)).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['account.disconnect', 'account.reconnect']));
    for (const body of [gone.body, back.body]) expect(JSON.stringify(body)).not.toContain(BOT);
    expect(hub.logs.join('')).not.toContain(BOT);
  });

  it('tests a connection: a revoked token asks for a reconnect, a lost webhook is named', async () => {
    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'telegram',
      label: 'Check bot',
      credentials: { botToken: OTHER_BOT },
    });
    expect(connected.status).toBe(201);
    const accountId: string = connected.body.id;
    const check = () => admin.post(`/api/accounts/${accountId}/check`);

    const fine = await check();
    expect(fine.status).toBe(200);
    expect(fine.body).toMatchObject({ ok: true, account: { id: accountId, status: 'active' } });
    expect(fine.body.problem).toBeUndefined();

    // Only people who may change the account may test it.
    const chatter = await hub.createUser('check-chatter@test.velvet', 'chatter', [creatorId]);
    const chatterClient = new Client(hub.url);
    await chatterClient.login(chatter.email, chatter.password);
    expect((await chatterClient.post(`/api/accounts/${accountId}/check`)).status).toBe(403);

    // Telegram kept failing to reach this hub: said, with Telegram's reason; nothing changes.
    telegram.failDeliveries(OTHER_BOT, 'Connection timed out', 4);
    const failing = await check();
    expect(failing.body).toMatchObject({ ok: false, reconnect: false, account: { status: 'active' } });
    expect(failing.body.problem).toMatch(/could not deliver here.*Connection timed out/);
    telegram.failDeliveries(OTHER_BOT, 'Connection timed out', 0);
    expect((await check()).body.ok).toBe(true);

    // The webhook was removed elsewhere: fans' messages no longer arrive.
    const webhookBefore = telegram.webhooks.get(OTHER_BOT)!;
    telegram.webhooks.delete(OTHER_BOT);
    const lost = await check();
    expect(lost.body).toMatchObject({ ok: false, reconnect: false, account: { status: 'active' } });
    expect(lost.body.problem).toMatch(/no webhook/);
    telegram.webhooks.set(OTHER_BOT, webhookBefore);

    // Revoked in @BotFather: the account needs attention, with the reason, and one alert.
    const alerts = await inboxClient(hub.url, admin.token);
    const alerted: { kind: string; accountId?: string }[] = [];
    alerts.on('alert', (alert: { kind: string; accountId?: string }) => alerted.push(alert));
    telegram.revoke(OTHER_BOT);
    const revoked = await check();
    expect(revoked.body).toMatchObject({
      ok: false,
      reconnect: true,
      account: { status: 'needs_attention', lastError: expect.stringMatching(/refuses this bot token/) },
    });
    expect((await check()).body.account.status).toBe('needs_attention');
    const listed = await admin.get(`/api/creators/${creatorId}/accounts`);
    expect(listed.body.accounts.find((a: { id: string }) => a.id === accountId)).toMatchObject({
      status: 'needs_attention',
      lastError: expect.stringMatching(/refuses this bot token/),
    });

    // Telegram unreachable: an answer, not an error, and the account is left as it was.
    telegram.restore(OTHER_BOT);
    telegram.failNext('getMe', { closeConnection: true });
    const unreachable = await check();
    expect(unreachable.status).toBe(200);
    expect(unreachable.body).toMatchObject({
      ok: false,
      reconnect: false,
      account: { status: 'needs_attention' },
    });
    expect(unreachable.body.problem).toMatch(/could not be reached/);

    // The token works again: a passing test makes the account active.
    const back = await check();
    expect(back.body).toMatchObject({ ok: true, account: { status: 'active', lastError: null } });
    await until(() => alerted.length > 0, 5000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(alerted.filter((a) => a.kind === 'account_attention' && a.accountId === accountId)).toHaveLength(
      1,
    );
    alerts.close();

    const disconnected = await admin.delete(`/api/accounts/${accountId}`);
    expect(disconnected.body.status).toBe('disconnected');
    expect((await check()).status).toBe(409);

    const actions = (await hub.ctx.db.select().from(schema.auditLog)).filter(
      (r) => r.action === 'account.check',
    );
    expect(actions.map((r) => r.data.ok)).toEqual([true, false, true, false, false, false, false, true]);
    expect(JSON.stringify(actions)).not.toContain(OTHER_BOT);
    expect(hub.logs.join('')).not.toContain(OTHER_BOT);
  });

  it('lets admins and managers rename an account and turn group chats on, and nobody else', async () => {
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'sandbox-token-for-patch' },
    });
    const chatter = await hub.createUser('patch-chatter@test.velvet', 'chatter', [creatorId]);
    const client = new Client(hub.url);
    await client.login(chatter.email, chatter.password);
    expect((await client.patch(`/api/accounts/${account.body.id}`, { groups: true })).status).toBe(403);
    expect((await admin.patch(`/api/accounts/${account.body.id}`, {})).status).toBe(422);
    expect((await admin.patch(`/api/accounts/${account.body.id}`, { groups: 'yes' })).status).toBe(422);
    const patched = await admin.patch(`/api/accounts/${account.body.id}`, { label: 'Essais', groups: true });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ label: 'Essais', settings: { groups: true } });
    expect(JSON.stringify(patched.body)).not.toContain('sandbox-token-for-patch');
  });
});
