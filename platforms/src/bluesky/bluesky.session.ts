import type { Agent } from '@atproto/api';
import { z } from 'zod';
import { PlatformError } from '@velvet/shared';
import {
  CredentialsRejected,
  fieldLabel,
  type ConnectionCheck,
  type ConnectResult,
  type StoredCredentials,
  type TokenRefresher,
} from '../connector';

/** What the operator types: the handle (or email) and an app password, never the account password. */
export const blueskyCredentials = z.strictObject({
  // Not a secret: the form shows it as typed.
  identifier: z
    .string()
    .trim()
    .min(1, 'must be a handle or an email')
    .max(256)
    .meta(
      fieldLabel('Handle or email (name.bsky.social)', 'Identifiant ou e-mail (nom.bsky.social)', {
        secret: false,
      }),
    ),
  password: z
    .string()
    .trim()
    .min(1, 'must be an app password')
    .max(256)
    .meta(
      fieldLabel(
        'App password (Settings → Privacy and security → App passwords)',
        'Mot de passe d’application (Paramètres → Confidentialité et sécurité → Mots de passe d’application)',
      ),
    ),
});

/** What is kept sealed: the login (to sign in again if the session dies) and the session. */
const storedSession = z.object({
  identifier: z.string(),
  password: z.string(),
  did: z.string(),
  handle: z.string(),
  accessJwt: z.string().min(1),
  refreshJwt: z.string().min(1),
});
export type BlueskySession = z.output<typeof storedSession>;

/** Refresh an access token this long before it expires (Bluesky's live about two hours). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/** The status and XRPC error name of a failed call, or none for a network failure. */
export function xrpcFailure(error: unknown): { status: number; error: string; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, error: name, message } = error as { status?: unknown; error?: unknown; message?: unknown };
  // XRPC reports "no response" (a refused connection, a reset) as status 1.
  if (typeof status !== 'number' || status < 100) return undefined;
  return { status, error: typeof name === 'string' ? name : '', message: String(message ?? '') };
}

export function readSession(stored: StoredCredentials): BlueskySession {
  const parsed = storedSession.safeParse(stored);
  if (!parsed.success)
    throw new PlatformError(
      'The Bluesky session is missing: reconnect the account',
      'permanent',
      undefined,
      'reconnect_required',
    );
  return parsed.data;
}

function expiry(jwt: string): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown;
      scope?: unknown;
    };
    return typeof payload.exp === 'number' ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function scope(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      scope?: unknown;
    };
    return typeof payload.scope === 'string' ? payload.scope : undefined;
  } catch {
    return undefined;
  }
}

/** `@atproto/api` (its lexicons take a second of CPU to load): only loaded once Bluesky is used. */
export const atproto = () => import('@atproto/api');

