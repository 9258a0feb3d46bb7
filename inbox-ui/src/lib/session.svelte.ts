import { z } from 'zod';
import {
  badResponse,
  failure,
  login,
  logout,
  networkFailure,
  readJson,
  refresh,
  type ApiFailure,
  type ApiResult,
  type AuthResult,
  type Session,
  type User,
} from './api';

/** Refresh this long before the access token expires, so no request meets a 401. */
const REFRESH_MARGIN_MS = 60_000;

const jwtPayload = z.object({ exp: z.number() });

/** The `exp` of a JWT in ms, or undefined; the signature is the server's business. */
export function tokenExpiry(token: string): number | undefined {
  const part = token.split('.')[1];
  if (!part) return undefined;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    const parsed = jwtPayload.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

type Status = 'unknown' | 'signed-in' | 'signed-out';

/**
 * The signed-in user. The access token lives in memory only; the httpOnly refresh cookie
 * brings it back after a reload, and it is renewed before it expires.
 */
class SessionState {
  status = $state<Status>('unknown');
  user = $state<User | null>(null);
  abilities = $state<string[]>([]);
  #token: string | null = null;
  #expiresAt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<AuthResult> | null = null;
  #listeners = new Set<(status: Status) => void>();

  #apply(result: AuthResult): AuthResult {
    if (result.ok) {
      this.#token = result.session.accessToken;
      this.#expiresAt = tokenExpiry(result.session.accessToken) ?? Date.now() + 5 * 60_000;
      this.user = result.session.user;
      this.abilities = result.session.abilities;
      this.#setStatus('signed-in');
      this.#schedule();
    } else if (result.status === 401 || result.status === 403) {
      this.#clear();
    }
    return result;
  }

  #setStatus(status: Status) {
    if (this.status === status) return;
    this.status = status;
    for (const listener of this.#listeners) listener(status);
  }

  #clear() {
    clearTimeout(this.#timer);
    this.#token = null;
    this.#expiresAt = 0;
    this.user = null;
    this.abilities = [];
    this.#setStatus('signed-out');
  }

  #schedule() {
    clearTimeout(this.#timer);
    const delay = Math.max(5_000, this.#expiresAt - Date.now() - REFRESH_MARGIN_MS);
    this.#timer = setTimeout(() => void this.refresh(), delay);
  }

  /** Called with every change between signed in and signed out. */
  onChange(listener: (status: Status) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async signIn(email: string, password: string): Promise<AuthResult> {
    return this.#apply(await login(email, password));
  }

  /**
   * One refresh at a time (the refresh token rotates: two concurrent uses would revoke
   * the sign-in), and one per browser when Web Locks are available (tabs share the cookie).
   */
  refresh(): Promise<AuthResult> {
    if (!this.#refreshing) {
      const locked = async (): Promise<AuthResult> =>
        typeof navigator !== 'undefined' && navigator.locks
          ? await navigator.locks.request('velvet-refresh', () => refresh())
          : await refresh();
      this.#refreshing = locked().then((result) => this.#apply(result));
      void this.#refreshing.finally(() => (this.#refreshing = null));
    }
    return this.#refreshing;
  }

  /** A valid access token, renewed first when it is about to expire; null when signed out. */
  async token(): Promise<string | null> {
    if (this.#token && Date.now() < this.#expiresAt - 5_000) return this.#token;
    if (this.status === 'signed-out') return null;
    const result = await this.refresh();
    return result.ok ? result.session.accessToken : null;
  }

  async signOut(): Promise<void> {
    const result = await logout();
    if (!result.ok && result.status !== 401) {
      // The cookie may survive a failed logout; the page still forgets the session.
      console.warn('sign-out did not reach the server', result.code);
    }
    this.#clear();
  }

  /**
   * An authenticated JSON call, its response parsed with `schema`. A 401 refreshes the
   * session once and retries, so an expired token never loses the page.
   */
  async request<S extends z.ZodType>(
    schema: S,
    path: string,
    init: { method?: string; body?: unknown } = {},
  ): Promise<ApiResult<z.output<S>>> {
    const sent = await this.fetch(path, {
      method: init.method,
      ...(init.body !== undefined
        ? { body: JSON.stringify(init.body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    if (!sent.ok) return sent;
    const res = sent.data;
    if (res.status === 204) {
      const empty = schema.safeParse(undefined);
      return empty.success ? { ok: true, data: empty.data } : badResponse(res.status);
    }
    const parsed = schema.safeParse(await readJson(res));
    if (!parsed.success) {
      console.error(`unexpected response from ${path}`, parsed.error.issues);
      return badResponse(res.status);
    }
    return { ok: true, data: parsed.data };
  }

  /**
   * An authenticated call, refreshed and retried once on a 401; the response is returned
   * only when it is a success. `request` parses JSON answers on top of it; files use it as is.
   */
  async fetch(
    path: string,
    init: { method?: string; body?: BodyInit; headers?: Record<string, string> } = {},
  ): Promise<ApiResult<Response>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const token = await this.token();
      if (!token) return { ok: false, status: 401, code: 'unauthorized', message: '' };
      let res: Response;
      try {
        res = await fetch(path, {
          method: init.method ?? 'GET',
          headers: { ...init.headers, authorization: `Bearer ${token}` },
          body: init.body,
          credentials: 'same-origin',
        });
      } catch {
        return networkFailure;
      }
      if (res.status === 401 && attempt === 0) {
        this.#token = null;
        continue;
      }
      return res.ok ? { ok: true, data: res } : failure(res);
    }
    return { ok: false, status: 401, code: 'unauthorized', message: '' };
  }
}

export const session = new SessionState();

/**
 * The page a user lands on after signing in, from the abilities the hub sent: the agency's
 * home, a creator's own studio, else the inbox; a temporary password first goes to be changed.
 */
export function homeFor(
  user: Pick<Session['user'], 'temporaryLogin'>,
  abilities: readonly string[],
): '/account' | '/home' | '/studio' | '/inbox' {
  if (user.temporaryLogin) return '/account';
  if (abilities.includes('home:agency')) return '/home';
  if (abilities.includes('home:creator')) return '/studio';
  return '/inbox';
}

export type { ApiFailure, Session, User };
