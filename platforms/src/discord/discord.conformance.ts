import type { ConformanceKit, ConformanceStandIn } from '../conformance';
import { startDiscordStandin } from './discord.standin';

/** The Discord stand-in, driven by the connector conformance suite through the interactions endpoint. */
export const discordConformance: ConformanceKit = {
  platform: 'discord',
  // At the seed's 30 a minute the suite's sends would take long; two a second keeps the
  // pacing check meaningful.
  config: (yaml) => {
    const fast = yaml.replace(/(discord:\s*\n(?:\s*#.*\n)*\s*messages_per_minute:)\s*\d+/, '$1 120');
    if (fast === yaml) throw new Error('config/velvet.yaml: platforms.discord.messages_per_minute not found');
    return fast;
  },
  async start(): Promise<ConformanceStandIn> {
    const discord = await startDiscordStandin();
    let next = 1;
    return {
      env: { DISCORD_API_ROOT: discord.apiRoot },
      credentials: {
        botToken: discord.token,
        applicationId: discord.applicationId,
        publicKey: discord.publicKey,
        guildId: discord.guildId,
      },
      secrets: () => [discord.token],
      sign: (raw) => discord.sign(raw),
      // Signed with another application's key: the signature is well formed, and wrong.
      forge: (raw) => ({
        ...discord.sign(raw),
        'x-signature-timestamp': String(Math.floor(Date.now() / 1000) - 1),
      }),
      samples() {
        const fan = {
          id: String(990_000_000_000_000_000n + BigInt(next++)),
          username: `conf${next}`,
          locale: 'fr',
        };
        return [
          {
            name: 'button press',
            chatId: fan.id,
            body: discord.interactionBody(fan, { button: 'noop' }),
            expect: { kind: 'callback', text: 'noop' },
          },
          {
            name: 'slash command in the DM',
            chatId: fan.id,
            body: discord.interactionBody(fan, { command: 'help' }),
            expect: { kind: 'command', text: '/help' },
          },
          {
            name: 'slash command on the server',
            chatId: fan.id,
            body: discord.interactionBody(fan, { command: 'pricing' }, 'guild'),
            expect: { kind: 'command', text: '/pricing' },
          },
        ];
      },
      delivered: (chatId) =>
        discord.sent.filter((m) => m.userId === chatId).map((m) => ({ text: m.text, at: m.at })),
      attempts: (chatId) => discord.calls.filter((c) => c.route === 'send' && c.userId === chatId),
      failNextSend(fault) {
        discord.failNext(
          'rateLimited' in fault
            ? { status: 429, retryAfter: fault.rateLimited.retryAfterSeconds }
            : 'serverError' in fault
              ? { status: 500 }
              : { processThenClose: true },
        );
      },
      close: () => discord.close(),
    };
  },
};
