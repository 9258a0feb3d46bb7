import { z } from 'zod';
import { ACCOUNT_STATUSES, PLATFORMS } from '../domain';

const settings = z.record(z.string().max(100), z.unknown()).default({});
const label = z.string().trim().max(120).default('');
/** Checked against the platform's own schema (its connector) before anything is stored. */
const credentials = z.record(z.string().max(100), z.unknown());

export const createAccountBody = z.strictObject({
  platform: z.enum(PLATFORMS, { message: `platform must be one of ${PLATFORMS.join(', ')}` }),
  label,
  credentials,
  settings,
});
export type CreateAccountBody = z.output<typeof createAccountBody>;

/** New credentials for a disconnected (or broken) account; its history stays with it. */
export const reconnectAccountBody = z.strictObject({ credentials });
export type ReconnectAccountBody = z.output<typeof reconnectAccountBody>;

/** What operators change on a connected account. */
export const updateAccountBody = z
  .strictObject({
    label: z.string().trim().min(1).max(120).optional(),
    /** Group chats the bot is added to reach the inbox (for humans only); off: a polite note, once a day. */
    groups: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type UpdateAccountBody = z.output<typeof updateAccountBody>;

export const accountView = z.object({
  id: z.uuid(),
  creatorId: z.uuid(),
  platform: z.enum(PLATFORMS),
  label: z.string(),
  status: z.enum(ACCOUNT_STATUSES),
  webhookUrl: z.string(),
  settings: z.record(z.string(), z.unknown()),
  /** Why the platform wants a human, while the account needs attention. */
  lastError: z.string().nullable().default(null),
  createdAt: z.string(),
});
export type AccountView = z.infer<typeof accountView>;

/** `POST /api/accounts/:id/check`: what testing the connection found, and the account after it. */
export const accountCheckView = z.object({
  ok: z.boolean(),
  /** What is wrong, in words an operator acts on. */
  problem: z.string().optional(),
  /** Only new credentials help (the account now needs attention). */
  reconnect: z.boolean().optional(),
  checkedAt: z.string(),
  account: accountView,
});
export type AccountCheckView = z.infer<typeof accountCheckView>;

/**
 * Starts connecting an OAuth platform for a creator: `accountId` reconnects that account
 * (its fans and history carry on) instead of adding one.
 */
export const startOAuthBody = z.strictObject({
  creatorId: z.uuid({ message: 'must be a creator id' }),
  label: z.string().trim().max(120).optional(),
  accountId: z.uuid({ message: 'must be an account id' }).optional(),
});
export type StartOAuthBody = z.output<typeof startOAuthBody>;

/** What the platform sends the browser back with (RFC 6749 §4.1.2). */
export const oauthCallbackQuery = z.looseObject({
  code: z.string().min(1).max(2000).optional(),
  state: z.string().min(1).max(200).optional(),
  error: z.string().max(200).optional(),
});
