/** Cookie set by the hub holding the CSRF token (double-submit pattern). */
export const CSRF_COOKIE = 'velvet_csrf';
/** Header the hub expects the CSRF token in, for cookie-authenticated calls. */
export const CSRF_HEADER = 'x-csrf-token';

export interface User {
  id: string;
  email: string;
  role: string;
}

export interface Session {
  accessToken: string;
  user: User;
}

export type ApiErrorCode = string;

export interface ApiFailure {
  ok: false;
  /** HTTP status, or 0 when the request never got a response. */
  status: number;
  code: ApiErrorCode;
  /** Server-provided message, or '' when none was available (caller localizes). */
  message: string;
  /** Seconds from the `retry-after` header (429), when present. */
  retryAfter?: number;
}

export type AuthResult = { ok: true; session: Session } | ApiFailure;
export type LogoutResult = { ok: true } | ApiFailure;

// ---------- type guards (no unchecked casts) ----------

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isUserLike(v: unknown): v is { id: string | number; email: string; role: string } {
  return (
    isRecord(v) &&
    (typeof v.id === 'string' || typeof v.id === 'number') &&
    typeof v.email === 'string' &&
    typeof v.role === 'string'
  );
}

export function parseSession(v: unknown): Session | null {
  if (!isRecord(v) || typeof v.accessToken !== 'string' || v.accessToken === '') return null;
  const user = v.user;
  if (!isUserLike(user)) return null;
  return {
    accessToken: v.accessToken,
    user: { id: String(user.id), email: user.email, role: user.role },
  };
}

export function parseErrorBody(v: unknown): { code: string; message: string } | null {
  if (!isRecord(v) || !isRecord(v.error)) return null;
  const { code, message } = v.error;
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  return { code, message };
}

// ---------- helpers ----------

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

async function readJson(res: Response): Promise<unknown> {
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

async function failure(res: Response): Promise<ApiFailure> {
  const err = parseErrorBody(await readJson(res));
  const retryAfter = parseRetryAfter(res.headers.get('retry-after'));
  return {
    ok: false,
    status: res.status,
    code: err?.code ?? `http_${res.status}`,
    message: err?.message ?? '',
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  };
}

const networkFailure: ApiFailure = { ok: false, status: 0, code: 'network_error', message: '' };

async function authRequest(url: string, init: RequestInit): Promise<AuthResult> {
  let res: Response;
  try {
    res = await fetch(url, init);
  } catch {
    return networkFailure;
  }
  if (res.status !== 200) return failure(res);
  const session = parseSession(await readJson(res));
  if (!session) return { ok: false, status: res.status, code: 'bad_response', message: '' };
  return { ok: true, session };
}

// ---------- API ----------

export function login(email: string, password: string): Promise<AuthResult> {
  return authRequest('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
    credentials: 'same-origin',
  });
}

/** Silent session restore from the refresh cookie. 401 means "no session". */
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
