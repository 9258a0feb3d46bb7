import { z } from 'zod';

/** Cookie set by the hub holding the CSRF token (double-submit pattern). */
export const CSRF_COOKIE = 'velvet_csrf';
/** Header the hub expects the CSRF token in, for cookie-authenticated calls. */
export const CSRF_HEADER = 'x-csrf-token';

export { ROLES, type Role } from '@velvet/shared/domain';
export type { Session, User } from '@velvet/shared/contract';
import { sessionResponse, type Session } from '@velvet/shared/contract';

const errorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .object({ fields: z.array(z.object({ path: z.string(), message: z.string() })).optional() })
      .optional(),
  }),
});

export interface ApiFailure {
  ok: false;
  /** HTTP status, or 0 when the request never got a response. */
  status: number;
  code: string;
  /** Server-provided message, or '' when none was available (caller localizes). */
  message: string;
  /** Fields a 422 named, with what is wrong with each. */
  fields?: { path: string; message: string }[];
  /** Seconds from the `retry-after` header (429), when present. */
  retryAfter?: number;
}

export type ApiResult<T> = { ok: true; data: T } | ApiFailure;
export type AuthResult = { ok: true; session: Session } | ApiFailure;
export type LogoutResult = { ok: true } | ApiFailure;

export function parseSession(v: unknown): Session | null {
  const parsed = sessionResponse.safeParse(v);
  return parsed.success ? parsed.data : null;
}

export function parseErrorBody(v: unknown): { code: string; message: string } | null {
  const parsed = errorBodySchema.safeParse(v);
  return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message } : null;
}

export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) {
      const raw = part.slice(eq + 1).trim();
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    }
  }
  return null;
}

function csrfHeaders(): Record<string, string> {
  const token = readCookie(CSRF_COOKIE);
  return token ? { [CSRF_HEADER]: token } : {};
}

export async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return undefined;
  }
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  if (Number.isFinite(secs) && secs >= 0) return Math.ceil(secs);
  const date = Date.parse(header);
  if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  return undefined;
}

export async function failure(res: Response): Promise<ApiFailure> {
  const parsed = errorBodySchema.safeParse(await readJson(res));
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  const fields = parsed.success ? parsed.data.error.details?.fields : undefined;
  return {
    ok: false,
    status: res.status,
    code: parsed.success ? parsed.data.error.code : `http_${res.status}`,
    message: parsed.success ? parsed.data.error.message : '',
    ...(fields ? { fields } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}

export const networkFailure: ApiFailure = { ok: false, status: 0, code: 'network_error', message: '' };
export const badResponse = (status: number): ApiFailure => ({
  ok: false,
  status,
  code: 'bad_response',
  message: '',
});

async function authRequest(url: string, init: RequestInit): Promise<AuthResult> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    return networkFailure;
  }
  if (res.status !== 200) return failure(res);
  const session = parseSession(await readJson(res));
  if (!session) return badResponse(res.status);
  return { ok: true, session };
}

export function login(email: string, password: string): Promise<AuthResult> {
  return authRequest('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    credentials: 'same-origin',
  });
}

/** Rotates the refresh cookie; 401 means "no session". Prefer `session.refresh()`. */
export function refresh(): Promise<AuthResult> {
  return authRequest('/api/auth/refresh', {
    method: 'POST',
    headers: csrfHeaders(),
    credentials: 'same-origin',
  });
}

export async function logout(): Promise<LogoutResult> {
  let res: Response;
  try {
    res = await fetch('/api/auth/logout', {
      method: 'POST',
      headers: csrfHeaders(),
      credentials: 'same-origin',
    });
  } catch {
    return networkFailure;
  }
  return res.ok ? { ok: true } : failure(res);
}
