import { PlatformError } from '@velvet/shared';
import { z } from 'zod';
import { describeFetchError, neverSent } from '../fetch-errors';

/**
 * What Velvet asks TikTok for: who the creator is, direct posting, and the posts' counts.
 * TikTok's Login Kit takes them comma-separated.
 */
export const TIKTOK_SCOPES = ['user.info.basic', 'video.publish', 'video.list'] as const;

export interface TikTokApiOptions {
  /** TIKTOK_API_ROOT: `/v2/oauth/token/`, `/v2/post/publish/…`, `/v2/video/query/` live under it. */
  apiRoot: string;
  /** TIKTOK_AUTH_ROOT: the consent page `/v2/auth/authorize/` lives under it. */
  authRoot: string;
  clientKey?: string | undefined;
  clientSecret?: string | undefined;
  timeoutMs?: number;
  now?: () => number;
}

export interface TikTokTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
  refreshExpiresAt: string;
  openId: string;
  scope: string;
}

/** One answer of the Content Posting / Display API: `{data, error:{code, message, log_id}}`. */
export interface TikTokAnswer {
  status: number;
  data: Record<string, unknown>;
  /** TikTok's error code (`ok` on success). */
  code: string;
  message: string;
  /** The body as sent: int64 ids are read from it, never through a double. */
  raw: string;
}

/** The digits of an int64 id array field, as written in the JSON (JSON.parse would round them). */
export function int64Ids(raw: string, field: string): string[] {
  const list = new RegExp(`"${field}"\\s*:\\s*\\[([^\\]]*)\\]`).exec(raw)?.[1] ?? '';
  return [...list.matchAll(/"?(\d+)"?/g)].map((m) => m[1]!);
}

/** Sent and no answer (a timeout, a cut connection): TikTok may have acted. */
export class TikTokLostAnswer extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TikTokLostAnswer';
  }
}
/** The connection never opened: TikTok received nothing. */
export class TikTokUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TikTokUnreachable';
  }
}

const tokenAnswer = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().optional(),
  expires_in: z.number().positive(),
  refresh_expires_in: z.number().optional(),
  open_id: z.string().min(1),
  scope: z.string().optional(),
});
const oauthError = z.object({ error: z.string(), error_description: z.string().optional() });
const envelope = z.object({
  data: z.record(z.string(), z.unknown()).optional(),
  error: z
    .object({ code: z.string(), message: z.string().optional(), log_id: z.string().optional() })
    .optional(),
});

