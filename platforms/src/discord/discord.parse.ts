import { formatIssues, type InboundAttachment, type WebhookParse } from '@velvet/shared';
import {
  CALLBACK,
  discordInteraction,
  discordMessage,
  EPHEMERAL,
  INTERACTION,
  type DiscordInteraction,
} from './discord.schema';

/** Discord's epoch (2015-01-01): a snowflake's top bits are milliseconds since then. */
const DISCORD_EPOCH = 1_420_070_400_000n;

export function snowflakeTime(id: string): Date {
  return new Date(Number((BigInt(id) >> 22n) + DISCORD_EPOCH));
}

/** Which of two snowflakes came later (ids grow with time). */
export function laterId(a: string | undefined, b: string): string {
  return a !== undefined && BigInt(a) >= BigInt(b) ? a : b;
}

/**
 * A fan's DM, from the gateway or a catch-up read. The conversation is keyed by the fan's
 * user id (`chatId`): replies go to the DM channel Discord keeps for that user.
 */
export function parseDiscordMessage(body: unknown, botId?: string): WebhookParse {
  const parsed = discordMessage.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', reason: formatIssues(parsed.error) };
  const message = parsed.data;
  if (message.author.bot || message.author.id === botId) return { kind: 'ignored', reason: 'a bot wrote it' };
  if (message.guild_id) return { kind: 'ignored', reason: 'a server channel message, not a DM' };
  const command = /^\/([a-z0-9_]{1,32})(?:\s+([\s\S]*))?$/i.exec(message.content.trim());
  const attachments = message.attachments.map((file): InboundAttachment => ({
    kind: attachmentKind(file.content_type),
    fileId: file.url,
    fileUniqueId: file.id,
    fileName: file.filename,
    size: file.size,
    ...(file.content_type ? { mimeType: file.content_type } : {}),
    ...(file.width ? { width: file.width } : {}),
    ...(file.height ? { height: file.height } : {}),
  }));
  return {
    kind: 'message',
    message: {
      platform: 'discord',
      platformMessageId: message.id,
      chatId: message.author.id,
      fan: fanOf(message.author),
      kind: command ? 'command' : 'text',
      text: message.content,
      ...(command ? { command: { name: command[1]!.toLowerCase(), args: command[2] ?? '' } } : {}),
      ...(attachments.length > 0 ? { attachments } : {}),
      sentAt: new Date(message.timestamp),
      raw: { ...message, channel_type: 'dm' },
    },
  };
}

/**
 * A slash command or a button press. `callbackId` names how it was acknowledged: a slash
 * command's "thinking…" placeholder (`cmd:`) is removed once the answer is on its way.
 */
export function parseDiscordInteraction(body: unknown): WebhookParse {
  const parsed = discordInteraction.safeParse(body);
  if (!parsed.success) return { kind: 'invalid', reason: formatIssues(parsed.error) };
  const interaction = parsed.data;
  if (interaction.type === INTERACTION.ping) return { kind: 'ignored', reason: 'ping' };
  const user = interaction.member?.user ?? interaction.user;
  if (!user) return { kind: 'invalid', reason: 'an interaction without a user' };
  const base = {
    platform: 'discord' as const,
    platformMessageId: `interaction:${interaction.id}`,
    chatId: user.id,
    fan: fanOf(user, interaction.locale),
    sentAt: snowflakeTime(interaction.id),
    raw: redactToken(interaction),
  };
  if (interaction.type === INTERACTION.command && interaction.data?.name) {
    const name = interaction.data.name.toLowerCase();
    return {
      kind: 'message',
      message: {
        ...base,
        kind: 'command',
        text: `/${name}`,
        command: { name, args: '' },
        callbackId: `cmd:${interaction.application_id}:${interaction.token}`,
      },
    };
  }
  if (interaction.type === INTERACTION.component && interaction.data?.custom_id) {
    return {
      kind: 'message',
      message: {
        ...base,
        kind: 'callback',
        text: interaction.data.custom_id,
        callbackId: `btn:${interaction.id}`,
      },
    };
  }
  return { kind: 'ignored', reason: `interaction type ${interaction.type} is not used` };
}

function fanOf(
  user: { id: string; username: string; global_name?: string | null | undefined },
  locale?: string,
) {
  return {
    platformUserId: user.id,
    displayName: user.global_name || user.username,
    username: user.username,
    ...(locale ? { language: locale.split('-')[0]!.toLowerCase() } : {}),
  };
}

/** The interaction token answers for the bot for 15 minutes: it is not kept with the payload. */
function redactToken(interaction: DiscordInteraction): Record<string, unknown> {
  const { token: _token, ...rest } = interaction;
  return rest;
}

function attachmentKind(contentType: string | undefined): InboundAttachment['kind'] {
  if (contentType?.startsWith('image/')) return 'photo';
  if (contentType?.startsWith('video/')) return 'video';
  if (contentType?.startsWith('audio/')) return 'audio';
  return 'document';
}

/** The answer an interaction needs within 3 s: a pong, a deferred reply, or a silent ack. */
export function acknowledgement(type: unknown): Record<string, unknown> | undefined {
  if (type === INTERACTION.ping) return { type: CALLBACK.pong };
  // The answer needs the pipeline: "thinking…", seen by the fan only, until it is sent.
  if (type === INTERACTION.command) return { type: CALLBACK.deferredMessage, data: { flags: EPHEMERAL } };
  if (type === INTERACTION.component) return { type: CALLBACK.deferredUpdate };
  return undefined;
}
