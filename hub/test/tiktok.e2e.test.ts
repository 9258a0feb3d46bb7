import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTikTokStandin, type TikTokStandin } from '@velvet/platforms/testing/tiktok';
import { creatorBody, type Client } from './harness';
import { verticalVideo } from './publishing-fixtures';
import { Stack, until, type VelvetProcess } from './stack';

const CLIENT = { clientKey: 'velvete2etiktokkey', clientSecret: 'velvet-e2e-tiktok-secret-0001' };

/**
 * Publishing to TikTok through a real hub and workers process, against the TikTok stand-in:
 * the account connects by Login Kit from the panel's route, a scheduled reel is uploaded in
 * chunks and published once, its target shows the post's address, the unaudited app's
 * private posting is said plainly, and a worker SIGKILLed at every step of a publication
 * leaves exactly one post on TikTok.
 */
describe('TikTok publishing through hub and workers', () => {
  let tiktok: TikTokStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let accountId: string;
  let videoId: string;
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
          return target.state === 'published' || target.state === 'failed' ? target : undefined;
        },
        timeoutMs,
        `post ${postId} settled`,
      );
    } catch (error) {
      const calls = tiktok.calls.slice(-6).map((c) => `${c.method} ${c.route}`);
      throw new Error(`${(error as Error).message}: ${JSON.stringify(last)} after ${calls.join(', ')}`);
    }
  };
  const scheduleReel = async (text: string) => {
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'reel',
      text,
      mediaIds: [videoId],
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const scheduled = await admin.post(`/api/posts/${created.body.id}/schedule`, { at: inSeconds(1) });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    return created.body.id as string;
  };
  const live = (title: string) => tiktok.published().filter((p) => p.title === title);

  beforeAll(async () => {
    tiktok = await startTikTokStandin({ ...CLIENT, processingPolls: 1, initsPerMinute: 100 });
    stack = await Stack.create({
      env: {
        LOG_LEVEL: 'info',
        TIKTOK_API_ROOT: tiktok.apiRoot,
        TIKTOK_AUTH_ROOT: tiktok.authRoot,
        TIKTOK_CLIENT_KEY: CLIENT.clientKey,
        TIKTOK_CLIENT_SECRET: CLIENT.clientSecret,
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
    await tiktok?.close();
  });

  it('connects a TikTok account by Login Kit from the panel, and says its posts go out private', async () => {
    const platforms = await admin.get('/api/platforms');
    const described = platforms.body.platforms.find((p: { platform: string }) => p.platform === 'tiktok');
    expect(described).toMatchObject({ platform: 'tiktok', chat: false, publish: true, connect: 'oauth' });
    expect(described.notice.en).toMatch(/not audited this hub’s app yet: every post goes out private/);
    expect(described.notice.fr).toMatch(
      /pas encore audité l’app de ce hub : chaque publication part en privé/,
    );

    const started = await admin.get(`/api/creators/${creatorId}/accounts/oauth/tiktok`);
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    const consent = await fetch(started.body.authorizeUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    expect(callback.startsWith(`${hub.url}/api/oauth/tiktok/callback?`)).toBe(true);
    const back = await fetch(callback, { redirect: 'manual' });
    const landing = new URL(back.headers.get('location')!, hub.url);
    expect(landing.pathname).toBe('/accounts');
    accountId = landing.searchParams.get('connected')!;
    expect(accountId).toBeTruthy();
    const replay = await fetch(callback, { redirect: 'manual' });
    expect(replay.headers.get('location')).toBe('/accounts?error=invalid_state');

    const accounts = await admin.get(`/api/creators/${creatorId}/accounts`);
    const account = accounts.body.accounts.find((a: { id: string }) => a.id === accountId);
    expect(account).toMatchObject({ platform: 'tiktok', label: '@lina.tok', status: 'active' });
    // The privacy levels the creator's TikTok settings allow, read from TikTok's creator info.
    expect(account.settings.notice.en).toBe(
      'TikTok lets this account post to: everyone, friends, only the creator.',
    );
    for (const secret of [...tiktok.issued, CLIENT.clientSecret])
      expect(JSON.stringify(accounts.body)).not.toContain(secret);
    const check = await admin.post(`/api/accounts/${accountId}/check`, {});
    expect(check.body).toMatchObject({ ok: true });
  });

  it('publishes a scheduled reel once, uploaded to TikTok, and the target shows where it is', async () => {
    const video = verticalVideo(12);
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(video)]), 'reel.mp4');
    const uploaded = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    videoId = ((await uploaded.json()) as { id: string }).id;

    const postId = await scheduleReel('Coulisses du tournage #velvet');
    const target = await settled(postId, 45_000);
    const mine = live('Coulisses du tournage #velvet');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ kind: 'video', privacyLevel: 'SELF_ONLY', videoSize: video.length });
    expect(mine[0]!.bytes.equals(video)).toBe(true);
    expect(target).toMatchObject({
      state: 'published',
      remoteId: `publish:${mine[0]!.publishId}`,
      // Private: no public id; the creator finds it on their profile.
      remoteUrl: 'https://www.tiktok.com/@lina.tok',
    });
  }, 90_000);

  for (const point of [
    'publish:before-call',
    'tiktok:after-init',
    'tiktok:after-upload',
    'publish:after-call',
  ]) {
    it(`leaves exactly one TikTok post when the worker is SIGKILLed at ${point}`, async () => {
      const before = tiktok.published().length;
      await workers.stop();
      const doomed = await stack.start('workers', { VELVET_KILL_AT: point }, { startTimeoutMs: 90_000 });
      const title = `Survived a crash at ${point}`;
      const postId = await scheduleReel(title);
      await until(
        async () => doomed.child.exitCode !== null || doomed.child.signalCode !== null,
        20_000,
        'kill',
      );
      doomedOutput.push(doomed.output());
      expect(doomed.child.signalCode).toBe('SIGKILL');
      expect((await targetOf(postId)).state).toBe('publishing');

      workers = await stack.start('workers', {}, { startTimeoutMs: 90_000 });
      const target = await settled(postId, 90_000);
      expect(target.state, JSON.stringify(target)).toBe('published');
      expect(live(title)).toHaveLength(1);
      expect(tiktok.published().length).toBe(before + 1);
      // A cut upload stays on TikTok's side unfinished: it can never go live.
      if (point === 'tiktok:after-init')
        expect(
          tiktok.posts.filter((p) => p.title === title && p.status === 'PROCESSING_UPLOAD'),
        ).toHaveLength(1);
    }, 240_000);
  }

  it('a refresh token TikTok refuses fails the post with the reason, and the account needs attention', async () => {
    tiktok.revokeAll();
    const postId = await scheduleReel('Après la révocation');
    const target = await until(
      async () => {
        const t = await targetOf(postId);
        return t.state === 'failed' ? t : undefined;
      },
      90_000,
      'the target failed',
    );
    expect(target.error).toMatch(/refresh token|reconnect/i);
    const accounts = await admin.get(`/api/creators/${creatorId}/accounts`);
    const account = accounts.body.accounts.find((a: { id: string }) => a.id === accountId);
    expect(account.status).toBe('needs_attention');
    expect(live('Après la révocation')).toHaveLength(0);
    expect(tiktok.refreshes.at(-1)!.refused).toBe(true);
  }, 120_000);

  it('never writes TikTok tokens or the client secret in the logs', () => {
    const logs = hub.output() + workers.output() + doomedOutput.join('');
    for (const secret of [...tiktok.issued, CLIENT.clientSecret]) expect(logs).not.toContain(secret);
  });
});