/** TikTok's v2 APIs over fetch: Login Kit's token endpoint and the user-context calls publishing needs. */
export function createTikTokApi(options: TikTokApiOptions) {
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const authRoot = options.authRoot.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const now = options.now ?? Date.now;

  async function send(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      if (neverSent(err))
        throw new TikTokUnreachable(`TikTok could not be reached for ${what}: ${describeFetchError(err)}`);
      throw new TikTokLostAnswer(`TikTok did not answer ${what}: ${describeFetchError(err)}`);
    }
  }

  async function json(response: Response): Promise<unknown> {
    return parse(await response.text().catch(() => ''));
  }
  function parse(text: string): unknown {
    if (!text) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { error: { code: 'not_json', message: text.slice(0, 200) } };
    }
  }

  return {
    /**
     * Login Kit for Web: `client_key`, comma-separated scopes, `state`. TikTok asks PKCE of
     * desktop and mobile apps only; a web app proves itself with its client secret at the
     * token endpoint, and `state` (single use, kept by the hub) guards the redirect.
     */
    authorizeUrl(input: { state: string; redirectUri: string }): string {
      const url = new URL(`${authRoot}/v2/auth/authorize/`);
      url.search = new URLSearchParams({
        client_key: options.clientKey ?? '',
        scope: TIKTOK_SCOPES.join(','),
        response_type: 'code',
        redirect_uri: input.redirectUri,
        state: input.state,
      }).toString();
      return url.toString();
    },

    /**
     * `POST /v2/oauth/token/` (form-encoded, client key and secret in the form). A refused grant
     * (`invalid_grant`, `invalid_request`) is `refresh_refused`, for good; a lost answer is
     * `outcome_unknown`; anything else is transient. Never returns an empty refresh token.
     */
    async token(form: Record<string, string>, what: string): Promise<TikTokTokens> {
      let response: Response;
      try {
        response = await send(
          `${apiRoot}/v2/oauth/token/`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache' },
            body: new URLSearchParams({
              client_key: options.clientKey ?? '',
              client_secret: options.clientSecret ?? '',
              ...form,
            }).toString(),
          },
          what,
        );
      } catch (err) {
        if (err instanceof TikTokLostAnswer)
          throw new PlatformError(err.message, 'retryable', undefined, 'outcome_unknown');
        throw new PlatformError((err as Error).message, 'retryable', 30_000, 'upstream');
      }
      const body = await json(response);
      const refused = oauthError.safeParse(body).data;
      if (!response.ok || (refused && !tokenAnswer.safeParse(body).success)) {
        const detail = (refused?.error_description ?? refused?.error ?? '').slice(0, 200);
        if (refused?.error === 'invalid_client' || refused?.error === 'unauthorized_client')
          throw new PlatformError(
            'TikTok refused the app (TIKTOK_CLIENT_KEY / TIKTOK_CLIENT_SECRET)',
            'permanent',
            undefined,
            'client_rejected',
          );
        if (refused && (response.status < 500 || refused.error === 'invalid_grant'))
          throw new PlatformError(
            `TikTok refused ${what} (${detail || 'invalid grant'})`,
            'permanent',
            undefined,
            'refresh_refused',
          );
        throw new PlatformError(
          `TikTok answered ${response.status} to ${what}`,
          'retryable',
          30_000,
          'upstream',
        );
      }
      const tokens = tokenAnswer.safeParse(body);
      if (!tokens.success)
        throw new PlatformError(
          `TikTok answered ${what} with an unexpected body`,
          'retryable',
          30_000,
          'upstream',
        );
      // TikTok may rotate the refresh token at each use; an answer without one replaces nothing.
      const refreshToken = tokens.data.refresh_token ?? '';
      if (!refreshToken)
        throw form.grant_type === 'refresh_token'
          ? new PlatformError(
              `TikTok answered ${what} without a refresh token`,
              'retryable',
              30_000,
              'upstream',
            )
          : new PlatformError('TikTok gave no refresh token', 'permanent', undefined, 'refresh_refused');
      return {
        accessToken: tokens.data.access_token,
        refreshToken,
        expiresAt: new Date(now() + tokens.data.expires_in * 1000).toISOString(),
        refreshExpiresAt: new Date(
          now() + (tokens.data.refresh_expires_in ?? 365 * 86_400) * 1000,
        ).toISOString(),
        openId: tokens.data.open_id,
        scope: tokens.data.scope ?? '',
      };
    },

    /** Best effort: `POST /v2/oauth/revoke/` ends the app's access for the user. */
    async revoke(accessToken: string): Promise<void> {
      await send(
        `${apiRoot}/v2/oauth/revoke/`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({
            client_key: options.clientKey ?? '',
            client_secret: options.clientSecret ?? '',
            token: accessToken,
          }).toString(),
        },
        'the token revocation',
      ).catch(() => undefined);
    },

    /** One JSON call as the user; throws `TikTokUnreachable` (nothing sent) or `TikTokLostAnswer`. */
    async call(accessToken: string, path: string, what: string, body?: unknown): Promise<TikTokAnswer> {
      const response = await send(
        `${apiRoot}${path}`,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${accessToken}`,
            'content-type': 'application/json; charset=UTF-8',
          },
          body: JSON.stringify(body ?? {}),
        },
        what,
      );
      const raw = await response.text().catch(() => '');
      const parsed = envelope.safeParse(parse(raw));
      const error = parsed.data?.error;
      return {
        status: response.status,
        data: parsed.data?.data ?? {},
        code: error?.code ?? (response.ok ? 'ok' : `http_${response.status}`),
        message: (error?.message ?? '').slice(0, 300),
        raw,
      };
    },

    /** One chunk of a FILE_UPLOAD: `PUT {upload_url}` with its `Content-Range`. */
    async putChunk(
      uploadUrl: string,
      bytes: Buffer,
      range: { first: number; last: number; total: number },
      mime: string,
    ): Promise<{ status: number; message: string }> {
      const response = await send(
        uploadUrl,
        {
          method: 'PUT',
          headers: {
            'content-type': mime,
            'content-range': `bytes ${range.first}-${range.last}/${range.total}`,
          },
          body: new Uint8Array(bytes),
        },
        `the upload of bytes ${range.first}-${range.last}`,
      );
      return { status: response.status, message: (await response.text().catch(() => '')).slice(0, 200) };
    },
  };
}

export type TikTokApi = ReturnType<typeof createTikTokApi>;
