import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { z } from 'zod';
import {
  PlatformError,
  type InlineButton,
  type MediaItem,
  type OutboundMessage,
  type SendResult,
  type VelvetConfig,
  type WebhookParse,
} from '@velvet/shared';
import {
  CredentialsRejected,
  fieldLabel,
  type CommandMenuItem,
  type ConnectionCheck,
  type ConnectOptions,
  type ConnectResult,
  type LiveSession,
  type LiveSink,
  type PlatformConnector,
  type SendLimits,
  type StoredCredentials,
  type WebhookRequest,
} from '../connector';
import { accountBudget } from '../delivery';
import { INVALID_TOKEN_MESSAGE, toPlatformError } from './discord.errors';
import { acknowledgement, parseDiscordInteraction } from './discord.parse';
import { openDiscordGateway } from './discord.gateway';

export const DISCORD_SIGNATURE_HEADER = 'x-signature-ed25519';
export const DISCORD_TIMESTAMP_HEADER = 'x-signature-timestamp';
/** A signed interaction older than this is refused (a replayed capture). */
const SIGNATURE_TOLERANCE_SECONDS = 300;
const MAX_CONTENT = 2000;
/** Discord shows at most 5 rows of 5 buttons under a message. */
const MAX_ROWS = 5;
const MAX_EMBEDS = 10;
/** How long a spam-muted fan stays timed out on the server (Discord allows up to 28 days). */
const SPAM_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** DER prefix of an Ed25519 SubjectPublicKeyInfo: the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

const YES_NO: Record<string, boolean> = {
  '': false,
  yes: true,
  oui: true,
  true: true,
  no: false,
  non: false,
  false: false,
};

const snowflake = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{17,20}$/, `must be the ${what} (17 to 20 digits, from Discord's developer mode)`);

/** What an operator types to connect a Discord application. */
export const discordCredentials = z.strictObject({
  botToken: z
    .string()
    .trim()
    .regex(
      /^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$/,
      'must be the bot token from the Developer Portal (Bot → Reset Token)',
    )
    .meta(fieldLabel('Bot token (Developer Portal → Bot)', 'Jeton du bot (Developer Portal → Bot)')),
  applicationId: snowflake('application id').meta(
    fieldLabel('Application id', 'Identifiant de l’application'),
  ),
  publicKey: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be the public key from the Developer Portal (64 hex characters)')
    .meta(fieldLabel('Public key (64 hex characters)', 'Clé publique (64 caractères hexadécimaux)')),
  guildId: snowflake('server (guild) id').meta(fieldLabel('Server id', 'Identifiant du serveur')),
  /** The role a buyer gets on the server (members-only channels); none when empty. */
  buyerRoleId: z
    .preprocess((v) => (v === '' ? undefined : v), snowflake('buyer role id').optional())
    .meta(
      fieldLabel(
        'Role given to buyers (role id, optional)',
        'Rôle donné aux acheteurs (identifiant de rôle, facultatif)',
      ),
    ),
  /** Fans muted for spam also get a Discord timeout on the server (the panel's form sends yes/no). */
  timeoutSpammers: z
    .preprocess(
      (v) => (typeof v === 'string' ? (YES_NO[v.trim().toLowerCase()] ?? v) : v),
      z.boolean('must be yes or no').default(false),
    )
    .meta(
      fieldLabel(
        'Time out fans muted for spam on the server (yes/no)',
        'Exclure temporairement du serveur les fans muets pour spam (oui/non)',
      ),
    ),
});

const storedCredentials = z.object({
  botToken: z.string(),
  applicationId: z.string(),
  publicKey: z.string(),
  guildId: z.string(),
  buyerRoleId: z.string().optional(),
  timeoutSpammers: z.boolean().optional(),
});
export type DiscordCredentials = z.infer<typeof storedCredentials>;

export interface DiscordConnectorOptions {
  /** `https://discord.com/api`, or a stand-in / proxy (DISCORD_API_ROOT); `/v10` is added. */
  apiRoot: string;
  /** Per-call limit so a stalled Discord cannot hang a worker; defaults to 15 s. */
  timeoutMs?: number;
}

