import { z } from 'zod';
import { PlatformError } from '@velvet/shared';
import {
  CredentialsRejected,
  type ConnectionCheck,
  type ConnectResult,
  type OAuthFlow,
  type StoredCredentials,
  type TokenRefresher,
} from '../connector';
import type { PublishAccountConnector } from '../publisher';
import type { XApi } from './x.api';

/** X connects by OAuth: there is nothing to type, the form is empty. */
export const xCredentials = z.strictObject({});

/** What is kept sealed: the rotating token pair and whom it speaks for. */
export const xStoredCredentials = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  expiresAt: z.string(),
  userId: z.string().min(1),
  username: z.string().min(1),
});
export type XStoredCredentials = z.output<typeof xStoredCredentials>;

/** Refresh this long before the access token expires (X's live two hours). */
const REFRESH_MARGIN_MS = 5 * 60_000;

const me = z.object({ data: z.object({ id: z.string().min(1), username: z.string().min(1) }) });

export function readXCredentials(stored: StoredCredentials): XStoredCredentials {
  const parsed = xStoredCredentials.safeParse(stored);
  if (!parsed.success)
    throw new PlatformError(
      'The X connection is missing: reconnect the account',
      'permanent',
      undefined,
      'reconnect_required',
    );
  return parsed.data;
}

/**
 * How X accounts connect: OAuth 2.0 Authorization Code with PKCE (S256) through the hub's
 * generic OAuth routes, then rotating refresh tokens kept by the credentials keeper (one
 * refresh at a time under a Redis lock, the new pair written in one step).
 */
export function createXAccount(
  api: XApi,
  options: { clientId?: string | undefined },
): PublishAccountConnector {
  const oauth: OAuthFlow = {
    missing: () => (options.clientId ? [] : ['X_CLIENT_ID']),
    authorizeUrl: (input) => api.authorizeUrl(input),
    async exchange(input): Promise<ConnectResult> {
      const tokens = await api.token(
        {
          grant_type: 'authorization_code',
          code: input.code,
          code_verifier: input.codeVerifier,
          redirect_uri: input.redirectUri,
        },
        'the authorization code',
      );
      const who = await api.call(tokens.accessToken, 'GET', '/2/users/me', 'who the token is');
      const user = who.status === 200 ? me.safeParse(who.body) : undefined;
      if (!user?.success) throw new PlatformError(`X answered ${who.status} to /2/users/me`, 'retryable');
      const credentials: XStoredCredentials = {
        ...tokens,
        userId: user.data.data.id,
        username: user.data.data.username,
      };
      return {
        credentials,
        settings: { username: user.data.data.username },
        label: `@${user.data.data.username}`,
        identity: user.data.data.id,
      };
    },
  };

  const tokens: TokenRefresher = {
    expiresSoon(stored, at) {
      const parsed = xStoredCredentials.safeParse(stored);
      if (!parsed.success) return false;
      return Date.parse(parsed.data.expiresAt) - REFRESH_MARGIN_MS <= at.getTime();
    },
    /**
     * X rotates the refresh token at each use. A lost answer is tried once more with the same
     * token (refused if X already rotated it: then the account must be reconnected, and says so).
     */
    async refresh(stored) {
      const credentials = readXCredentials(stored);
      const form = { grant_type: 'refresh_token', refresh_token: credentials.refreshToken };
      const next = await api.token(form, 'the token refresh').catch((error: unknown) => {
        if (error instanceof PlatformError && error.code === 'outcome_unknown')
          return api.token(form, 'the token refresh (again, after a lost answer)');
        throw error;
      });
      return { ...credentials, ...next };
    },
  };

  return {
    connectsWith: 'oauth',
    credentialsSchema: xCredentials,
    async connect(): Promise<ConnectResult> {
      throw new CredentialsRejected(
        'oauth',
        'X accounts connect with "Connect X" (the OAuth button), not a form',
      );
    },
    async disconnect(stored) {
      const parsed = xStoredCredentials.safeParse(stored);
      if (parsed.success) await api.revoke(parsed.data.refreshToken);
    },
    /** The access token still speaks for the connected X user (`/2/users/me`). */
    async check(stored): Promise<ConnectionCheck> {
      const credentials = readXCredentials(stored);
      const who = await api.call(credentials.accessToken, 'GET', '/2/users/me', 'the connection test');
      if (who.status === 401 || who.status === 403) {
        return {
          ok: false,
          problem: `X refused the access token (${who.status}): the app's access was revoked; reconnect the account.`,
          reconnect: true,
        };
      }
      const user = who.status === 200 ? me.safeParse(who.body) : undefined;
      if (!user?.success)
        throw new PlatformError(`X answered ${who.status} to the connection test`, 'retryable');
      if (user.data.data.id !== credentials.userId) {
        return { ok: false, problem: 'This X token speaks for another account: reconnect.', reconnect: true };
      }
      return { ok: true };
    },
    tokens,
    oauth,
  };
}
