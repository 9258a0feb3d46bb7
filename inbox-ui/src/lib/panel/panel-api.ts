import { z } from 'zod';
import { accountCheckView, accountView, creatorView, publicUser } from '@velvet/shared/contract';
import type { ApiFailure } from '$lib/api';
import { session } from '$lib/session.svelte';

/*
 * The management panel's calls to the hub, each answer parsed with the contract's own
 * schemas, so a field renamed on the hub is a type error here.
 */

export type CreatorView = z.output<typeof creatorView>;
export type AccountView = z.output<typeof accountView>;
export type ManagedUser = z.output<typeof publicUser>;

const platformDescription = z.object({
  platform: z.string(),
  label: z.string(),
  chat: z.boolean(),
  publish: z.boolean(),
  connect: z.enum(['credentials', 'oauth', 'none']),
  webhooksFrom: z.enum(['internet', 'this_machine']).optional(),
  /** JSON Schema of the credentials form. */
  credentials: z
    .object({
      properties: z.record(z.string(), z.object({ type: z.string().optional() }).loose()).default({}),
      required: z.array(z.string()).default([]),
    })
    .loose()
    .default({ properties: {}, required: [] }),
});
export type PlatformDescription = z.output<typeof platformDescription>;

const creators = z.object({ creators: z.array(creatorView) });
const accounts = z.object({ accounts: z.array(accountView) });
const users = z.object({ users: z.array(publicUser) });
const platforms = z.object({ platforms: z.array(platformDescription) });
const disconnected = accountView.extend({ warning: z.string().optional() });
const oauthStart = z.object({ url: z.string() });

const id = (value: string) => encodeURIComponent(value);

export const panelApi = {
  creators: () => session.request(creators, '/api/creators'),
  createCreator: (body: Record<string, unknown>) =>
    session.request(creatorView, '/api/creators', { method: 'POST', body }),
  updateCreator: (creatorId: string, body: Record<string, unknown>) =>
    session.request(creatorView, `/api/creators/${id(creatorId)}`, { method: 'PATCH', body }),

  platforms: () => session.request(platforms, '/api/platforms'),
  accounts: (creatorId: string) => session.request(accounts, `/api/creators/${id(creatorId)}/accounts`),
  connect: (
    creatorId: string,
    body: { platform: string; label: string; credentials: Record<string, string> },
  ) => session.request(accountView, `/api/creators/${id(creatorId)}/accounts`, { method: 'POST', body }),
  reconnect: (accountId: string, credentials: Record<string, string>) =>
    session.request(accountView, `/api/accounts/${id(accountId)}/reconnect`, {
      method: 'POST',
      body: { credentials },
    }),
  /** Asks the platform whether the account still works; changes nothing there. */
  check: (accountId: string) =>
    session.request(accountCheckView, `/api/accounts/${id(accountId)}/check`, { method: 'POST' }),
  disconnect: (accountId: string) =>
    session.request(disconnected, `/api/accounts/${id(accountId)}`, { method: 'DELETE' }),
  /** Where to send the browser to authorize Velvet on a platform that connects by OAuth; it comes back to /accounts. */
  oauthStart: (platform: string, creatorId: string) =>
    session.request(oauthStart, `/api/accounts/${id(platform)}/oauth`, {
      method: 'POST',
      body: { creatorId },
    }),

  users: () => session.request(users, '/api/users'),
  createUser: (body: { email: string; password: string; role: string; creatorIds: string[] }) =>
    session.request(publicUser, '/api/users', { method: 'POST', body }),
  updateUser: (userId: string, body: { role?: string; creatorIds?: string[]; disabled?: boolean }) =>
    session.request(publicUser, `/api/users/${id(userId)}`, { method: 'PATCH', body }),
};

/**
 * A 422's field messages keyed by the form field they belong to: `credentials.token` →
 * `token` under `prefix` 'credentials', `constraints.2` → `constraints`, `quietHours.end` as is.
 */
export function fieldErrors(failure: ApiFailure, prefix?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { path, message } of failure.fields ?? []) {
    let key = path;
    if (prefix) {
      if (!key.startsWith(`${prefix}.`)) continue;
      key = key.slice(prefix.length + 1);
    }
    key = key.replace(/\.\d+$/, '');
    out[key] ??= message;
  }
  return out;
}
