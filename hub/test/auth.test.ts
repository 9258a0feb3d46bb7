import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditRepo } from '@velvet/shared';
import { ADMIN, Client, startTestHub, type TestHub } from './harness';

describe('auth', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub({
      config: (config) => {
        config.auth.login.failures_per_account = 3;
        config.auth.login.attempts_per_ip = 1000;
      },
    });
  });
  afterAll(() => hub?.stop());

  it('signs in with the right password and returns a token, the user and cookies', async () => {
    const client = new Client(hub.url);
    const response = await client.login(ADMIN.email.toUpperCase(), ADMIN.password);
    expect(response.status).toBe(200);
    expect(response.body.user).toMatchObject({ email: ADMIN.email, role: 'admin' });
    expect(typeof response.body.accessToken).toBe('string');
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/velvet_refresh=[^;]+;.*HttpOnly/i);
    expect(setCookie).toMatch(/velvet_refresh=[^;]+;.*SameSite=Strict/i);
    expect(setCookie).toMatch(/velvet_refresh=[^;]+;.*Secure/i);

    const me = await client.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(ADMIN.email);
    expect(me.body.abilities).toContain('user:create');
  });

  it('refuses a wrong password or unknown email with the same 401', async () => {
    const client = new Client(hub.url);
    const wrong = await client.login(ADMIN.email, 'not-the-password');
    const unknown = await client.login('nobody@test.velvet', 'whatever-password');
    for (const response of [wrong, unknown]) {
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ error: { code: 'unauthorized', message: 'Wrong email or password' } });
    }
    expect((await client.get('/api/me')).status).toBe(401);
  });

  it('rejects requests without a valid bearer token', async () => {
    const client = new Client(hub.url);
    expect((await client.get('/api/creators')).status).toBe(401);
    client.token = 'not.a.jwt';
    const response = await client.get('/api/creators');
    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('unauthorized');
  });

  it('locks an account after repeated failures, even for the right password, then says when to retry', async () => {
    const user = await hub.createUser('locked@test.velvet', 'chatter');
    const client = new Client(hub.url);
    for (let i = 0; i < 3; i++) expect((await client.login(user.email, 'wrong-password')).status).toBe(401);
    const locked = await client.login(user.email, user.password);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('account_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another account from the same address is unaffected.
    expect((await new Client(hub.url).login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it('rotates the refresh token and revokes the whole family when a rotated one is replayed', async () => {
    const client = new Client(hub.url);
    await client.login(ADMIN.email, ADMIN.password);
    const first = client.cookies.get('velvet_refresh')!;
    const firstCsrf = client.cookies.get('velvet_csrf')!;

    const rotated = await client.post('/api/auth/refresh', undefined, client.csrfHeader());
    expect(rotated.status).toBe(200);
    expect(rotated.body.user.email).toBe(ADMIN.email);
    const second = client.cookies.get('velvet_refresh')!;
    expect(second).not.toBe(first);

    // An attacker replays the first (already rotated) token, with the cookies stolen with it.
    const thief = new Client(hub.url);
    thief.cookies.set('velvet_refresh', first);
    thief.cookies.set('velvet_csrf', firstCsrf);
    const replay = await thief.post('/api/auth/refresh', undefined, thief.csrfHeader());
    expect(replay.status).toBe(401);

    // The legitimate holder of the newest token is signed out too.
    const after = await client.post('/api/auth/refresh', undefined, client.csrfHeader());
    expect(after.status).toBe(401);
    const audit = await auditRepo.latest(hub.ctx.db, 20);
    expect(audit.map((a) => a.action)).toContain('auth.refresh_reuse_detected');
  });

  it('requires the CSRF header on cookie-authenticated routes', async () => {
    const client = new Client(hub.url);
    await client.login(ADMIN.email, ADMIN.password);
    const missing = await client.post('/api/auth/refresh');
    expect(missing.status).toBe(403);
    expect(missing.body.error.code).toBe('csrf_failed');
    const wrong = await client.post('/api/auth/refresh', undefined, { 'x-csrf-token': 'forged' });
    expect(wrong.status).toBe(403);
    expect((await client.post('/api/auth/refresh', undefined, client.csrfHeader())).status).toBe(200);
  });

  it('binds the CSRF token to its session: one planted from another sign-in does not pass', async () => {
    const victim = new Client(hub.url);
    await victim.login(ADMIN.email, ADMIN.password);
    const attacker = new Client(hub.url);
    await attacker.login(ADMIN.email, ADMIN.password);
    // A sibling subdomain can set the victim's csrf cookie, and the header to match it.
    const planted = attacker.cookies.get('velvet_csrf')!;
    victim.cookies.set('velvet_csrf', planted);
    const forged = await victim.post('/api/auth/logout', undefined, {
      'x-csrf-token': decodeURIComponent(planted),
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error.code).toBe('csrf_failed');
    // Each session's own token still works.
    expect((await attacker.post('/api/auth/refresh', undefined, attacker.csrfHeader())).status).toBe(200);
  });

  it('logs out: the refresh token stops working', async () => {
    const client = new Client(hub.url);
    await client.login(ADMIN.email, ADMIN.password);
    const token = client.cookies.get('velvet_refresh')!;
    const csrf = client.csrfHeader();
    expect((await client.post('/api/auth/logout', undefined, csrf)).status).toBe(204);
    client.cookies.set('velvet_refresh', token);
    client.cookies.set('velvet_csrf', csrf['x-csrf-token']!);
    expect((await client.post('/api/auth/refresh', undefined, csrf)).status).toBe(401);
  });

  it('validates the login body', async () => {
    const client = new Client(hub.url);
    const response = await client.post('/api/auth/login', { email: 'not-an-email' });
    expect(response.status).toBe(422);
    expect(response.body.error.message).toMatch(/email/);
    expect(response.body.error.message).toMatch(/password/);
    const malformed = await client.post('/api/auth/login', '{"email":', {});
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
  });
});

describe('auth rate limit per address', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ config: (config) => (config.auth.login.attempts_per_ip = 4) });
  });
  afterAll(() => hub?.stop());

  it('limits sign-in attempts from one address across accounts', async () => {
    const client = new Client(hub.url);
    for (let i = 0; i < 4; i++) {
      expect((await client.login(`user${i}@test.velvet`, 'wrong-password')).status).toBe(401);
    }
    const limited = await client.login(ADMIN.email, ADMIN.password);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
  });

  it('does not let a client rotate X-Forwarded-For to dodge the limit', async () => {
    const client = new Client(hub.url);
    const attempt = (i: number) =>
      client.request(
        'POST',
        '/api/auth/login',
        { email: `rotate${i}@test.velvet`, password: 'wrong-password' },
        {
          'x-forwarded-for': `203.0.113.${i}`,
        },
      );
    // The address already spent its attempts in the test above: a new header changes nothing.
    expect((await attempt(1)).status).toBe(429);
    expect((await attempt(2)).status).toBe(429);
  });
});

describe('auth rate limit behind a trusted proxy', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({
      config: (config) => (config.auth.login.attempts_per_ip = 2),
      env: { TRUST_PROXY: 'loopback' },
    });
  });
  afterAll(() => hub?.stop());

  it('limits each client the proxy names, not the proxy', async () => {
    const from = (address: string) => (i: number) =>
      new Client(hub.url).request(
        'POST',
        '/api/auth/login',
        { email: `proxied${i}@test.velvet`, password: 'wrong-password' },
        { 'x-forwarded-for': address },
      );
    const first = from('198.51.100.7');
    expect((await first(1)).status).toBe(401);
    expect((await first(2)).status).toBe(401);
    expect((await first(3)).status).toBe(429);
    // Another client behind the same proxy still signs in.
    expect((await from('198.51.100.8')(4)).status).toBe(401);
  });
});