/** An agent that speaks for the stored session and never refreshes it by itself. */
export async function sessionAgent(
  service: string,
  session: Pick<BlueskySession, 'did' | 'accessJwt'>,
): Promise<Agent> {
  const { Agent } = await atproto();
  return new Agent({
    did: session.did,
    async fetchHandler(pathname: string, init: RequestInit) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${session.accessJwt}`);
      return fetch(new URL(pathname, service), { ...init, headers });
    },
  });
}

async function createSession(service: string, identifier: string, password: string) {
  const { Agent } = await atproto();
  const { data } = await new Agent({ service }).com.atproto.server.createSession({ identifier, password });
  return data;
}

/**
 * Bluesky accounts connect with an app password (Settings → Privacy and security → App
 * passwords). The session it opens is reused, and refreshed by the credentials keeper, one
 * process at a time; signing in again with the app password is the fallback when the refresh
 * token died, since `createSession` is limited to 30 calls per 5 minutes.
 */
export function createBlueskySessions(service: string) {
  return {
    credentialsSchema: blueskyCredentials,

    async connect(input: Record<string, unknown>): Promise<ConnectResult> {
      const { identifier, password } = blueskyCredentials.parse(input);
      let data: Awaited<ReturnType<typeof createSession>>;
      try {
        data = await createSession(service, identifier, password);
      } catch (error) {
        const failure = xrpcFailure(error);
        if (failure?.status === 401 || failure?.error === 'AuthenticationRequired')
          throw new CredentialsRejected('password', 'Bluesky refused this handle and app password');
        if (failure?.error === 'AccountTakedown' || failure?.error === 'AccountDeactivated')
          throw new CredentialsRejected('identifier', `Bluesky: ${failure.message}`);
        throw error;
      }
      // The account password opens everything (settings, deletion): only an app password is kept.
      if (scope(data.accessJwt) === 'com.atproto.access')
        throw new CredentialsRejected(
          'password',
          'This is the account password: create an app password in Bluesky (Settings → Privacy and security → App passwords)',
        );
      const session: BlueskySession = {
        identifier,
        password,
        did: data.did,
        handle: data.handle,
        accessJwt: data.accessJwt,
        refreshJwt: data.refreshJwt,
      };
      return {
        credentials: session,
        settings: { handle: data.handle },
        label: `@${data.handle}`,
        identity: data.did,
      };
    },

    /** The stored session still speaks for the account (`getSession`). */
    async check(stored: StoredCredentials): Promise<ConnectionCheck> {
      const session = readSession(stored);
      const agent = await sessionAgent(service, session);
      try {
        const { data } = await agent.com.atproto.server.getSession();
        if (data.did !== session.did) {
          return {
            ok: false,
            problem: 'This session speaks for another Bluesky account: reconnect.',
            reconnect: true,
          };
        }
        return { ok: true };
      } catch (error) {
        const failure = xrpcFailure(error);
        if (failure?.status === 401 || failure?.status === 400) {
          return {
            ok: false,
            problem: `Bluesky refused the session (${failure.error}): the app password may have been revoked; reconnect with a new one.`,
            reconnect: true,
          };
        }
        const said = failure?.message ?? (error instanceof Error ? error.message : String(error));
        throw new PlatformError(`Bluesky did not answer the connection test: ${said}`, 'retryable');
      }
    },

    /** Ends the session on Bluesky; the app password itself is revoked there by its owner. */
    async disconnect(stored: StoredCredentials): Promise<void> {
      const session = readSession(stored);
      const agent = await sessionAgent(service, { did: session.did, accessJwt: session.refreshJwt });
      await agent.com.atproto.server.deleteSession();
    },

    tokens: {
      expiresSoon(stored, now) {
        const at = typeof stored.accessJwt === 'string' ? expiry(stored.accessJwt) : undefined;
        return at === undefined || at - now.getTime() < REFRESH_MARGIN_MS;
      },
      async refresh(stored) {
        const session = readSession(stored);
        let next: { accessJwt: string; refreshJwt: string; handle: string; did: string };
        try {
          const refresher = await sessionAgent(service, { did: session.did, accessJwt: session.refreshJwt });
          next = (await refresher.com.atproto.server.refreshSession()).data;
        } catch (error) {
          const failure = xrpcFailure(error);
          if (!failure || failure.status >= 500 || failure.status === 429)
            throw transient(failure?.message ?? error);
          // The refresh token expired or was revoked: the app password opens a new session.
          try {
            next = await createSession(service, session.identifier, session.password);
          } catch (loginError) {
            const login = xrpcFailure(loginError);
            if (login?.status === 401)
              throw new PlatformError(
                'Bluesky refused the app password',
                'permanent',
                undefined,
                'refresh_refused',
              );
            throw transient(login?.message ?? loginError);
          }
        }
        // Never store an empty token over a working one.
        if (!next.accessJwt || !next.refreshJwt) throw transient('Bluesky answered without tokens');
        return {
          ...session,
          did: next.did,
          handle: next.handle,
          accessJwt: next.accessJwt,
          refreshJwt: next.refreshJwt,
        };
      },
    } satisfies TokenRefresher,
  };
}

function transient(cause: unknown): PlatformError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new PlatformError(`Bluesky could not refresh the session: ${message}`, 'retryable', 30_000);
}
