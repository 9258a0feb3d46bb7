import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalPds, type LocalPds } from '@velvet/platforms/testing/bluesky';
import { creatorBody, type Client } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

/**
 * Publishing to Bluesky against a real PDS (`@atproto/dev-env`: PLC + PDS on SQLite), with a
 * real hub and workers process. What the PDS holds afterwards is read back with
 * `com.atproto.repo.listRecords`: one record per post, or a duplicate would show.
 */
describe('Bluesky publishing on a real PDS', () => {
  let pds: LocalPds;
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let account: { did: string; handle: string; password: string; appPassword: string };
  let accountId: string;

  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const targetOf = async (postId: string) => (await admin.get(`/api/posts/${postId}`)).body.targets[0];
  const settled = (postId: string, timeoutMs: number) =>
    until(
      async () => {
        const target = await targetOf(postId);
        return target.state === 'published' ? target : undefined;
      },
      timeoutMs,
      `post ${postId} published`,
    );
  const textPost = async (text: string) => {
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text,
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; targets: { id: string }[] };
  };

  beforeAll(async () => {
    pds = await startLocalPds();
    account = await pds.createAccount('lina');
    stack = await Stack.create({
      env: { LOG_LEVEL: 'warn', BLUESKY_SERVICE: pds.url },
      // A killed worker's job is taken over after 4 s instead of 30.
      config: (yaml) => yaml.replace(/lock_duration: 30s/, 'lock_duration: 4s'),
    });
    hub = await stack.start('hub');
    workers = await stack.start('workers');
    admin = await stack.admin(hub.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    await pds?.close();
  });

  it('connects an account with an app password, and says which field is wrong otherwise', async () => {
    const platforms = await admin.get('/api/platforms');
    expect(
      platforms.body.platforms.find((p: { platform: string }) => p.platform === 'bluesky'),
    ).toMatchObject({
      platform: 'bluesky',
      chat: false,
      publish: true,
      connect: 'credentials',
    });

    const wrong = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'bluesky',
      credentials: { identifier: account.handle, password: 'aaaa-bbbb-cccc-dddd' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.fields).toEqual([
      { path: 'credentials.password', message: 'Bluesky refused this handle and app password' },
    ]);
    const main = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'bluesky',
      credentials: { identifier: account.handle, password: account.password },
    });
    expect(main.status).toBe(422);
    expect(main.body.error.details.fields[0].path).toBe('credentials.password');
    expect(main.body.error.details.fields[0].message).toMatch(/app password/);

    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'bluesky',
      credentials: { identifier: account.handle, password: account.appPassword },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    expect(connected.body).toMatchObject({ platform: 'bluesky', label: '@lina.test', status: 'active' });
    expect(JSON.stringify(connected.body)).not.toContain(account.appPassword);
    accountId = connected.body.id;
    // No chat path takes it for a chat account: its webhook address answers nothing.
    const hook = await fetch(`${hub.url}/webhooks/bluesky/${accountId}`, { method: 'POST', body: '{}' });
    expect(hook.status).toBe(404);
  });

  it('publishes text with hashtags, a link, a mention and an image with its alt text, once', async () => {
    const png = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#2e86de' } })
      .png()
      .toBuffer();
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(png)]), 'sea.png');
    form.set('alt', 'A blue sea at noon');
    const uploaded = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const media = (await uploaded.json()) as { id: string };

    const text = 'Nouvelle photo ☀️ avec @lina.test, à voir sur https://example.com/sea';
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text_photo',
      text,
      hashtags: ['velvet', 'mer'],
      mediaIds: [media.id],
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const scheduled = await admin.post(`/api/posts/${created.body.id}/schedule`, { at: inSeconds(2) });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);

    const target = await settled(created.body.id, 30_000);
    const posts = await pds.posts(account.did);
    expect(posts).toHaveLength(1);
    const [post] = posts;
    expect(target.remoteId).toBe(post!.uri);
    expect(target.remoteUrl).toBe(`https://bsky.app/profile/lina.test/post/${post!.rkey}`);
    expect(post!.text).toBe(`${text}\n\n#velvet #mer`);
    expect(post!.images).toEqual([{ alt: 'A blue sea at noon', mime: 'image/png', size: png.length }]);
    const facet = (type: string) => {
      const found = post!.facets.filter((f) => f.features[0]!.$type === type);
      return found.map((f) =>
        Buffer.from(post!.text, 'utf8').subarray(f.index.byteStart, f.index.byteEnd).toString('utf8'),
      );
    };
    expect(facet('app.bsky.richtext.facet#tag')).toEqual(['#velvet', '#mer']);
    expect(facet('app.bsky.richtext.facet#link')).toEqual(['https://example.com/sea']);
    expect(facet('app.bsky.richtext.facet#mention')).toEqual(['@lina.test']);
    const mention = post!.facets.find((f) => f.features[0]!.$type === 'app.bsky.richtext.facet#mention');
    expect(mention!.features[0]!.did).toBe(account.did);
  });

  for (const point of ['publish:before-call', 'publish:after-call']) {
    it(`publishes once when the worker is SIGKILLed at ${point}`, async () => {
      const before = (await pds.posts(account.did)).length;
      await workers.stop();
      const doomed = await stack.start('workers', { VELVET_KILL_AT: point });
      const post = await textPost(`Survived a crash at ${point}`);
      await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(1) });
      // The worker dies inside the publication, holding the target.
      await until(
        async () => doomed.child.exitCode !== null || doomed.child.signalCode !== null,
        20_000,
        'kill',
      );
      expect(doomed.child.signalCode).toBe('SIGKILL');
      expect((await targetOf(post.id)).state).toBe('publishing');

      workers = await stack.start('workers');
      const target = await settled(post.id, 45_000);
      const mine = (await pds.posts(account.did)).filter((p) => p.text === `Survived a crash at ${point}`);
      expect(mine).toHaveLength(1);
      expect(target.remoteUrl).toBe(`https://bsky.app/profile/lina.test/post/${mine[0]!.rkey}`);
      expect((await pds.posts(account.did)).length).toBe(before + 1);
    }, 90_000);
  }
});
