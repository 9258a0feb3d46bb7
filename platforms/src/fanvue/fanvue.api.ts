import { PlatformError } from '@velvet/shared';
import { neverConnected } from '../delivery';
import {
  FANVUE_API_VERSION,
  FANVUE_BUCKET,
  FANVUE_VERSION_HEADER,
  fvErrorBody,
  fvTokenResponse,
} from './fanvue.schema';
import { describeFetchError } from '../fetch-errors';

const DEFAULT_TIMEOUT_MS = 15_000;
/** A pack's media file, fetched from its URL, and one part sent to storage, may take longer than an API call. */
const DEFAULT_TRANSFER_TIMEOUT_MS = 5 * 60_000;

export interface FanvueApiOptions {
  /** FANVUE_API_ROOT. */
  apiRoot: string;
  /** FANVUE_AUTH_ROOT: `/oauth2/auth` and `/oauth2/token` live under it. */
  authRoot: string;
  clientId?: string;
  clientSecret?: string;
  timeoutMs?: number;
  /** The limit on fetching a pack's media file and on each part's PUT to storage. */
  transferTimeoutMs?: number;
  now?: () => number;
}

/** What a lost answer means: the call may have taken effect (`unknown`), or a retry is harmless. */
type LostAnswer = 'unknown' | 'retryable';

export interface FanvueTokens {
  accessToken: string;
  refreshToken: string;
  expiresAt: string;
}

/**
 * Fanvue's per-token budget, as this process sees it: at most 200 calls in any 60 s, and no
 * call while the platform said to wait (429 `Retry-After`, or `X-RateLimit-Remaining: 0`
 * until `X-RateLimit-Reset`). A call over budget is refused here, before it leaves, with
 * how long to wait: the job is delayed, not retried blindly.
 */
class Buckets {
  private readonly state = new Map<string, { sent: number[]; blockedUntil: number }>();
  constructor(private readonly now: () => number) {}

  private of(key: string) {
    let entry = this.state.get(key);
    if (!entry) this.state.set(key, (entry = { sent: [], blockedUntil: 0 }));
    return entry;
  }

  /** 0 when the call may go now (and counts it), else the milliseconds to wait. */
  take(key: string): number {
    const now = this.now();
    const entry = this.of(key);
    if (entry.blockedUntil > now) return entry.blockedUntil - now;
    entry.sent = entry.sent.filter((at) => at > now - FANVUE_BUCKET.windowMs);
    if (entry.sent.length >= FANVUE_BUCKET.requests) {
      return entry.sent[0]! + FANVUE_BUCKET.windowMs - now;
    }
    entry.sent.push(now);
    return 0;
  }

  block(key: string, untilMs: number): void {
    const entry = this.of(key);
    entry.blockedUntil = Math.max(entry.blockedUntil, untilMs);
  }
}

