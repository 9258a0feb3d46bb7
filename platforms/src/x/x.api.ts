import { PlatformError } from '@velvet/shared';
import { z } from 'zod';
import { describeFetchError, neverSent } from '../fetch-errors';

/** What Velvet asks X for: post and upload media as the user, read them back, like replies, stay connected. */
export const X_SCOPES = [
  'tweet.read',
  'tweet.write',
  'users.read',
  'media.write',
  'offline.access',
  // Liking friendly replies to the creator's own posts, when the creator turns it on.
  'like.write',
] as const;

export interface XApiOptions {
  /** X_API_ROOT: `/2/tweets`, `/2/media/upload`, `/2/oauth2/token` live under it. */
  apiRoot: string;
  /** X_AUTH_ROOT: the consent page `/i/oauth2/authorize` lives under it. */
  authRoot: string;
  clientId?: string | undefined;
  /** Only for confidential clients (HTTP Basic at the token endpoint); public clients have none. */
  clientSecret?: string | undefined;
  timeoutMs?: number;
  now?: () => number;
}

export interface XTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
}

/** A call's answer: its status, JSON body and the `x-rate-limit-*` / `x-user-limit-24hour-*` headers. */
export interface XAnswer {
  status: number;
  body: unknown;
  /** When the window that refused (or will refuse) this call reopens, epoch ms, if the headers said. */
  resetAt?: number;
  /** Calls left in the window, when the headers said. */
  remaining?: number;
}

/** Sent and no answer (a timeout, a cut connection): X may have acted. */
export class XLostAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XLostAnswer';
  }
}
/** The connection never opened: X received nothing. */
export class XUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XUnreachable';
  }
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
  scope: z.string().optional(),
});
const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });
/** X's problem bodies: `{title, detail, type, status}` and `{errors:[{message|detail}]}`. */
const problem = z.object({
  title: z.string().optional(),
  detail: z.string().optional(),
  type: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional(), detail: z.string().optional() })).optional(),
});

/** The words X used to refuse a call, for the person who reads the target's error. */
export function xProblem(body: unknown): string {
  const said = problem.safeParse(body).data;
  const detail = said?.detail ?? said?.errors?.map((e) => e.message ?? e.detail).join('; ') ?? said?.title;
  return (detail ?? '').slice(0, 300);
}

/** Reading the headers X puts on every v2 answer; the 24-hour user cap wins when it is the one spent. */
function limitsOf(headers: Headers): Pick<XAnswer, 'resetAt' | 'remaining'> {
  const num = (name: string) => {
    const value = headers.get(name);
    return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
  };
  const remaining = num('x-rate-limit-remaining');
  const reset = num('x-rate-limit-reset');
  const dayRemaining = num('x-user-limit-24hour-remaining');
  const dayReset = num('x-user-limit-24hour-reset');
  if (dayRemaining === 0 && dayReset !== undefined) return { remaining: 0, resetAt: dayReset * 1000 };
  return {
    ...(remaining !== undefined ? { remaining } : {}),
    ...(reset !== undefined ? { resetAt: reset * 1000 } : {}),
  };
}

