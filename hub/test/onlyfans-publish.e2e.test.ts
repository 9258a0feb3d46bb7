import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnlyFansStandin, type OnlyFansStandin } from '@velvet/platforms/testing';
import { creatorBody, type Client } from './harness';
import { png } from './publishing-fixtures';
import { Stack, until, type VelvetProcess } from './stack';

const API_KEY = 'ofapi_publish_e2e_key_0123456789abcdef';
const ACCOUNT = 'acct_publish_e2e01';
const SECRET = 'publish-e2e-webhook-signing-secret-01';

/**
 * Publishing to OnlyFans through a real hub and workers process, against the provider
 * stand-in: the account connected for chats (provider key) publishes too, a scheduled post with
 * a photo goes out once with the photo's bytes uploaded first, its target shows the post's id
 * and address, and a worker SIGKILLed at each step of a publication leaves exactly one post.
 */
describe('OnlyFans publishing through the provider', () => {
  let of: OnlyFansStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let accountId: string;
  const output: string[] = [];

  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const targetOf = async (postId: string) => (await admin.get(`/api/posts/${postId}`)).body.targets[0];
  type Target = { state: string; remoteId?: string; remoteUrl?: string; error?: string };
  const settled = async (postId: string, timeoutMs: number): Promise<Target> => {
    let last: Target | undefined;
    try {
      return await until(
        async () => {
          last = (await targetOf(postId)) as Target;
          return last.state === 'published' || last.state === 'failed' ? last : undefined;
        },
        timeoutMs,
        `post ${postId} settled`,
      );
    } catch (error) {
      const calls = of.calls.slice(-6).map((c) => c.route);
      throw new Error(`${(error as Error).message}: ${JSON.stringify(last)} after ${calls.join(', ')}`);
    }
  };
  const upload = async (bytes: Buffer, name: string) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)], { type: 'image/png' }), name);
    const response = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(response.status, 'each file is new to the library').toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const photoPost = async (text: string, bytes: Buffer, name: string) => {
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text_photo',
      text,
      mediaIds: [await upload(bytes, name)],
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const scheduled = await admin.post(`/api/posts/${created.body.id}/schedule`, { at: inSeconds(2) });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    return created.body.id as string;
  };

  const keys: Record<string, string[]> = { [API_KEY]: [ACCOUNT] };

  beforeAll(async () => {
    of = await startOnlyFansStandin({ keys, usernames: { [ACCOUNT]: 'lina_of' } });
    stack = await Stack.create({
      env: { LOG_LEVEL: 'info', ONLYFANS_API_ROOT: of.apiRoot },
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
    await of?.close();
  });

  it('lists OnlyFans as a platform that chats and publishes, and connects it once for both', async () => {
    const platforms = await admin.get('/api/platforms');
    expect(
      platforms.body.platforms.find((p: { platform: string }) => p.platform === 'onlyfans'),
    ).toMatchObject({ platform: 'onlyfans', chat: true, publish: true, connect: 'credentials' });
    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'onlyfans',
      credentials: { apiKey: API_KEY, accountId: ACCOUNT, webhookSecret: SECRET },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    accountId = connected.body.id;
  });

  it('publishes a scheduled photo post once; its target and the calendar show it published, with its link', async () => {
    const image = png(64, [225, 112, 85]);
    const postId = await photoPost('Golden hour ✨', image, 'golden.png');
    const target = await settled(postId, 30_000);
    const mine = of.posts.filter((p) => p.text === 'Golden hour ✨');
    expect(mine).toHaveLength(1);
    expect(target).toMatchObject({
      state: 'published',
      remoteId: String(mine[0]!.id),
      remoteUrl: `https://onlyfans.com/${mine[0]!.id}/lina_of`,
    });
    // The photo's bytes went to the provider first, and the post carries that upload.
    const uploaded = of.uploads.find((u) => u.id === mine[0]!.mediaFiles[0]);
    expect(uploaded).toMatchObject({ size: image.length, contentType: 'image/png', used: true });

    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();
    const calendar = await admin.get(
      `/api/calendar?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&creatorId=${creatorId}`,
    );
    expect(calendar.status).toBe(200);
    const onCalendar = calendar.body.posts.find((p: { id: string }) => p.id === postId);
    expect(onCalendar.targets).toEqual([
      expect.objectContaining({ platform: 'onlyfans', state: 'published' }),
    ]);
  }, 60_000);

  const crashes: Record<string, [number, number, number]> = {
    'publish:before-call': [108, 92, 231],
    'onlyfans:after-upload': [9, 132, 227],
    'publish:after-call': [0, 184, 148],
  };
  for (const [point, colour] of Object.entries(crashes)) {
    it(`leaves exactly one post when the worker is SIGKILLed at ${point}`, async () => {
      const before = of.posts.length;
      await workers.stop();
      const doomed = await stack.start('workers', { VELVET_KILL_AT: point }, { startTimeoutMs: 90_000 });
      const text = `Survived a crash at ${point}`;
      const postId = await photoPost(text, png(64, colour), `${point}.png`);
      await until(
        async () => doomed.child.exitCode !== null || doomed.child.signalCode !== null,
        20_000,
        'kill',
      );
      output.push(doomed.output());
      expect(doomed.child.signalCode).toBe('SIGKILL');
      expect((await targetOf(postId)).state).toBe('publishing');

      workers = await stack.start('workers', {}, { startTimeoutMs: 90_000 });
      const target = await settled(postId, 90_000);
      const mine = of.posts.filter((p) => p.text === text);
      expect(mine).toHaveLength(1);
      expect(target).toMatchObject({
        state: 'published',
        remoteId: String(mine[0]!.id),
        remoteUrl: `https://onlyfans.com/${mine[0]!.id}/lina_of`,
      });
      expect(of.posts.length).toBe(before + 1);
      // After a kill past the post call, the post was found among the account's posts, not sent again.
      if (point === 'publish:after-call') expect(of.calls.some((c) => c.route === 'posts')).toBe(true);
    }, 240_000);
  }

  it('a refused post fails with the provider’s reason and is not retried', async () => {
    of.failNext('post', { status: 422, error: 'The text contains a banned word.' });
    const postId = await photoPost('Refusé', png(64, [253, 203, 110]), 'refused.png');
    const target = await settled(postId, 30_000);
    expect(target.state).toBe('failed');
    expect(target.error).toContain('The text contains a banned word.');
    expect(of.posts.filter((p) => p.text === 'Refusé')).toHaveLength(0);
    expect(
      of.calls.filter((c) => c.route === 'post' && (c.body as { text?: string }).text === 'Refusé'),
    ).toHaveLength(1);
  }, 60_000);

  it('a key the provider refuses fails the post with "reconnect", and the account needs attention', async () => {
    // The creator deleted the API key in the provider's console.
    delete keys[API_KEY];
    const postId = await photoPost('Après la révocation', png(64, [214, 48, 49]), 'revoked.png');
    const target = await settled(postId, 30_000);
    expect(target.state).toBe('failed');
    expect(target.error).toMatch(/refused the API key: reconnect the account/);
    const accounts = await admin.get(`/api/creators/${creatorId}/accounts`);
    const account = accounts.body.accounts.find((a: { id: string }) => a.id === accountId);
    expect(account.status).toBe('needs_attention');
    expect(of.posts.filter((p) => p.text === 'Après la révocation')).toHaveLength(0);
  }, 60_000);

  it('never writes the provider key or the webhook secret in the logs', () => {
    const logs = hub.output() + workers.output() + output.join('');
    expect(logs).not.toContain(API_KEY);
    expect(logs).not.toContain(SECRET);
  });
});
