import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CredentialsRejected } from '../connector';
import { createDiscordConnector } from './discord.connector';
import { parseDiscordMessage } from './discord.parse';
import { startDiscordStandin, type DiscordStandin } from './discord.standin';

describe('Discord connector against the stand-in', () => {
  let discord: DiscordStandin;
  let connector: ReturnType<typeof createDiscordConnector>;
  let credentials: Record<string, unknown>;
  const fan = { id: '1200000000000000001', username: 'mia', globalName: 'Mia' };

  beforeAll(async () => {
    discord = await startDiscordStandin();
    connector = createDiscordConnector({ apiRoot: discord.apiRoot });
    credentials = {
      botToken: discord.token,
      applicationId: discord.applicationId,
      publicKey: discord.publicKey,
      guildId: discord.guildId,
    };
  });
  afterAll(() => discord.close());

  const request = (body: unknown, headers: Record<string, string>) => {
    const raw = JSON.stringify(body);
    return { headers, rawBody: Buffer.from(raw), body, raw };
  };

  it('accepts only interactions signed with the application key, and recent', () => {
    const body = discord.interactionBody(fan, { command: 'help' });
    const raw = JSON.stringify(body);
    const signed = discord.sign(raw);
    expect(connector.verifyWebhook(request(body, signed), credentials)).toBe(true);
    const tampered = { ...request(body, signed), rawBody: Buffer.from(raw.replace('help', 'packs')) };
    expect(connector.verifyWebhook(tampered, credentials)).toBe(false);
    const stale = discord.sign(raw, Math.floor(Date.now() / 1000) - 600);
    expect(connector.verifyWebhook(request(body, stale), credentials)).toBe(false);
    expect(connector.verifyWebhook(request(body, {}), credentials)).toBe(false);
    expect(
      connector.verifyWebhook(request(body, { ...signed, 'x-signature-ed25519': 'zz' }), credentials),
    ).toBe(false);
  });

  it('answers a ping with a pong, defers a command and silently acknowledges a button', () => {
    const ack = (body: Record<string, unknown>) => connector.webhookAnswer(request(body, {}));
    expect(ack({ type: 1 })).toEqual({ type: 1 });
    expect(ack(discord.interactionBody(fan, { command: 'help' }))).toEqual({ type: 5, data: { flags: 64 } });
    expect(ack(discord.interactionBody(fan, { button: 'age:yes' }))).toEqual({ type: 6 });
    const ping = {
      id: '1300000000000000001',
      application_id: discord.applicationId,
      type: 1,
      token: 'tok',
      version: 1,
    };
    expect(connector.parseWebhook(request(ping, {}))).toEqual({ kind: 'ignored', reason: 'ping' });
  });

  it('refuses unusable credentials field by field, before and after asking Discord', async () => {
    const formValues = { ...credentials, buyerRoleId: '', timeoutSpammers: 'oui' };
    expect(connector.credentialsSchema.parse(formValues)).toMatchObject({ timeoutSpammers: true });
    const connect = (input: Record<string, unknown>) =>
      connector.connect(input, { webhookUrl: 'http://127.0.0.1/webhooks/discord/x' });
    await expect(connect({ ...credentials, publicKey: 'nope' })).rejects.toMatchObject({
      field: 'publicKey',
    });
    const wrongGuild = connect({ ...credentials, guildId: '12345678901234567' });
    await expect(wrongGuild).rejects.toBeInstanceOf(CredentialsRejected);
    await expect(wrongGuild).rejects.toMatchObject({ field: 'guildId' });
    await expect(
      connect({ ...credentials, botToken: `${discord.token.slice(0, -3)}xyz` }),
    ).rejects.toMatchObject({
      field: 'botToken',
      message: 'Discord rejected the bot token',
    });
  });

  it('sends buttons as components and a pack as embeds in the fan’s DM', async () => {
    discord.dm(fan, 'coucou');
    await connector.send(credentials, {
      chatId: fan.id,
      text: 'Es-tu majeur ?',
      keyboard: [
        [{ text: 'Oui', callbackData: 'age:yes' }],
        [{ text: 'Payer', url: 'https://pay.example.test/x' }],
      ],
    });
    await connector.sendMedia(credentials, fan.id, 'Ton pack', [
      { kind: 'photo', url: 'https://cdn.example.test/1.jpg' },
      { kind: 'document', url: 'https://cdn.example.test/book.pdf' },
    ]);
    const [buttons, pack] = discord.sent.filter((m) => m.userId === fan.id);
    expect(buttons!.components).toEqual([
      { type: 1, components: [{ type: 2, style: 1, label: 'Oui', custom_id: 'age:yes' }] },
      { type: 1, components: [{ type: 2, style: 5, label: 'Payer', url: 'https://pay.example.test/x' }] },
    ]);
    expect(pack).toMatchObject({
      text: 'Ton pack\nhttps://cdn.example.test/book.pdf',
      embeds: [{ image: { url: 'https://cdn.example.test/1.jpg' } }],
    });
    expect(discord.strangersOpened).toEqual([]);
  });

  it('grants the buyer role and times out spammers only when configured', async () => {
    await connector.grantBuyerAccess(credentials, fan.id);
    await connector.restrictSpammer(credentials, fan.id);
    expect(discord.roles).toEqual([]);
    expect(discord.timeouts).toEqual([]);
    const configured = { ...credentials, buyerRoleId: discord.buyerRoleId, timeoutSpammers: true };
    await connector.grantBuyerAccess(configured, fan.id);
    await connector.restrictSpammer(configured, fan.id);
    expect(discord.roles).toEqual([
      expect.objectContaining({ userId: fan.id, roleId: discord.buyerRoleId, op: 'add' }),
    ]);
    expect(discord.timeouts).toEqual([expect.objectContaining({ userId: fan.id })]);
  });

  it('reads only fans’ DMs: not the bot’s own messages, not server channels', () => {
    const dm = discord.messageBody(fan, 'salut');
    expect(parseDiscordMessage(dm)).toMatchObject({
      kind: 'message',
      message: { chatId: fan.id, text: 'salut' },
    });
    expect(parseDiscordMessage({ ...dm, author: discord.bot }, discord.bot.id).kind).toBe('ignored');
    expect(parseDiscordMessage({ ...dm, guild_id: discord.guildId }).kind).toBe('ignored');
    expect(parseDiscordMessage({ ...dm, content: '/packs' })).toMatchObject({
      message: { kind: 'command', command: { name: 'packs', args: '' } },
    });
  });
});
