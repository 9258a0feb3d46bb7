import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

/** Who may start a Fanvue connection, and what an unconfigured hub says. */
describe('starting a Fanvue OAuth connection', () => {
  let hub: TestHub;
  let bare: TestHub;
  let admin: Client;
  let creatorId: string;
  let otherCreatorId: string;

  beforeAll(async () => {
    hub = await startTestHub({
      env: {
        FANVUE_CLIENT_ID: 'oauth-test-client',
        FANVUE_CLIENT_SECRET: 'oauth-test-client-secret',
        FANVUE_AUTH_ROOT: 'https://auth.fanvue.test',
      },
    });
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('OAuth'))).body.id;
    otherCreatorId = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
  });
  afterAll(async () => {
    await hub?.stop();
    await bare?.stop();
  });

  it('gives the consent URL with PKCE and keeps the verifier server-side for ten minutes', async () => {
    const started = await admin.post('/api/accounts/fanvue/oauth', { creatorId, label: 'Main' });
    expect(started.status).toBe(200);
    const url = new URL(started.body.url);
    expect(`${url.origin}${url.pathname}`).toBe('https://auth.fanvue.test/oauth2/auth');
    expect(url.searchParams.get('client_id')).toBe('oauth-test-client');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${hub.ctx.env.PUBLIC_URL}/api/oauth/fanvue/callback`);
    expect(started.body.url).not.toContain('oauth-test-client-secret');
    const state = url.searchParams.get('state')!;
    const key = `${hub.redisPrefix}:oauth:${state}`;
    const ttl = await hub.ctx.redis.ttl(key);
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    const kept = JSON.parse((await hub.ctx.redis.get(key))!);
    expect(kept).toMatchObject({ platform: 'fanvue', creatorId, label: 'Main' });
    expect(kept.verifier).not.toBe(url.searchParams.get('code_challenge'));

    const contract = await admin.get(`/api/creators/${creatorId}/accounts/oauth/fanvue`);
    expect(contract.status).toBe(200);
    expect(contract.body.authorizeUrl).toMatch(/^https:\/\/auth\.fanvue\.test\/oauth2\/auth\?/);
  });

  it('only for admins and managers with the creator in scope; only for OAuth platforms', async () => {
    const chatter = await hub.createUser('oauth-chatter@test.velvet', 'chatter', [creatorId]);
    const manager = await hub.createUser('oauth-manager@test.velvet', 'manager', [creatorId]);
    const asChatter = new Client(hub.url);
    await asChatter.login(chatter.email, chatter.password);
    const asManager = new Client(hub.url);
    await asManager.login(manager.email, manager.password);
    expect((await asChatter.post('/api/accounts/fanvue/oauth', { creatorId })).status).toBe(403);
    expect((await asManager.post('/api/accounts/fanvue/oauth', { creatorId })).status).toBe(200);
    expect([403, 404]).toContain(
      (await asManager.post('/api/accounts/fanvue/oauth', { creatorId: otherCreatorId })).status,
    );
    expect((await new Client(hub.url).post('/api/accounts/fanvue/oauth', { creatorId })).status).toBe(401);
    expect((await admin.post('/api/accounts/telegram/oauth', { creatorId })).status).toBe(404);
    // Reconnecting names an account of this creator on this platform, or nothing.
    const stranger = await admin.post(`/api/creators/${otherCreatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'oauth-test-sandbox' },
    });
    expect(
      (await admin.post('/api/accounts/fanvue/oauth', { creatorId, accountId: stranger.body.id })).status,
    ).toBe(404);
    const invalid = await admin.post('/api/accounts/fanvue/oauth', { creatorId: 'nope' });
    expect(invalid.status).toBe(422);
  });

  it('answers 503 naming the variables to set when the Fanvue app is not configured', async () => {
    bare = await startTestHub();
    const client = new Client(bare.url);
    await client.login(ADMIN.email, ADMIN.password);
    const creator = (await client.post('/api/creators', creatorBody('Bare'))).body.id;
    const refused = await client.post('/api/accounts/fanvue/oauth', { creatorId: creator });
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('not_configured');
    expect(refused.body.error.message).toMatch(/FANVUE_CLIENT_ID and FANVUE_CLIENT_SECRET/);
  });
});
