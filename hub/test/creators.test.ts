import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '@velvet/shared';
import { startTelegramStandin, type TelegramStandin } from '@velvet/platforms/testing';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

const BOT_TOKEN = '123456789:AAH-secret_token_value_for_tests_0123456789';

describe.each(['postgres', 'pglite'] as const)('creators and connected accounts on %s', (driver) => {
  let hub: TestHub;
  let admin: Client;
  let telegram: TelegramStandin;

  beforeAll(async () => {
    telegram = await startTelegramStandin({ tokens: [BOT_TOKEN] });
    hub = await startTestHub({ driver, telegramApiRoot: telegram.apiRoot });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
  });
  afterAll(async () => {
    await hub?.stop();
    await telegram?.close();
  });

  it('creates, reads and updates a creator profile', async () => {
    const created = await admin.post('/api/creators', {
      ...creatorBody('Mila'),
      persona: 'Solaire, taquine',
      constraints: ['pas de vidéos'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Mila',
      timezone: 'Europe/Paris',
      market: 'FR',
      constraints: ['pas de vidéos'],
    });
    const patched = await admin.patch(`/api/creators/${created.body.id}`, {
      timezone: 'America/New_York',
      market: 'US',
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Mila', timezone: 'America/New_York', market: 'US' });
    expect((await admin.get(`/api/creators/${created.body.id}`)).body.market).toBe('US');
  });

  it('names each invalid field', async () => {
    const response = await admin.post('/api/creators', {
      name: '',
      pseudonym: 'x',
      timezone: 'Mars/Olympus',
      market: 'ZZ',
      extra: 1,
    });
    expect(response.status).toBe(422);
    const fields = (response.body.error.details.fields as { path: string }[]).map((f) => f.path);
    expect(fields).toEqual(expect.arrayContaining(['name', 'timezone', 'market']));
    expect(response.body.error.message).toMatch(/timezone: must be an IANA time zone/);
    expect(response.body.error.message).toMatch(/extra/);

    const emptyPatch = await admin.patch(
      `/api/creators/${(await admin.post('/api/creators', creatorBody('P'))).body.id}`,
      {},
    );
    expect(emptyPatch.status).toBe(422);
  });

  it('answers 404 for unknown or malformed ids', async () => {
    expect((await admin.get('/api/creators/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    const malformed = await admin.get('/api/creators/not-a-uuid');
    expect(malformed.status).toBe(404);
    expect(malformed.body.error.code).toBe('not_found');
    expect(
      (
        await admin.post('/api/creators/00000000-0000-4000-8000-000000000000/accounts', {
          platform: 'sandbox',
          credentials: { token: 't' },
        })
      ).status,
    ).toBe(404);
    expect((await admin.get('/api/nowhere')).status).toBe(404);
  });

  it('connects an account: credentials sealed at rest, never returned or logged', async () => {
    const creator = (await admin.post('/api/creators', creatorBody('Sealed'))).body;
    const response = await admin.post(`/api/creators/${creator.id}/accounts`, {
      platform: 'telegram',
      label: 'Main bot',
      credentials: { botToken: BOT_TOKEN },
    });
    expect(response.status).toBe(201);
    const webhookUrl = `https://hub.test.velvet/webhooks/telegram/${response.body.id}`;
    expect(response.body).toMatchObject({ platform: 'telegram', label: 'Main bot', webhookUrl });
    // Connecting checked the token and pointed the bot's webhook at this hub.
    const registered = telegram.webhooks.get(BOT_TOKEN);
    expect(registered?.url).toBe(webhookUrl);

    const listed = await admin.get(`/api/creators/${creator.id}/accounts`);
    expect(listed.body.accounts).toHaveLength(1);
    for (const body of [response.body, listed.body]) {
      expect(JSON.stringify(body)).not.toContain(BOT_TOKEN);
      expect(JSON.stringify(body)).not.toMatch(/credential|secret/i);
    }

    const [row] = await hub.ctx.db
      .select()
      .from(schema.platformAccounts)
      .where(eq(schema.platformAccounts.id, response.body.id));
    expect(row!.credentialsEnc).not.toContain(BOT_TOKEN);
    expect(row!.credentialsEnc).not.toContain('123456789');
    const opened = hub.ctx.secrets.credentials.openJson<{ botToken: string; webhookSecret: string }>(
      row!.credentialsEnc,
    );
    expect(opened.botToken).toBe(BOT_TOKEN);
    expect(opened.webhookSecret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(registered?.secret_token).toBe(opened.webhookSecret);

    const logs = hub.logs.join('');
    expect(logs).toContain('/accounts');
    expect(logs).not.toContain(BOT_TOKEN);
    expect(logs).not.toContain(opened.webhookSecret);
    expect(logs).not.toContain(ADMIN.password);
  });

  it('validates credentials per platform and keeps bad input out of storage', async () => {
    const creator = (await admin.post('/api/creators', creatorBody('Checked'))).body;
    const badToken = await admin.post(`/api/creators/${creator.id}/accounts`, {
      platform: 'telegram',
      credentials: { botToken: 'nope' },
    });
    expect(badToken.status).toBe(422);
    expect(badToken.body.error.message).toMatch(/credentials\.botToken: must be a bot token/);
    expect(JSON.stringify(badToken.body)).not.toContain('nope');

    const rejected = await admin.post(`/api/creators/${creator.id}/accounts`, {
      platform: 'telegram',
      credentials: { botToken: '999999:AAH-a-token-telegram-does-not-know-xxxx' },
    });
    expect(rejected.status).toBe(422);
    expect(rejected.body.error.message).toMatch(/credentials\.botToken: Telegram rejected the bot token/);
    expect(JSON.stringify(rejected.body)).not.toContain('a-token-telegram-does-not-know');

    const badPlatform = await admin.post(`/api/creators/${creator.id}/accounts`, {
      platform: 'myspace',
      credentials: {},
    });
    expect(badPlatform.status).toBe(422);
    expect(badPlatform.body.error.message).toMatch(/platform must be one of telegram/);

    // TikTok connects by OAuth only: a form is refused with the way to connect, nothing stored.
    const tiktok = await admin.post(`/api/creators/${creator.id}/accounts`, {
      platform: 'tiktok',
      credentials: {},
    });
    expect(tiktok.status).toBe(422);
    expect(tiktok.body.error.message).toMatch(/TikTok accounts connect with "Connect TikTok"/);
    const stored = await admin.get(`/api/creators/${creator.id}/accounts`);
    expect(stored.body.accounts.some((a: { platform: string }) => a.platform === 'tiktok')).toBe(false);
    // Discord is connectable: a malformed application is refused field by field, before any call.
    const discord = await admin.post(`/api/creators/${creator.id}/accounts`, {
      platform: 'discord',
      credentials: { botToken: 'x'.repeat(60) },
    });
    expect(discord.status).toBe(422);
    expect(discord.body.error.message).toMatch(/credentials\.botToken: must be the bot token/);
    expect(JSON.stringify(discord.body)).not.toContain('x'.repeat(60));
    expect((await admin.get(`/api/creators/${creator.id}/accounts`)).body.accounts).toHaveLength(0);
  });

  it('records every change in the audit log', async () => {
    const rows = await hub.ctx.db.select().from(schema.auditLog);
    const actions = new Set(rows.map((r) => r.action));
    for (const action of ['auth.login', 'creator.create', 'creator.update', 'account.create'])
      expect(actions).toContain(action);
  });
});
