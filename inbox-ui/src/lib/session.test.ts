import { afterEach, describe, expect, it, vi } from 'vitest';
import { homeFor, session, tokenExpiry } from './session.svelte';
import { z } from 'zod';

function jwt(exp: number): string {
  const b64 = (v: object) =>
    btoa(JSON.stringify(v)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256' })}.${b64({ sub: 'u1', exp })}.sig`;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

const user = { id: 'u1', email: 'a@b.c', role: 'chatter', creatorIds: [] };

describe('session', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('reads the expiry of an access token', () => {
    expect(tokenExpiry(jwt(1_900_000_000))).toBe(1_900_000_000_000);
    expect(tokenExpiry('garbage')).toBeUndefined();
  });

  it('lands admins and managers on the home, models on their studio, chatters in the inbox', () => {
    expect(homeFor({}, ['home:agency', 'home:creator'])).toBe('/home');
    expect(homeFor({}, ['home:creator'])).toBe('/studio');
    expect(homeFor({}, ['creator:list'])).toBe('/inbox');
    expect(homeFor({ temporaryLogin: true }, ['home:agency'])).toBe('/account');
  });

  it('refreshes once on a 401 and retries the call, with one refresh for concurrent calls', async () => {
    const soon = Math.floor(Date.now() / 1000) + 900;
    let refreshes = 0;
    let token = jwt(soon);
    const fetchMock = vi.fn(async (url: string, init?: RequestInit) => {
      if (url === '/api/auth/login') return json(200, { accessToken: token, user });
      if (url === '/api/auth/refresh') {
        refreshes++;
        token = jwt(soon + refreshes);
        return json(200, { accessToken: token, user });
      }
      const auth = new Headers(init?.headers).get('authorization');
      // The first token is treated as revoked by the server.
      if (auth === `Bearer ${jwt(soon)}`) return json(401, { error: { code: 'unauthorized', message: 'x' } });
      return json(200, { value: 42 });
    });
    vi.stubGlobal('fetch', fetchMock);
    expect((await session.signIn('a@b.c', 'pw')).ok).toBe(true);
    const schema = z.object({ value: z.number() });
    const [a, b] = await Promise.all([session.request(schema, '/api/x'), session.request(schema, '/api/y')]);
    expect(a).toEqual({ ok: true, data: { value: 42 } });
    expect(b).toEqual({ ok: true, data: { value: 42 } });
    expect(refreshes).toBe(1);
  });

  it('reports a response that breaks the schema instead of passing it on', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => json(200, { value: 'not a number' })),
    );
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const result = await session.request(z.object({ value: z.number() }), '/api/z');
    expect(result).toMatchObject({ ok: false, code: 'bad_response' });
  });
});
