import { Client, Events, GatewayIntentBits, Partials, Routes, type REST } from 'discord.js';
import type { WebhookParse } from '@velvet/shared';
import type { LiveSession, LiveSink } from '../connector';
import { acknowledgement, laterId, parseDiscordInteraction, parseDiscordMessage } from './discord.parse';

/** Discord's page size for `GET /channels/{id}/messages`. */
const PAGE = 100;

interface GatewayBot {
  apiRoot: string;
  token: string;
  /** The bot's REST client (rate-limit buckets shared with its sends). */
  rest: REST;
  dmChannel(userId: string): Promise<string>;
}

/**
 * The bot's gateway session through discord.js: DMs and interactions arrive as dispatches.
 * Interactions are acknowledged at once (within Discord's 3 s), before the pipeline runs.
 * On every READY (first connection, or a new session after a drop) the DMs of known fans
 * are read from the last stored message on: Discord does not redeliver what it sent while
 * no one was connected.
 */
export async function openDiscordGateway(bot: GatewayBot, sink: LiveSink): Promise<LiveSession> {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
    // DM channels are not cached before their first message: without this, DMs are dropped.
    partials: [Partials.Channel],
    rest: { api: bot.apiRoot, retries: 0 },
  });
  let botId: string | undefined;
  // Events are stored in the order Discord sent them.
  let queue = Promise.resolve();
  const later = (what: string, work: () => Promise<void>) => {
    queue = queue.then(work).catch((error: unknown) => sink.warn(`discord gateway: ${what} failed`, error));
  };
  const store = async (event: WebhookParse) => {
    if (event.kind === 'invalid') sink.warn(`discord gateway: unreadable event (${event.reason})`);
    else await sink.receive(event);
  };

  async function catchUp(): Promise<void> {
    for (const [userId, last] of await sink.lastSeen()) {
      const channel = await bot.dmChannel(userId);
      let after = last.replace(/^interaction:/, '');
      for (;;) {
        const page = (await bot.rest.get(Routes.channelMessages(channel), {
          query: new URLSearchParams({ after, limit: String(PAGE) }),
        })) as { id: string }[];
        const ordered = [...page].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
        for (const message of ordered) {
          await store(parseDiscordMessage(message, botId));
          after = laterId(after, message.id);
        }
        if (page.length < PAGE) break;
      }
    }
  }

  client.on(Events.Raw, (packet: { t?: string; d?: unknown }) => {
    if (packet.t === 'READY') {
      botId = (packet.d as { user?: { id?: string } }).user?.id;
      later('reading missed DMs', catchUp);
    } else if (packet.t === 'MESSAGE_CREATE') {
      const data = packet.d;
      later('storing a DM', () => store(parseDiscordMessage(data, botId)));
    } else if (packet.t === 'INTERACTION_CREATE') {
      const data = packet.d as { id?: string; token?: string; type?: unknown };
      const body = acknowledgement(data.type);
      if (body && data.id && data.token) {
        bot.rest
          .post(Routes.interactionCallback(data.id, data.token), { body, auth: false })
          .catch((error: unknown) =>
            sink.warn('discord gateway: acknowledging an interaction failed', error),
          );
      }
      later('storing an interaction', () => store(parseDiscordInteraction(data)));
    }
  });
  client.on(Events.Error, (error) => sink.warn('discord gateway error', error));

  await client.login(bot.token);
  return {
    async close() {
      await client.destroy();
      await queue;
    },
  };
}
