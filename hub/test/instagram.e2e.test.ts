import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveSecrets, signMediaUrl } from '@velvet/shared';
import { startInstagramStandin, type InstagramStandin } from '@velvet/platforms/testing';
import { creatorBody, type Client } from './harness';
import { verticalVideo } from './publishing-fixtures';
import { Stack, until, type VelvetProcess } from './stack';

const TOKEN = 'IGAAlinaLongLivedTokenForTheStandin0001';
const IG_USER = '17841400000000001';

/**
 * Publishing to Instagram through a real hub and workers process, against a local Graph API
 * that fetches every media address it is handed (as Meta does) and records what it publishes:
 * one post per target, or a duplicate would show.
 */
describe('Instagram publishing through the Graph API', () => {
  let ig: InstagramStandin;
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess;
  let admin: Client;
  let creatorId: string;
  let accountId: string;

  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const targetOf = async (postId: string) => (await admin.get(`/api/posts/${postId}`)).body.targets[0];
  const settled = (postId: string, timeoutMs: number) =>
    until(
      async () => {
        const target = await targetOf(postId);
        return target.state === 'published' || target.state === 'failed' ? target : undefined;
      },
      timeoutMs,
      `post ${postId} settled`,
    );
  const startWorkers = (env: Record<string, string> = {}) =>
    // Workers sign media addresses with PUBLIC_URL: the hub's address.
    stack.start('workers', { PUBLIC_URL: hub.url!, ...env });
  const upload = async (bytes: Buffer, name: string, alt?: string) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), name);
    if (alt) form.set('alt', alt);
    const response = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    expect(response.status, 'each file is new to the library').toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const jpeg = (background: string) =>
    sharp({ create: { width: 1080, height: 1350, channels: 3, background } })
      .jpeg()
      .toBuffer();
  const schedule = async (body: { kind: string; text: string; mediaIds: string[] }) => {
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      ...body,
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const scheduled = await admin.post(`/api/posts/${created.body.id}/schedule`, { at: inSeconds(1) });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    return created.body.id as string;
  };

  beforeAll(async () => {
    ig = await startInstagramStandin({
      accounts: { [TOKEN]: { igUserId: IG_USER, username: 'lina.ig' } },
      videoProcessingMs: 500,
    });
    stack = await Stack.create({
      env: { LOG_LEVEL: 'warn', INSTAGRAM_API_ROOT: ig.apiRoot },
      // A killed worker's job is taken over after 4 s instead of 30.
      config: (yaml) => yaml.replace(/lock_duration: 30s/, 'lock_duration: 4s'),
    });
    hub = await stack.start('hub');
    workers = await startWorkers();
    admin = await stack.admin(hub.url!);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
  }, 120_000);

  afterAll(async () => {
    await stack?.destroy();
    await ig?.close();
  });

  it('connects a professional account with its id and token, and says which field is wrong otherwise', async () => {
    const platforms = await admin.get('/api/platforms');
    expect(
      platforms.body.platforms.find((p: { platform: string }) => p.platform === 'instagram'),
    ).toMatchObject({
      platform: 'instagram',
      chat: false,
      publish: true,
      connect: 'credentials',
    });
    const wrong = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'instagram',
      credentials: { igUserId: IG_USER, igAccessToken: 'IGAAnotAtokenInstagramKnows000' },
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.fields[0].path).toBe('credentials.igAccessToken');
    const otherUser = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'instagram',
      credentials: { igUserId: '17841499999999999', igAccessToken: TOKEN },
    });
    expect(otherUser.status).toBe(422);
    expect(otherUser.body.error.details.fields[0].path).toBe('credentials.igUserId');

    const connected = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'instagram',
      credentials: { igUserId: IG_USER, igAccessToken: TOKEN },
    });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
    expect(connected.body).toMatchObject({ platform: 'instagram', label: '@lina.ig', status: 'active' });
    expect(JSON.stringify(connected.body)).not.toContain(TOKEN);
    accountId = connected.body.id;
  });

  it('publishes an image, a reel and a carousel once each, Meta fetching the signed addresses', async () => {
    const photo = await jpeg('#e17055');
    const video = verticalVideo();
    const [one, two] = [await jpeg('#0984e3'), await jpeg('#00b894')];
    const photoId = await upload(photo, 'photo.jpg', 'A red wall at dusk');
    const reelId = await upload(video, 'reel.mp4');
    const carousel = [await upload(one, 'one.jpg'), await upload(two, 'two.jpg')];

    const posts = {
      image: await schedule({ kind: 'text_photo', text: 'Golden hour #velvet', mediaIds: [photoId] }),
      reel: await schedule({ kind: 'reel', text: 'Behind the scenes', mediaIds: [reelId] }),
      carousel: await schedule({ kind: 'carousel', text: 'Two colours', mediaIds: carousel }),
    };
    const targets = {
      image: await settled(posts.image, 30_000),
      reel: await settled(posts.reel, 30_000),
      carousel: await settled(posts.carousel, 30_000),
    };
    expect(ig.posts).toHaveLength(3);
    const byCaption = (caption: string) => ig.posts.filter((p) => p.caption === caption);
    const [image] = byCaption('Golden hour #velvet');
    const [reel] = byCaption('Behind the scenes');
    const [album] = byCaption('Two colours');
    expect(image).toMatchObject({ mediaType: 'IMAGE' });
    expect(image!.items).toEqual([
      { kind: 'image', bytes: photo.length, contentType: 'image/jpeg', altText: 'A red wall at dusk' },
    ]);
    expect(reel).toMatchObject({ mediaType: 'VIDEO' });
    expect(reel!.items).toEqual([{ kind: 'video', bytes: video.length, contentType: 'video/mp4' }]);
    expect(album).toMatchObject({ mediaType: 'CAROUSEL_ALBUM' });
    expect(album!.items.map((i) => i.bytes)).toEqual([one.length, two.length]);
    for (const [which, post] of [
      ['image', image],
      ['reel', reel],
      ['carousel', album],
    ] as const) {
      expect(targets[which]).toMatchObject({
        state: 'published',
        remoteId: post!.id,
        remoteUrl: post!.permalink,
      });
    }
    // Every medium came from the hub's signed public address, and each fetch worked.
    expect(ig.fetches).toHaveLength(4);
    for (const fetched of ig.fetches) {
      expect(fetched.url.startsWith(`${hub.url}/public/media/`)).toBe(true);
      expect(fetched.status).toBe(200);
    }
  }, 90_000);

  it('serves a medium only at a genuine, unexpired signed address', async () => {
    const url = new URL(ig.fetches[0]!.url);
    expect((await fetch(url)).status).toBe(200);
    const forged = new URL(url);
    forged.searchParams.set('signature', 'A'.repeat(43));
    expect((await fetch(forged)).status).toBe(403);
    const otherMedia = new URL(ig.fetches[1]!.url);
    otherMedia.searchParams.set('signature', url.searchParams.get('signature')!);
    expect((await fetch(otherMedia)).status).toBe(403);
    const unsigned = `${hub.url}${url.pathname}`;
    expect((await fetch(unsigned)).status).toBe(403);
    const key = deriveSecrets(stack.env.VELVET_SECRET!).mediaUrlKey;
    const mediaId = url.pathname.split('/').pop()!;
    const expired = signMediaUrl(hub.url!, key, mediaId, new Date(Date.now() - 1000));
    const gone = await fetch(expired);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('expired');
  });

  const crashes = {
    'publish:before-call': '#6c5ce7',
    'publish:after-call': '#a29bfe',
    'instagram:after-media-publish': '#81ecec',
  };
  for (const [point, colour] of Object.entries(crashes)) {
    it(`publishes once when the worker is SIGKILLed at ${point}`, async () => {
      const before = ig.posts.length;
      await workers.stop();
      const doomed = await startWorkers({ VELVET_KILL_AT: point });
      const caption = `Survived a crash at ${point}`;
      const postId = await schedule({
        kind: 'text_photo',
        text: caption,
        mediaIds: [await upload(await jpeg(colour), `${point}.jpg`)],
      });
      await until(
        async () => doomed.child.exitCode !== null || doomed.child.signalCode !== null,
        20_000,
        'kill',
      );
      expect(doomed.child.signalCode).toBe('SIGKILL');
      expect((await targetOf(postId)).state).toBe('publishing');

      workers = await startWorkers();
      const target = await settled(postId, 45_000);
      const mine = ig.posts.filter((p) => p.caption === caption);
      expect(mine).toHaveLength(1);
      expect(target).toMatchObject({
        state: 'published',
        remoteId: mine[0]!.id,
        remoteUrl: mine[0]!.permalink,
      });
      expect(ig.posts.length).toBe(before + 1);
    }, 90_000);
  }

  it('refuses to publish past the daily quota, says why, and tries again later', async () => {
    ig.setQuota(IG_USER, 50, 50);
    const before = ig.posts.length;
    const postId = await schedule({
      kind: 'text_photo',
      text: 'Over the limit',
      mediaIds: [await upload(await jpeg('#fdcb6e'), 'quota.jpg')],
    });
    const target = await until(
      async () => {
        const t = await targetOf(postId);
        return t.state === 'scheduled' && t.error ? t : undefined;
      },
      20_000,
      'rescheduled over quota',
    );
    expect(target.error).toMatch(/publishing limit is reached \(50 of 50 posts in 24 h\)/);
    expect(new Date(target.scheduledAt).getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    expect(ig.posts.length).toBe(before);
    ig.setQuota(IG_USER, 0, 50);
  }, 40_000);

  it('puts the account in "needs attention" when Instagram refuses its token, and publishes nothing', async () => {
    ig.revoke(TOKEN);
    const before = ig.posts.length;
    const postId = await schedule({
      kind: 'text_photo',
      text: 'After the token died',
      mediaIds: [await upload(await jpeg('#d63031'), 'dead.jpg')],
    });
    const target = await until(
      async () => {
        const t = await targetOf(postId);
        return t.state === 'failed' ? t : undefined;
      },
      30_000,
      'failed on a dead token',
    );
    expect(target.error).toMatch(/refused the (access|refresh) token|reconnect/i);
    const accounts = await admin.get(`/api/creators/${creatorId}/accounts`);
    const account = (accounts.body.accounts ?? accounts.body).find((a: { id: string }) => a.id === accountId);
    expect(account.status).toBe('needs_attention');
    expect(ig.posts.length).toBe(before);
  }, 45_000);
});