export function createFanvueApi(options: FanvueApiOptions) {
  const apiRoot = options.apiRoot.replace(/\/+$/, '');
  const authRoot = options.authRoot.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const transferTimeoutMs = options.transferTimeoutMs ?? DEFAULT_TRANSFER_TIMEOUT_MS;
  const now = options.now ?? Date.now;
  const buckets = new Buckets(now);

  function unreachable(err: unknown, what: string, lost: LostAnswer, secrets: string[]): PlatformError {
    const reason = redact(describeFetchError(err), secrets);
    if (neverConnected(err)) {
      return new PlatformError(
        `Could not reach Fanvue (${what}): ${reason}`,
        'retryable',
        undefined,
        'network',
      );
    }
    return new PlatformError(
      `Fanvue did not answer ${what} (${reason})${lost === 'unknown' ? ': it may have been delivered' : ''}`,
      lost,
      undefined,
      lost === 'unknown' ? 'outcome_unknown' : 'network',
    );
  }

  async function readJson(response: Response): Promise<unknown> {
    try {
      const text = await response.text();
      return text ? JSON.parse(text) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The wait `Retry-After` (seconds or a date) asks for, in ms; 1 s when it says nothing usable. */
  function retryAfterMs(header: string | null): number {
    const seconds = Number(header);
    if (header && Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 3600) * 1000;
    const at = header ? Date.parse(header) : NaN;
    return Number.isFinite(at) ? Math.max(1000, at - now()) : 1000;
  }

  /** `X-RateLimit-Reset` as an instant: epoch seconds when it looks like one, else seconds from now. */
  function resetAt(header: string | null): number | undefined {
    const value = Number(header);
    if (!header || !Number.isFinite(value) || value < 0) return undefined;
    return value > 1e9 ? value * 1000 : now() + value * 1000;
  }

  return {
    /**
     * One API call as `bucketKey` (the connected creator): bearer token, API version header,
     * the shared budget, and Fanvue's answers sorted into retryable / permanent / unknown.
     */
    async call(
      accessToken: string,
      bucketKey: string,
      what: string,
      path: string,
      init: {
        method: 'GET' | 'POST' | 'PATCH';
        json?: unknown;
        lostAnswer: LostAnswer;
        /** The code of a 404 (`chat_not_found` unless the path names something else). */
        notFound?: string;
      },
    ): Promise<unknown> {
      const wait = buckets.take(bucketKey);
      if (wait > 0) {
        throw new PlatformError(
          `Fanvue's request budget for this account is spent; ${what} waits ${Math.ceil(wait / 1000)}s`,
          'retryable',
          wait,
          'rate_limited',
        );
      }
      let response: Response;
      try {
        response = await fetch(`${apiRoot}${path}`, {
          method: init.method,
          headers: {
            authorization: `Bearer ${accessToken}`,
            [FANVUE_VERSION_HEADER]: FANVUE_API_VERSION,
            accept: 'application/json',
            ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw unreachable(err, what, init.lostAnswer, [accessToken]);
      }
      const remaining = response.headers.get('x-ratelimit-remaining');
      const reset = resetAt(response.headers.get('x-ratelimit-reset'));
      if (remaining !== null && Number(remaining) <= 0 && reset) buckets.block(bucketKey, reset);

      const body = await readJson(response);
      if (response.ok) return body;
      const said = fvErrorBody.safeParse(body).data;
      const detail = redact((said?.message ?? said?.error ?? '').slice(0, 300), [accessToken]);
      const message = `Fanvue answered ${response.status} to ${what}${detail ? `: ${detail}` : ''}`;
      if (response.status === 429) {
        const ms = retryAfterMs(response.headers.get('retry-after'));
        buckets.block(bucketKey, now() + ms);
        throw new PlatformError(
          `Fanvue rate limited ${what}; retry after ${Math.ceil(ms / 1000)}s`,
          'retryable',
          ms,
          'rate_limited',
        );
      }
      if (response.status === 410) {
        const next = said?.nextVersion ?? response.headers.get('x-fanvue-api-next-version') ?? 'unknown';
        throw new PlatformError(
          `Fanvue retired API version ${FANVUE_API_VERSION}; the next version is ${next.slice(0, 64)}. Velvet must be updated to speak it.`,
          'permanent',
          undefined,
          'api_version_retired',
        );
      }
      // An expired or revoked access token: the next attempt refreshes it first.
      if (response.status === 401) throw new PlatformError(message, 'retryable', 2000, 'invalid_token');
      if (response.status >= 500) throw new PlatformError(message, 'retryable', undefined, 'upstream');
      throw new PlatformError(
        message,
        'permanent',
        undefined,
        response.status === 404 ? (init.notFound ?? 'chat_not_found') : 'rejected',
      );
    },

    /**
     * A pack's media file, from the URL the pack gives: a failure here is retryable (the
     * host may be back later) and names the file, never the URL's query (it may be signed).
     */
    async download(url: string, file: string): Promise<Response> {
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.timeout(transferTimeoutMs) });
      } catch (err) {
        throw new PlatformError(
          `Could not fetch the pack media ${file}: ${describeFetchError(err)}`,
          'retryable',
          undefined,
          'media_unavailable',
        );
      }
      if (!response.ok || !response.body) {
        await response.body?.cancel().catch(() => undefined);
        throw new PlatformError(
          `Could not fetch the pack media ${file}: its host answered ${response.status}`,
          'retryable',
          undefined,
          'media_unavailable',
        );
      }
      return response;
    },

    /**
     * One part's bytes to the pre-signed storage URL Fanvue gave: no bearer token, no version
     * header, nothing from the budget (storage is not the API). Returns storage's `ETag` as
     * sent, quotes kept. Any failure is retryable: the retry opens a new session.
     */
    async putPart(url: string, bytes: Uint8Array<ArrayBuffer>, what: string): Promise<string> {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'PUT',
          headers: { 'content-type': 'application/octet-stream' },
          body: bytes,
          signal: AbortSignal.timeout(transferTimeoutMs),
        });
      } catch (err) {
        throw new PlatformError(
          `Fanvue's storage did not take ${what}: ${describeFetchError(err)}`,
          'retryable',
          undefined,
          'network',
        );
      }
      await response.body?.cancel().catch(() => undefined);
      const etag = response.headers.get('etag');
      if (!response.ok || !etag) {
        throw new PlatformError(
          `Fanvue's storage answered ${response.status}${response.ok ? ' without an ETag' : ''} to ${what}`,
          'retryable',
          undefined,
          'upstream',
        );
      }
      return etag;
    },

    configured(): boolean {
      return Boolean(options.clientId && options.clientSecret);
    },

    authorizeUrl(input: {
      state: string;
      codeChallenge: string;
      redirectUri: string;
      scopes: readonly string[];
    }) {
      const url = new URL(`${authRoot}/oauth2/auth`);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: options.clientId ?? '',
        redirect_uri: input.redirectUri,
        scope: input.scopes.join(' '),
        state: input.state,
        code_challenge: input.codeChallenge,
        code_challenge_method: 'S256',
      }).toString();
      return url.toString();
    },

    /**
     * The token endpoint (form-encoded, HTTP Basic with the client). A refused grant
     * (`invalid_grant`: a used, revoked or expired refresh token or code) is `refresh_refused`,
     * for good; anything else, a lost answer included, may be tried again.
     */
    async token(form: Record<string, string>, what: string): Promise<FanvueTokens> {
      const secrets = [form.refresh_token ?? '', form.code ?? '', options.clientSecret ?? ''].filter(Boolean);
      let response: Response;
      try {
        response = await fetch(`${authRoot}/oauth2/token`, {
          method: 'POST',
          headers: {
            authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.clientId ?? '')}:${encodeURIComponent(options.clientSecret ?? '')}`).toString('base64')}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: new URLSearchParams(form).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        const lost = unreachable(err, what, 'retryable', secrets);
        // Sent, then no answer: Fanvue may have rotated the token already (the caller may retry at once).
        throw neverConnected(err)
          ? lost
          : new PlatformError(lost.message, 'retryable', undefined, 'outcome_unknown');
      }
      const body = await readJson(response);
      if (!response.ok) {
        const said = fvErrorBody.safeParse(body).data;
        const detail = redact(said?.error_description ?? said?.error ?? '', secrets).slice(0, 300);
        if (response.status === 400 && said?.error === 'invalid_grant') {
          throw new PlatformError(
            `Fanvue refused the grant (${detail || 'invalid_grant'})`,
            'permanent',
            undefined,
            'refresh_refused',
          );
        }
        if (response.status === 401 || said?.error === 'invalid_client') {
          throw new PlatformError(
            'Fanvue refused the client id or secret (FANVUE_CLIENT_ID / FANVUE_CLIENT_SECRET)',
            'permanent',
            undefined,
            'client_rejected',
          );
        }
        throw new PlatformError(
          `Fanvue answered ${response.status} to ${what}${detail ? `: ${detail}` : ''}`,
          response.status >= 500 || response.status === 429 ? 'retryable' : 'permanent',
          undefined,
          'upstream',
        );
      }
      const tokens = fvTokenResponse.safeParse(body);
      if (!tokens.success) {
        throw new PlatformError(
          `Fanvue answered ${what} with an unexpected body`,
          'retryable',
          undefined,
          'upstream',
        );
      }
      const refreshToken = tokens.data.refresh_token ?? form.refresh_token;
      if (!refreshToken) {
        throw new PlatformError(
          'Fanvue gave no refresh token: the app must be granted offline_access',
          'permanent',
          undefined,
          'refresh_refused',
        );
      }
      return {
        accessToken: tokens.data.access_token,
        refreshToken,
        expiresAt: new Date(now() + tokens.data.expires_in * 1000).toISOString(),
      };
    },

    /** Best effort: tells Fanvue the refresh token is no longer wanted (RFC 7009). */
    async revoke(refreshToken: string): Promise<void> {
      const response = await fetch(`${authRoot}/oauth2/revoke`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${encodeURIComponent(options.clientId ?? '')}:${encodeURIComponent(options.clientSecret ?? '')}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: 'refresh_token' }).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      }).catch((err: unknown) => {
        throw unreachable(err, 'the token revocation', 'retryable', [refreshToken]);
      });
      if (!response.ok && response.status !== 400) {
        throw new PlatformError(`Fanvue answered ${response.status} to the token revocation`, 'retryable');
      }
    },
  };
}

export type FanvueApi = ReturnType<typeof createFanvueApi>;

function redact(text: string, secrets: string[]): string {
  return secrets.reduce((out, secret) => (secret ? out.split(secret).join('<secret>') : out), text);
}
