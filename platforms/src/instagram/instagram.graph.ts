import { z } from 'zod';

/** The Graph API version Velvet speaks; the host (INSTAGRAM_API_ROOT) decides the login flavour. */
export const GRAPH_VERSION = 'v25.0';
const CALL_TIMEOUT_MS = 20_000;
/** Throttled without an estimate from Meta: Graph API usage is counted over a rolling hour. */
const DEFAULT_THROTTLE_MS = 15 * 60_000;

/** Meta's error envelope: `{"error":{"message","type","code","error_subcode","fbtrace_id",…}}`. */
const errorEnvelope = z.object({
  error: z.object({
    message: z.string().default(''),
    type: z.string().default(''),
    code: z.number(),
    error_subcode: z.number().optional(),
    error_user_msg: z.string().optional(),
    is_transient: z.boolean().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

/** A refusal Meta explained. `retryAfterMs` comes from its usage headers when it throttles. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly subcode: number | undefined,
    message: string,
    readonly transient: boolean,
    readonly retryAfterMs: number | undefined,
  ) {
    super(message);
    this.name = 'GraphError';
  }
}

/** Error codes that mean "too many calls": app (4), user (17), page (32), Instagram BUC (80002), 613. */
const THROTTLE_CODES = new Set([4, 17, 32, 613, 80002]);
/** The access token is expired, revoked, or was never valid. */
export const TOKEN_CODES = new Set([190, 102]);
/** The token lacks a permission (instagram_business_content_publish…). */
export const PERMISSION_CODES = new Set([10, 200]);
/** Subcode for "the account reached its publishing limit (posts per 24 h)". */
export const QUOTA_SUBCODE = 2207042;

export function isThrottle(error: GraphError): boolean {
  return THROTTLE_CODES.has(error.code) || error.subcode === QUOTA_SUBCODE;
}

/**
 * When Meta says to come back, from `x-business-use-case-usage` (`estimated_time_to_regain_access`,
 * minutes), `x-app-usage` / `x-ad-account-usage` at 100 %, or a plain `retry-after` (seconds).
 */
export function retryAfterFromHeaders(headers: Headers): number | undefined {
  let wait: number | undefined;
  const longer = (ms: number) => (wait = Math.max(wait ?? 0, ms));
  const retryAfter = Number(headers.get('retry-after'));
  if (Number.isFinite(retryAfter) && retryAfter > 0) longer(retryAfter * 1000);
  const buc = parseJson(headers.get('x-business-use-case-usage'));
  if (buc && typeof buc === 'object')
    for (const entries of Object.values(buc as Record<string, unknown>))
      for (const entry of Array.isArray(entries) ? entries : []) {
        const minutes = Number(
          (entry as { estimated_time_to_regain_access?: unknown }).estimated_time_to_regain_access,
        );
        if (Number.isFinite(minutes) && minutes > 0) longer(minutes * 60_000);
      }
  const app = parseJson(headers.get('x-app-usage'));
  if (app && typeof app === 'object' && wait === undefined) {
    const used = Object.values(app as Record<string, unknown>).map(Number);
    if (used.some((n) => Number.isFinite(n) && n >= 100)) longer(DEFAULT_THROTTLE_MS);
  }
  return wait;
}

function parseJson(text: string | null): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export type GraphParams = Record<string, string | number | boolean | undefined>;

/** Calls under `<root>/<version>/`; the token goes in the Authorization header, never in a URL. */
export function createGraph(root: string, version = GRAPH_VERSION) {
  const base = root.replace(/\/+$/, '');

  async function call<T>(method: 'GET' | 'POST', path: string, token: string, params: GraphParams = {}) {
    const entries = Object.entries(params).filter(
      (e): e is [string, string | number | boolean] => e[1] !== undefined,
    );
    const form = new URLSearchParams(entries.map(([k, v]) => [k, String(v)]));
    const url = `${base}/${version}/${path}${method === 'GET' && entries.length ? `?${form.toString()}` : ''}`;
    const response = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { body: form.toString() } : {}),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    const text = await response.text();
    const body = parseJson(text);
    if (response.ok && body && typeof body === 'object' && !('error' in body)) return body as T;
    throw toGraphError(response.status, body, text, retryAfterFromHeaders(response.headers));
  }

  return {
    get: <T>(path: string, token: string, params?: GraphParams) => call<T>('GET', path, token, params),
    post: <T>(path: string, token: string, params?: GraphParams) => call<T>('POST', path, token, params),
    /** `GET <root>/refresh_access_token` (Instagram Login tokens; not under a version). */
    async refreshToken(token: string): Promise<{ access_token: string; expires_in?: number }> {
      const query = new URLSearchParams({ grant_type: 'ig_refresh_token', access_token: token });
      const response = await fetch(`${base}/refresh_access_token?${query.toString()}`, {
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      });
      const text = await response.text();
      const body = parseJson(text) as { access_token?: unknown; expires_in?: unknown } | undefined;
      if (response.ok && typeof body?.access_token === 'string')
        return {
          access_token: body.access_token,
          ...(typeof body.expires_in === 'number' ? { expires_in: body.expires_in } : {}),
        };
      throw toGraphError(response.status, body, text, retryAfterFromHeaders(response.headers));
    },
  };
}

export type Graph = ReturnType<typeof createGraph>;

function toGraphError(status: number, body: unknown, text: string, retryAfterMs: number | undefined) {
  const parsed = errorEnvelope.safeParse(body);
  if (!parsed.success)
    return new GraphError(
      status,
      -1,
      undefined,
      `HTTP ${status}: ${text.slice(0, 200)}`,
      status >= 500,
      retryAfterMs,
    );
  const e = parsed.data.error;
  const transient =
    e.is_transient === true ||
    status >= 500 ||
    e.code === 1 ||
    e.code === 2 ||
    e.code === -1 ||
    e.code === -2;
  const throttled = THROTTLE_CODES.has(e.code) || e.error_subcode === QUOTA_SUBCODE;
  return new GraphError(
    status,
    e.code,
    e.error_subcode,
    e.error_user_msg || e.message,
    transient,
    retryAfterMs ?? (throttled ? DEFAULT_THROTTLE_MS : undefined),
  );
}
