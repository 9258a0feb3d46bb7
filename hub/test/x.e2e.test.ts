import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXStandin, type XStandin } from '@velvet/platforms/testing/x';
import { creatorBody, type Client } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

const CLIENT = { clientId: 'velvet-e2e-x-client', clientSecret: 'velvet-e2e-x-secret-0001' };

/**
 * Publishing to X through a real hub and workers process, against the X stand-in: the account
 * connects by OAuth 2.0 + PKCE from the panel's route, a scheduled post is published once and
 * its target shows the tweet's address, and a worker SIGKILLed in the middle of a publication
 * leaves exactly one tweet (the restarted worker asks X before anything else).
 */
describe('X publishing through hub and workers', () => {
  let x: XStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let accountId: string;
  const doomedOutput: string[] = [];

  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const targetOf = async (postId: string) => (await admin.get(`/api/posts/${postId}`)).body.targets[0];
  const settled = async (postId: string, timeoutMs: number) => {
    let last: unknown;
    try {
      return await until(
        async () => {
          const target = await targetOf(postId);
          last = target;
          return target.state === 'published' ? target : undefined;
        },
        timeoutMs,
        `post ${postId} published`,
      );
    } catch (error) {
      const calls = x.calls.slice(-6).map((c) => `${c.method} ${c.route}`);
      throw new Error(`${(error as Error).message}: ${JSON.stringify(last)} after ${calls.join(', ')}`);
    }
  };
  const textPost = async (text: string) => {
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text,
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string };
  };

  beforeAll(async () => {
    x = await startXStandin(CLIENT);
    stack = await Stack.create({
      env: {
        LOG_LEVEL: 'info',
        X_API_ROOT: x.apiRoot,
        X_AUTH_ROOT: x.authRoot,
        X_CLIENT_ID: CLIENT.clientId,
        X_CLIENT_SECRET: CLIENT.clientSecret,
      },
      // A killed worker's job is taken over after 4 s instead of 30.
      config: (yaml) => yaml.replace(/lock_duration: 30s/, 'lock_duration: 4s'),
    });
    hub = await stack.start('hub', {}, { startTimeoutMs: 90_000 });
    workers = await stack.start('workers', {}, { startTimeoutMs: 90_000 });
    admin = await stack.admin(hub.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
  }, 240_000);

  afterAll(async () => {
    await stack?.destroy();
    await x?.close();
  });

  it('connects an X account by OAuth from the panel, and keeps its tokens out of every answer', async () => {
    const platforms = await admin.get('/api/platforms');
    expect(platforms.body.platforms.find((p: { platform: string }) => p.platform === 'x')).toMatchObject({
      platform: 'x',
      chat: false,
      publish: true,
      connect: 'oauth',
    });
    const form = await admin.post(`/api/creators/${creatorId}/accounts`, { platform: 'x', credentials: {} });
    expect(form.status).toBe(422);

    const started = await admin.get(`/api/creators/${creatorId}/accounts/oauth/x`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    expect(callback.startsWith(`${hub.url}/api/oauth/x/callback?`)).toBe(true);
    const back = await fetch(callback, { redirect: 'manual' });
    const landing = new URL(back.headers.get('location')!, hub.url);
    expect(landing.pathname).toBe('/accounts');
    accountId = landing.searchParams.get('connected')!;
    expect(accountId).toBeTruthy();
    // The state is single use: the same callback again is refused.
    const replay = await fetch(callback, { redirect: 'manual' });
    expect(replay.headers.get('location')).toBe('/accounts?error=invalid_state');

    const accounts = await admin.get(`/api/creators/${creatorId}/accounts`);
    const account =
      accounts.body.accounts?.find?.((a: { id: string }) => a.id === accountId) ?? accounts.body;
    expect(JSON.stringify(account)).toContain('@lina_x');
    for (const secret of [...x.issued, CLIENT.clientSecret])
      expect(JSON.stringify(accounts.body)).not.toContain(secret);
  });

  it('publishes a scheduled post once, and the target shows the tweet’s address', async () => {
    const text = 'Ce soir en direct 🌙 https://example.com/live?x=1&y=2';
    const post = await textPost(text);
    const scheduled = await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(2) });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    const target = await settled(post.id, 30_000);
    const mine = x.posts.filter((p) => p.text === text);
    expect(mine).toHaveLength(1);
    expect(target.remoteId).toBe(mine[0]!.id);
    expect(target.remoteUrl).toBe(`https://x.com/lina_x/status/${mine[0]!.id}`);
  });

  for (const point of ['publish:before-call', 'publish:after-call']) {
    it(`leaves exactly one tweet when the worker is SIGKILLed at ${point}`, async () => {
      const before = x.posts.length;
      await workers.stop();
      const doomed = await stack.start('workers', { VELVET_KILL_AT: point }, { startTimeoutMs: 90_000 });
      const text = `Survived a crash at ${point}`;
      const post = await textPost(text);
      await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(1) });
      await until(
        async () => doomed.child.exitCode !== null || doomed.child.signalCode !== null,
        20_000,
        'kill',
      );
      doomedOutput.push(doomed.output());
      expect(doomed.child.signalCode).toBe('SIGKILL');
      expect((await targetOf(post.id)).state).toBe('publishing');

      workers = await stack.start('workers', {}, { startTimeoutMs: 90_000 });
      const target = await settled(post.id, 90_000);
      const mine = x.posts.filter((p) => p.text === text);
      expect(mine).toHaveLength(1);
      expect(target.remoteUrl).toBe(`https://x.com/lina_x/status/${mine[0]!.id}`);
      expect(x.posts.length).toBe(before + 1);
      // After a kill past the call, the tweet was found on X's timeline, not sent again.
      if (point === 'publish:after-call')
        expect(x.calls.filter((c) => c.route === `/2/users/${x.user.id}/tweets`).length).toBeGreaterThan(0);
    }, 240_000);
  }

  it('a refresh token X refuses fails the post with the reason, and the account needs attention', async () => {
    // The creator revoked the app on X: the access token is refused, then the refresh token.
    x.revokeAll();
    const post = await textPost('Après la révocation');
    await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(1) });
    const target = await until(
      async () => {
        const t = await targetOf(post.id);
        return t.state === 'failed' ? t : undefined;
      },
      90_000,
      'the target failed',
    );
    expect(target.error).toMatch(/refused the refresh token: reconnect the account/);
    const accounts = await admin.get(`/api/creators/${creatorId}/accounts`);
    const account = accounts.body.accounts.find((a: { id: string }) => a.id === accountId);
    expect(account.status).toBe('needs_attention');
    expect(x.posts.filter((p) => p.text.startsWith('Après'))).toHaveLength(0);
    expect(x.refreshes.at(-1)!.refused).toBe(true);
  }, 120_000);

  it('never writes X tokens or the client secret in the logs', () => {
    const logs = hub.output() + workers.output() + doomedOutput.join('');
    for (const secret of [...x.issued, CLIENT.clientSecret]) expect(logs).not.toContain(secret);
  });
});
