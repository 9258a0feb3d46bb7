import { CloseCodes, WebSocketManager, WebSocketShardEvents, type SessionInfo } from '@discordjs/ws';
import { GatewayIntentBits, Routes, type GatewayDispatchPayload, type REST } from 'discord.js';
import type { WebhookParse } from '@velvet/shared';
import type { LiveSession, LiveSink } from '../connector';
import { acknowledgement, laterId, parseDiscordInteraction, parseDiscordMessage } from './discord.parse';

/** Discord's page size for `GET /channels/{id}/messages`. */
const PAGE = 100;

interface GatewayBot {
  token: string;
  /** The bot's REST client (rate-limit buckets shared with its sends). */
  rest: REST;
  dmChannel(userId: string): Promise<string>;
}

function readSession(saved: string | undefined): SessionInfo | null {
  if (!saved) return null;
  try {
    const session = JSON.parse(saved) as SessionInfo;
    return typeof session.sessionId === 'string' && Number.isInteger(session.sequence) ? session : null;
  } catch {
    return null;
  }
}

/**
 * The bot's gateway session through discord.js's WebSocket manager (@discordjs/ws): DMs and
 * interactions arrive as dispatches. Interactions are acknowledged at once (within
 * Discord's 3 s), before the pipeline runs.
 *
 * Nothing is lost when the session passes from one process to another: the resume point
 * (session id, resume URL, and the sequence of the last event *stored*) is saved after each
 * event, and the next holder RESUMEs that session, so Discord replays everything after it,
 * a stranger's first DM included. When Discord refuses the resume (the session expired), a
 * new session starts and the DMs of known fans are read since their last stored message.
 */
export async function openDiscordGateway(bot: GatewayBot, sink: LiveSink): Promise<LiveSession> {
  let session = readSession(await sink.resumePoint.load());
  let botId: string | undefined;
  let closing = false;
  // Events are stored in the order Discord sent them.
  let queue = Promise.resolve();
  const later = (what: string, work: () => Promise<void>) => {
    queue = queue.then(work).catch((error: unknown) => sink.warn(`discord gateway: ${what} failed`, error));
  };
  const store = async (event: WebhookParse) => {
    if (event.kind === 'invalid') sink.warn(`discord gateway: unreadable event (${event.reason})`);
    else await sink.receive(event);
  };
  /** After the event with this sequence is stored: a resume replays from the next one. */
  const stored = (sequence: number) =>
    later('saving the resume point', async () => {
      if (!session || closing) return;
      await sink.resumePoint.save(JSON.stringify({ ...session, sequence }));
    });

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

  const manager = new WebSocketManager({
    token: bot.token,
    // DMs need DirectMessages; their content arrives without the privileged MessageContent.
    intents: GatewayIntentBits.Guilds | GatewayIntentBits.DirectMessages,
    rest: bot.rest,
    retrieveSessionInfo: () => session,
    updateSessionInfo: (_shardId, info) => {
      session = info;
      // Refused or ended by Discord: nothing left to resume (a handover keeps the saved point).
      if (!info && !closing) later('forgetting the resume point', () => sink.resumePoint.save(undefined));
    },
  });

  manager.on(WebSocketShardEvents.Dispatch, ({ data }: { data: GatewayDispatchPayload }) => {
    if (data.t === 'READY') {
      botId = data.d.user.id;
      later('reading missed DMs', catchUp);
    } else if (data.t === 'MESSAGE_CREATE') {
      later('storing a DM', () => store(parseDiscordMessage(data.d, botId)));
    } else if (data.t === 'INTERACTION_CREATE') {
      const interaction = data.d as { id?: string; token?: string; type?: unknown };
      const body = acknowledgement(interaction.type);
      if (body && interaction.id && interaction.token) {
        bot.rest
          .post(Routes.interactionCallback(interaction.id, interaction.token), { body, auth: false })
          .catch((error: unknown) =>
            sink.warn('discord gateway: acknowledging an interaction failed', error),
          );
      }
      later('storing an interaction', () => store(parseDiscordInteraction(interaction)));
    }
    stored(data.s);
  });
  manager.on(WebSocketShardEvents.Error, ({ error }: { error: Error }) =>
    sink.warn('discord gateway error', error),
  );

  await manager.connect();
  return {
    async close(options) {
      closing = true;
      // 1000 ends the session on Discord's side; any other code leaves it resumable.
      await manager.destroy({
        code: options?.handover ? CloseCodes.Resuming : CloseCodes.Normal,
        reason: options?.handover ? 'handed over to another process' : 'disconnected',
      });
      await queue;
      if (!options?.handover) await sink.resumePoint.save(undefined);
    },
  };
}