/** Was the request never sent (refused connection, unknown host), as opposed to sent and unanswered? */
/** X API v2 over fetch: the OAuth 2.0 token endpoint and the user-context calls publishing needs. */
export function createXApi(options: XApiOptions) {
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const authRoot = options.authRoot.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const now = options.now ?? Date.now;

  function clientAuth(form: Record<string, string>): {
    headers: Record<string, string>;
    form: Record<string, string>;
  } {
    if (options.clientSecret) {
      const basic = Buffer.from(
        `${encodeURIComponent(options.clientId ?? '')}:${encodeURIComponent(options.clientSecret)}`,
      ).toString('base64');
      return { headers: { authorization: `Basic ${basic}` }, form };
    }
    // A public client proves itself with PKCE alone and names itself in the form.
    return { headers: {}, form: { ...form, client_id: options.clientId ?? '' } };
  }

  async function send(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if (neverSent(err))
        throw new XUnreachable(`X could not be reached for ${what}: ${describeFetchError(err)}`);
      throw new XLostAnswer(`X did not answer ${what}: ${describeFetchError(err)}`);
    }
  }

  async function json(response: Response): Promise<unknown> {
    const text = await response.text().catch(() => '');
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { detail: text.slice(0, 200) };
    }
  }

  return {
    authorizeUrl(input: { state: string; codeChallenge: string; redirectUri: string }): string {
      const url = new URL(`${authRoot}/i/oauth2/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: options.clientId ?? '',
        redirect_uri: input.redirectUri,
        scope: X_SCOPES.join(' '),
        state: input.state,
        code_challenge: input.codeChallenge,
        code_challenge_method: 'S256',
      }).toString();
      return url.toString();
    },

    /**
     * `POST /2/oauth2/token`. A refused grant (X answers 400 `invalid_request` "Value passed for
     * the token was invalid" for a used or revoked refresh token, `invalid_grant` elsewhere) is
     * `refresh_refused`, for good; a lost answer is `outcome_unknown`; anything else is transient.
     * Never returns an empty refresh token.
     */
    async token(form: Record<string, string>, what: string): Promise<XTokens> {
      const auth = clientAuth(form);
      let response: Response;
      try {
        response = await send(
          `${apiRoot}/2/oauth2/token`,
          {
            method: 'POST',
            headers: {
              ...auth.headers,
              'content-type': 'application/x-www-form-urlencoded',
              accept: 'application/json',
            },
            body: new URLSearchParams(auth.form).toString(),
          },
          what,
        );
      } catch (err) {
        if (err instanceof XLostAnswer)
          throw new PlatformError(err.message, 'retryable', undefined, 'outcome_unknown');
        throw new PlatformError((err as Error).message, 'retryable', 30_000, 'upstream');
      }
      const body = await json(response);
      if (!response.ok) {
        const said = oauthError.safeParse(body).data;
        const detail = (said?.error_description ?? said?.error ?? xProblem(body)).slice(0, 200);
        if (
          response.status === 401 ||
          said?.error === 'invalid_client' ||
          said?.error === 'unauthorized_client'
        )
          throw new PlatformError(
            'X refused the app (X_CLIENT_ID / X_CLIENT_SECRET)',
            'permanent',
            undefined,
            'client_rejected',
          );
        if (response.status === 400)
          throw new PlatformError(
            `X refused ${what} (${detail || 'invalid grant'})`,
            'permanent',
            undefined,
            'refresh_refused',
          );
        throw new PlatformError(
          `X answered ${response.status} to ${what}`,
          'retryable',
          limitsOf(response.headers).resetAt,
          'upstream',
        );
      }
      const tokens = tokenAnswer.safeParse(body);
      if (!tokens.success)
        throw new PlatformError(
          `X answered ${what} with an unexpected body`,
          'retryable',
          undefined,
          'upstream',
        );
      // X rotates the refresh token at each use; an answer without one keeps nothing it could replace.
      const refreshToken = tokens.data.refresh_token ?? '';
      if (!refreshToken)
        throw form.grant_type === 'refresh_token'
          ? new PlatformError(
              `X answered ${what} without a refresh token`,
              'retryable',
              undefined,
              'upstream',
            )
          : new PlatformError(
              'X gave no refresh token: the app must ask for offline.access',
              'permanent',
              undefined,
              'refresh_refused',
            );
      return {
        accessToken: tokens.data.access_token,
        refreshToken,
        expiresAt: new Date(now() + tokens.data.expires_in * 1000).toISOString(),
      };
    },

    /** Best effort: tells X the refresh token is no longer wanted. */
    async revoke(refreshToken: string): Promise<void> {
      const auth = clientAuth({ token: refreshToken, token_type_hint: 'refresh_token' });
      await send(
        `${apiRoot}/2/oauth2/revoke`,
        {
          method: 'POST',
          headers: { ...auth.headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(auth.form).toString(),
        },
        'the token revocation',
      ).catch(() => undefined);
    },

    /** One user-context call; throws `XUnreachable` (nothing sent) or `XLostAnswer` (sent, no answer). */
    async call(
      accessToken: string,
      method: 'GET' | 'POST' | 'DELETE',
      path: string,
      what: string,
      body?: { json: unknown } | { form: FormData },
    ): Promise<XAnswer> {
      const headers: Record<string, string> = {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
      };
      let payload: BodyInit | undefined;
      if (body && 'json' in body) {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body.json);
      } else if (body) payload = body.form;
      const response = await send(
        `${apiRoot}${path}`,
        { method, headers, ...(payload ? { body: payload } : {}) },
        what,
      );
      return { status: response.status, body: await json(response), ...limitsOf(response.headers) };
    },
  };
}

export type XApi = ReturnType<typeof createXApi>;