export function createDiscordConnector(options: DiscordConnectorOptions) {
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? 15_000;
  const clients = new Map<string, REST>();
  /** DM channel per bot and fan: opening one again returns the same channel. */
  const dmChannels = new Map<string, string>();
  const keys = new Map<string, KeyObject>();

  function typed(credentials: StoredCredentials): DiscordCredentials {
    const parsed = storedCredentials.safeParse(credentials);
    if (!parsed.success) {
      throw new PlatformError(
        'The stored Discord credentials are unusable',
        'permanent',
        undefined,
        'invalid_token',
      );
    }
    return parsed.data;
  }

  /**
   * One discord.js REST client per bot: it keeps Discord's global (50/s) and per-route
   * buckets and waits out a 429's `retry_after`. It never retries by itself: a request
   * that may have been delivered is the workers' to judge, not sent again blindly.
   */
  function restFor(credentials: StoredCredentials): REST {
    const { botToken } = typed(credentials);
    let rest = clients.get(botToken);
    if (!rest) {
      rest = new REST({ api: apiRoot, retries: 0, timeout }).setToken(botToken);
      clients.set(botToken, rest);
    }
    return rest;
  }

  async function call<T>(
    credentials: StoredCredentials,
    what: string,
    run: (rest: REST) => Promise<unknown>,
  ) {
    try {
      return (await run(restFor(credentials))) as T;
    } catch (err) {
      throw toPlatformError(err, what);
    }
  }

  /**
   * The fan's DM channel. Conversations only exist once a fan wrote or pressed something, so
   * this never starts a DM with a stranger; opening an existing DM creates nothing.
   */
  async function dmChannel(credentials: StoredCredentials, userId: string): Promise<string> {
    const key = `${typed(credentials).applicationId}:${userId}`;
    const known = dmChannels.get(key);
    if (known) return known;
    const channel = await call<{ id: string }>(credentials, 'opening the DM', (rest) =>
      rest.post(Routes.userChannels(), { body: { recipient_id: userId } }),
    ).catch((err: unknown) => {
      // Opening a DM delivers nothing to the fan: whatever its outcome, it may be tried again.
      if (err instanceof PlatformError && err.kind === 'unknown') {
        throw new PlatformError(err.message, 'retryable', undefined, 'network');
      }
      throw err;
    });
    dmChannels.set(key, channel.id);
    return channel.id;
  }

  async function post(
    credentials: StoredCredentials,
    chatId: string,
    body: Record<string, unknown>,
    files?: { name: string; data: Buffer; contentType?: string }[],
  ): Promise<SendResult> {
    const channel = await dmChannel(credentials, chatId);
    const sent = await call<{ id: string }>(credentials, 'sending the message', (rest) =>
      rest.post(Routes.channelMessages(channel), { body, ...(files ? { files } : {}) }),
    );
    return { platformMessageId: sent.id };
  }

  function publicKey(hex: string): KeyObject {
    let key = keys.get(hex);
    if (!key) {
      key = createPublicKey({
        key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, 'hex')]),
        format: 'der',
        type: 'spki',
      });
      keys.set(hex, key);
    }
    return key;
  }

  const connector = {
    platform: 'discord' as const,
    label: 'Discord',
    connectsWith: 'credentials' as const,
    credentialsSchema: discordCredentials,
    capabilities: {
      aiAutoSend: true,
      // Discord knows nothing of its users' age: fans confirm 18+ with a button first.
      verifiesAge: false,
      packSales: { kind: 'checkout_link' as const },
      buttons: true,
      media: {
        receive: ['photo', 'video', 'audio', 'document'] as const,
        send: ['photo', 'document'] as const,
      },
      answersInWebhook: false,
    },

    limits(config: VelvetConfig['platforms']): SendLimits {
      return accountBudget(config.discord);
    },

    /** Ed25519 over `timestamp + body` with the application's public key (the interactions endpoint). */
    verifyWebhook(request: WebhookRequest, credentials: StoredCredentials): boolean {
      const signature = request.headers[DISCORD_SIGNATURE_HEADER];
      const timestamp = request.headers[DISCORD_TIMESTAMP_HEADER];
      const stored = storedCredentials.safeParse(credentials).data;
      if (typeof signature !== 'string' || typeof timestamp !== 'string' || !stored) return false;
      if (!/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return false;
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return false;
      try {
        return verify(
          null,
          Buffer.concat([Buffer.from(timestamp, 'utf8'), request.rawBody]),
          publicKey(stored.publicKey),
          Buffer.from(signature, 'hex'),
        );
      } catch {
        return false;
      }
    },

    parseWebhook(request: WebhookRequest): WebhookParse {
      return parseDiscordInteraction(request.body);
    },

    /** What Discord waits for in the answer to an interaction: its acknowledgement. */
    webhookAnswer(request: WebhookRequest): Record<string, unknown> | undefined {
      return acknowledgement((request.body as { type?: unknown } | null)?.type);
    },

    async send(credentials: StoredCredentials, message: OutboundMessage): Promise<SendResult> {
      const components = message.keyboard ? toComponents(message.keyboard) : undefined;
      const body = {
        content: message.text.slice(0, MAX_CONTENT),
        ...(components ? { components } : {}),
      };
      const file = message.attachment;
      if (!file) return post(credentials, message.chatId, body);
      return post(credentials, message.chatId, body, [
        {
          name: file.fileName.replace(/[\r\n";\\/]/g, '_'),
          data: await readFile(file.path),
          ...(file.mimeType ? { contentType: file.mimeType } : {}),
        },
      ]);
    },

    /** A pack in the DM: photos as embeds (10 a message), other files as links, `text` first. */
    async sendMedia(
      credentials: StoredCredentials,
      chatId: string,
      text: string,
      media: readonly MediaItem[],
    ): Promise<SendResult> {
      const photos = media.filter((m) => m.kind === 'photo');
      const links = media.filter((m) => m.kind !== 'photo').map((m) => m.url);
      const content = [text, ...links].join('\n').slice(0, MAX_CONTENT);
      let first: SendResult | undefined;
      for (let i = 0; i === 0 || i < photos.length; i += MAX_EMBEDS) {
        const embeds = photos.slice(i, i + MAX_EMBEDS).map((m) => ({
          image: { url: m.url },
          ...(m.caption ? { description: m.caption.slice(0, 4096) } : {}),
        }));
        const sent = await post(credentials, chatId, {
          ...(i === 0 ? { content } : {}),
          ...(embeds.length > 0 ? { embeds } : {}),
        });
        first ??= sent;
      }
      return first!;
    },

    /** Removes a slash command's "thinking…" placeholder once its answer is on its way. */
    async answerCallback(credentials: StoredCredentials, callbackId: string): Promise<void> {
      const [kind, applicationId, token] = callbackId.split(':');
      if (kind !== 'cmd' || !applicationId || !token) return;
      await call(credentials, 'closing the command', (rest) =>
        rest.delete(Routes.webhookMessage(applicationId, token, '@original'), { auth: false }),
      ).catch((err: unknown) => {
        // Already gone (Discord drops it after 15 minutes): nothing left to close.
        if (err instanceof PlatformError && err.code === 'chat_not_found') return;
        throw err;
      });
    },

    /** The creator's buyer role on the server (members-only channels); a PUT, so granting twice is harmless. */
    async grantBuyerAccess(credentials: StoredCredentials, chatId: string): Promise<void> {
      const { guildId, buyerRoleId } = typed(credentials);
      if (!buyerRoleId) return;
      await call(credentials, 'granting the buyer role', (rest) =>
        rest.put(Routes.guildMemberRole(guildId, chatId, buyerRoleId), {
          reason: 'Velvet: bought a pack',
        }),
      );
    },

    /** Removes the buyer role (a refund or chargeback); a DELETE, so removing twice is harmless. */
    async revokeBuyerAccess(credentials: StoredCredentials, chatId: string): Promise<void> {
      const { guildId, buyerRoleId } = typed(credentials);
      if (!buyerRoleId) return;
      await call(credentials, 'removing the buyer role', (rest) =>
        rest.delete(Routes.guildMemberRole(guildId, chatId, buyerRoleId), {
          reason: 'Velvet: the purchase was refunded or charged back',
        }),
      ).catch((err: unknown) => {
        // No longer on the creator's server: nothing left to take back.
        if (err instanceof PlatformError && err.code === 'chat_not_found') return;
        throw err;
      });
    },

    /** A server timeout (no writing, no joining calls) when the creator turned `timeoutSpammers` on. */
    async restrictSpammer(credentials: StoredCredentials, chatId: string): Promise<void> {
      const { guildId, timeoutSpammers } = typed(credentials);
      if (!timeoutSpammers) return;
      const until = new Date(Date.now() + SPAM_TIMEOUT_MS).toISOString();
      await call(credentials, 'timing out a spammer', (rest) =>
        rest.patch(Routes.guildMember(guildId, chatId), {
          body: { communication_disabled_until: until },
          reason: 'Velvet: muted for repeated spam',
        }),
      ).catch((err: unknown) => {
        // Not a member of the creator's server (a DM-only fan): nothing to time out.
        if (err instanceof PlatformError && err.code === 'chat_not_found') return;
        throw err;
      });
    },

    /** Checks the token, then registers the slash commands on the creator's server. */
    async connect(input: Record<string, unknown>, connectOptions: ConnectOptions): Promise<ConnectResult> {
      const parsed = discordCredentials.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new CredentialsRejected(String(issue.path[0] ?? 'botToken'), issue.message);
      }
      const credentials: DiscordCredentials = parsed.data;
      const me = await call<{ id: string; username: string }>(credentials, 'checking the token', (rest) =>
        rest.get('/users/@me'),
      ).catch((err: unknown) => {
        if (err instanceof PlatformError && err.code === 'invalid_token') {
          throw new CredentialsRejected('botToken', INVALID_TOKEN_MESSAGE);
        }
        throw err;
      });
      await restFor(credentials)
        .put(Routes.applicationGuildCommands(credentials.applicationId, credentials.guildId), {
          body: slashCommands(connectOptions.commands ?? []),
        })
        .catch((err: unknown) => {
          if (err instanceof DiscordAPIError && err.status === 404) {
            throw new CredentialsRejected('applicationId', 'Discord knows no such application for this bot');
          }
          if (err instanceof DiscordAPIError && (err.status === 403 || err.status === 400)) {
            throw new CredentialsRejected(
              'guildId',
              'Discord refused the slash commands on this server: invite the bot with the applications.commands scope',
            );
          }
          throw toPlatformError(err, 'registering the slash commands');
        });
      return {
        credentials,
        settings: {
          bot: { id: me.id, username: me.username },
          guildId: credentials.guildId,
          ...(credentials.buyerRoleId ? { buyerRoleId: credentials.buyerRoleId } : {}),
          timeoutSpammers: credentials.timeoutSpammers ?? false,
        },
        label: `@${me.username}`,
        identity: credentials.applicationId,
      };
    },

    /** The bot token still works; DMs arrive over the gateway, which the live session watches. */
    async check(credentials: StoredCredentials): Promise<ConnectionCheck> {
      try {
        await call(credentials, 'checking the token', (rest) => rest.get('/users/@me'));
        return { ok: true };
      } catch (err) {
        if (err instanceof PlatformError && err.code === 'invalid_token') {
          return {
            ok: false,
            problem:
              'Discord refuses this bot token: it was reset in the Developer Portal. Reconnect with the current token.',
            reconnect: true,
          };
        }
        throw err;
      }
    },

    /** Removes the slash commands from the server; the gateway session ends with the account. */
    async disconnect(credentials: StoredCredentials): Promise<void> {
      const { applicationId, guildId } = typed(credentials);
      await call(credentials, 'removing the slash commands', (rest) =>
        rest.put(Routes.applicationGuildCommands(applicationId, guildId), { body: [] }),
      );
    },

    /** DMs come over the gateway: one process per bot holds it (see the hub's live sessions). */
    live: {
      open: (credentials: StoredCredentials, sink: LiveSink): Promise<LiveSession> =>
        openDiscordGateway(
          {
            token: typed(credentials).botToken,
            rest: restFor(credentials),
            dmChannel: (userId) => dmChannel(credentials, userId),
          },
          sink,
        ),
    },
  };
  return connector satisfies PlatformConnector;
}

export type DiscordConnector = ReturnType<typeof createDiscordConnector>;

/** Slash commands from the command menu, `/start` first; described in English with French beside. */
function slashCommands(menu: readonly CommandMenuItem[]) {
  const start: CommandMenuItem = { command: 'start', description: { en: 'Say hello', fr: 'Dire bonjour' } };
  const items = menu.some((item) => item.command === 'start') ? menu : [start, ...menu];
  return items.map((item) => ({
    name: item.command,
    type: 1,
    description: item.description.en.slice(0, 100),
    description_localizations: { fr: item.description.fr.slice(0, 100) },
  }));
}

function toComponents(keyboard: InlineButton[][]) {
  return keyboard.slice(0, MAX_ROWS).map((row) => ({
    type: 1,
    components: row.slice(0, 5).map((button) => {
      const label = button.text.slice(0, 80);
      if (button.url !== undefined && button.callbackData === undefined) {
        return { type: 2, style: 5, label, url: button.url };
      }
      if (button.callbackData !== undefined && button.url === undefined) {
        return { type: 2, style: 1, label, custom_id: button.callbackData.slice(0, 100) };
      }
      throw new PlatformError(
        `Button "${button.text}" needs exactly one of url or callbackData`,
        'permanent',
        undefined,
        'rejected',
      );
    }),
  }));
}
