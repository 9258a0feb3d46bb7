import { z } from 'zod';

/*
 * The parts of Discord's payloads Velvet reads (API v10): a DM `MESSAGE_CREATE` from the
 * gateway (or `GET /channels/{id}/messages` when catching up), and an interaction (slash
 * command or button) from the gateway or the interactions endpoint. Unknown fields pass.
 */

const snowflake = z.string().regex(/^\d{1,20}$/, 'must be a Discord id');

export const discordUser = z.object({
  id: snowflake,
  username: z.string().max(100),
  global_name: z.string().max(100).nullish(),
  bot: z.boolean().optional(),
});

export const discordAttachment = z.object({
  id: snowflake,
  filename: z.string().max(1024),
  content_type: z.string().max(255).optional(),
  size: z.number().int().nonnegative(),
  url: z.string().max(4096),
  width: z.number().int().nullish(),
  height: z.number().int().nullish(),
});

export const discordMessage = z.object({
  id: snowflake,
  channel_id: snowflake,
  guild_id: snowflake.optional(),
  author: discordUser,
  content: z.string().max(4000),
  timestamp: z.string(),
  edited_timestamp: z.string().nullish(),
  attachments: z.array(discordAttachment).max(10).default([]),
});
export type DiscordMessage = z.infer<typeof discordMessage>;

/** https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object */
export const INTERACTION = { ping: 1, command: 2, component: 3 } as const;
/** Interaction callback types Velvet answers with. */
export const CALLBACK = { pong: 1, deferredMessage: 5, deferredUpdate: 6 } as const;
/** Message flag: only the fan who used the command sees the "thinking…" placeholder. */
export const EPHEMERAL = 64;

export const discordInteraction = z.object({
  id: snowflake,
  application_id: snowflake,
  type: z.number().int(),
  token: z.string().min(1).max(1000),
  guild_id: snowflake.optional(),
  channel_id: snowflake.optional(),
  /** In a server the fan is a member; in a DM, a user. */
  member: z.object({ user: discordUser }).optional(),
  user: discordUser.optional(),
  locale: z.string().max(16).optional(),
  data: z
    .object({
      name: z.string().max(32).optional(),
      custom_id: z.string().max(100).optional(),
      options: z.array(z.object({ name: z.string(), value: z.unknown() })).optional(),
    })
    .optional(),
});
export type DiscordInteraction = z.infer<typeof discordInteraction>;
