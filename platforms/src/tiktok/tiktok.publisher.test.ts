import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError, type PostContent } from '@velvet/shared';
import type { PublishRequest } from '../publisher';
import { describePublisher } from '../publisher-conformance';
import { closeServer } from '../standin-kit';
import { reel, startTikTokPublisherFixture, tiktokPublisherKit } from './tiktok.conformance';
import { chunkPlan, MB } from './tiktok.publisher';
import type { TikTokStandinOptions } from './tiktok.standin';
import type { TikTokPublisherOptions } from './tiktok.publisher';

describePublisher(tiktokPublisherKit);

describe('TikTok chunking', () => {
  it('follows TikTok’s chunk rules: whole under 5 MB, 5–64 MB chunks, the last takes the rest', () => {
    expect(chunkPlan(3 * MB)).toEqual({ chunkSize: 3 * MB, count: 1 });
    expect(chunkPlan(8 * MB)).toEqual({ chunkSize: 8 * MB, count: 1 });
    expect(chunkPlan(50_000_123, 10_000_000)).toEqual({ chunkSize: 10_000_000, count: 5 });
    const big = 4_000_000_000;
    const plan = chunkPlan(big);
    expect(plan.count).toBeLessThanOrEqual(1000);
    expect(plan.chunkSize).toBeGreaterThanOrEqual(5 * MB);
    expect(plan.chunkSize).toBeLessThanOrEqual(64 * MB);
    expect(big - (plan.count - 1) * plan.chunkSize).toBeLessThanOrEqual(128 * MB);
  });
});

describe('TikTok publisher against the TikTok stand-in', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
  const start = async (
    standin: Partial<TikTokStandinOptions> = {},
    publisher: Partial<TikTokPublisherOptions> = {},
  ) => {
    const fixture = await startTikTokPublisherFixture({ initsPerMinute: 100, ...standin }, publisher);
    servers.push(fixture.tiktok);
    return fixture;
  };
  const request = (
    credentials: Record<string, unknown>,
    post: PostContent,
    files: Buffer[] = [],
    mediaUrls: string[] = [],
  ): PublishRequest => ({
    accountId: 'a',
    credentials,
    targetId: randomUUID(),
    post,
    mediaUrls,
    readMedia: async (i) => files[i]!,
  });

  it('connects by Login Kit (client_key, scopes, state) and names the account by its TikTok username', async () => {
    const { connected, tiktok } = await start();
    expect(connected.label).toBe('@lina.tok');
    expect(connected.identity).toBe(tiktok.creator.openId);
    expect(connected.settings).toMatchObject({
      privacyLevelOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
      postsGoOut: expect.stringMatching(/private \(SELF_ONLY/),
    });
    const consent = tiktok.calls.find((c) => c.route === '/v2/auth/authorize/')!;
    const query = new URL(consent.path, 'http://x').searchParams;
    expect(query.get('client_key')).toBe('velvettiktoktestkey');
    expect(query.get('scope')!.split(',')).toEqual(
      expect.arrayContaining(['video.publish', 'user.info.basic']),
    );
    const token = tiktok.calls.find((c) => c.route === '/v2/oauth/token/')!;
    expect(new URLSearchParams(token.body).get('grant_type')).toBe('authorization_code');
  });

  it('uploads a 23 MB reel in TikTok’s chunks, privately while the app is unaudited, and polls until live', async () => {
    const { tiktok, publisher, credentials } = await start({ processingPolls: 2 }, { chunkBytes: 10 * MB });
    const video = Buffer.alloc(23 * MB + 5, 9);
    const outcome = await publisher.publish(request(credentials, reel('Coulisses du tournage'), [video]));
    const [post] = tiktok.posts;
    expect(post).toMatchObject({
      kind: 'video',
      title: 'Coulisses du tournage',
      privacyLevel: 'SELF_ONLY',
      chunkSize: 10 * MB,
      totalChunks: 2,
      status: 'PUBLISH_COMPLETE',
      disableStitch: true,
    });
    // Two chunks: 10 MB, then the 13 MB rest, each with its Content-Range, reassembled byte for byte.
    expect(post!.chunks.map((c) => [c.first, c.last, c.total, c.contentType])).toEqual([
      [0, 10 * MB - 1, video.length, 'video/mp4'],
      [10 * MB, video.length - 1, video.length, 'video/mp4'],
    ]);
    expect(post!.bytes.equals(video)).toBe(true);
    expect(tiktok.calls.filter((c) => c.route === '/v2/post/publish/status/fetch/').length).toBe(3);
    // A private post has no public id: its address is the creator's profile, where they see it.
    expect(outcome).toEqual({
      state: 'published',
      remoteId: `publish:${post!.publishId}`,
      url: 'https://www.tiktok.com/@lina.tok',
    });
    // Creator info was asked first, every time.
    expect(tiktok.calls.map((c) => c.route).indexOf('/v2/post/publish/creator_info/query/')).toBeLessThan(
      tiktok.calls.map((c) => c.route).indexOf('/v2/post/publish/video/init/'),
    );
  });

  it('once audited, posts with the most public level the creator allows, links the video and reads its counts', async () => {
    const { tiktok, publisher, credentials } = await start(
      { audited: true, processingPolls: 0 },
      { audited: true },
    );
    const outcome = await publisher.publish(request(credentials, reel('Public'), [Buffer.alloc(2048, 1)]));
    const [post] = tiktok.posts;
    expect(post!.privacyLevel).toBe('PUBLIC_TO_EVERYONE');
    expect(post!.postId).toMatch(/^\d{19}$/);
    // The int64 id is kept digit for digit (a double would round it).
    expect(outcome).toEqual({
      state: 'published',
      remoteId: post!.postId,
      url: `https://www.tiktok.com/@lina.tok/video/${post!.postId}`,
    });
    expect(await publisher.status(credentials, post!.postId!)).toMatchObject({ state: 'published' });
    expect(await publisher.metrics!(credentials, post!.postId!)).toEqual({
      likes: 41,
      comments: 7,
      shares: 3,
      views: 1200,
    });
  });

  it('says plainly when TikTok refuses a public post from an unaudited app, and posts nothing', async () => {
    // The operator claimed an audit TikTok has not given.
    const { tiktok, publisher, credentials } = await start({ audited: false }, { audited: true });
    const outcome = await publisher.publish(request(credentials, reel('Trop tôt'), [Buffer.alloc(10)]));
    expect(outcome).toMatchObject({ state: 'failed', retry: false, kind: 'bad_body' });
    expect((outcome as { reason: string }).reason).toMatch(
      /not audited this app: it may only post privately \(SELF_ONLY\)/,
    );
    expect(tiktok.posts).toHaveLength(0);
  });

  it('refuses a video longer than the creator may post, from the creator info', async () => {
    const { tiktok, publisher, credentials } = await start({
      creator: { openId: 'o-1', username: 'short.tok', nickname: 'S', maxVideoSeconds: 60 },
    });
    const outcome = await publisher.publish(request(credentials, reel('Long', 90), [Buffer.alloc(10)]));
    expect(outcome).toMatchObject({
      state: 'failed',
      retry: false,
      kind: 'bad_body',
      reason: 'TikTok: this account may post videos up to 60 s; the video lasts 90 s',
    });
    expect(tiktok.posts).toHaveLength(0);
  });

  it('publishes photos TikTok pulls from the hub’s addresses (PULL_FROM_URL)', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const hub: Server = createServer((req, res) => {
      res.writeHead(req.url?.includes('signature=ok') ? 200 : 403, { 'content-type': 'image/jpeg' });
      res.end(jpeg);
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => closeServer(hub) });
    const base = `http://127.0.0.1:${(hub.address() as AddressInfo).port}/public/media`;
    const { tiktok, publisher, credentials } = await start({ processingPolls: 1 });
    const photos: PostContent = {
      kind: 'carousel',
      text: 'Deux couleurs\nLe reste de la description',
      hashtags: ['velvet'],
      media: [
        { kind: 'image', mime: 'image/jpeg', bytes: 7 },
        { kind: 'image', mime: 'image/jpeg', bytes: 7 },
      ],
    };
    const urls = [`${base}/a?signature=ok`, `${base}/b?signature=ok`];
    const outcome = await publisher.publish(request(credentials, photos, [], urls));
    const [post] = tiktok.posts;
    expect(post).toMatchObject({
      kind: 'photo',
      title: 'Deux couleurs',
      description: 'Deux couleurs\nLe reste de la description\n\n#velvet',
      privacyLevel: 'SELF_ONLY',
      status: 'PUBLISH_COMPLETE',
    });
    expect(post!.photos.map((p) => [p.url, p.status, p.bytes])).toEqual(
      urls.map((u) => [u, 200, jpeg.length]),
    );
    expect(outcome).toMatchObject({ state: 'published', url: 'https://www.tiktok.com/@lina.tok' });

    // A photo TikTok cannot fetch fails the post with TikTok's reason; FAILED was never live.
    const bad = await publisher.publish(
      request(credentials, photos, [], [`${base}/a?signature=no`, urls[1]!]),
    );
    expect(bad).toMatchObject({
      state: 'failed',
      reason: 'TikTok could not publish the post (photo_pull_failed)',
      retry: false,
    });
  });

  it('sorts TikTok’s answers: token refused, rate limit, daily cap, scope, server error, unreachable', async () => {
    const { tiktok, publisher, credentials } = await start();
    const post = () => request(credentials, reel(`x ${randomUUID()}`), [Buffer.alloc(10)]);
    tiktok.failNext('video_init', { status: 429, code: 'rate_limit_exceeded' });
    expect(await publisher.publish(post())).toMatchObject({
      state: 'failed',
      retry: true,
      kind: 'retry',
      retryAfterMs: 60_000,
    });
    tiktok.failNext('video_init', { status: 403, code: 'spam_risk_too_many_posts' });
    expect(await publisher.publish(post())).toMatchObject({
      state: 'failed',
      retry: true,
      retryAfterMs: 3_600_000,
    });
    tiktok.failNext('creator_info', { status: 401, code: 'scope_not_authorized' });
    expect(await publisher.publish(post())).toMatchObject({
      state: 'failed',
      retry: false,
      kind: 'disconnect',
    });
    tiktok.failNext('video_init', { status: 500, code: 'internal_error' });
    expect(await publisher.publish(post())).toMatchObject({ state: 'failed', retry: true, kind: 'retry' });
    tiktok.failNext('video_init', { status: 400, code: 'invalid_params', message: 'bad title' });
    expect(await publisher.publish(post())).toMatchObject({
      state: 'failed',
      retry: false,
      kind: 'bad_body',
      reason: 'TikTok refused the post (video init): invalid_params: bad title',
    });
    tiktok.expireAccess();
    expect(await publisher.publish(post())).toMatchObject({
      state: 'failed',
      retry: true,
      kind: 'refresh_token',
    });
    expect(tiktok.published()).toHaveLength(0);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = (await import('./tiktok.publisher')).createTikTokPublisher({
      apiRoot: root,
      authRoot: root,
      audited: false,
      publicUrl: 'https://velvet.example',
      store: { get: async () => null, set: async () => 'OK' },
      prefix: 't',
    });
    expect(await nowhere.publish(post())).toMatchObject({ state: 'failed', retry: true });
  });

  it('a cut upload is proven never published, so it is sent again, once', async () => {
    const { tiktok, publisher, credentials } = await start(
      { processingPolls: 0 },
      { chunkBytes: 5 * MB, timeoutMs: 1_000 },
    );
    const video = Buffer.alloc(11 * MB, 4);
    const req = request(credentials, reel('Coupé au milieu'), [video]);
    // TikTok takes the first chunk too slowly: the call times out, the outcome is unknown.
    tiktok.failNext('upload', { delayMs: 2_500 });
    const first = await publisher.publish(req);
    expect(first).toMatchObject({ state: 'unconfirmed' });
    await new Promise((r) => setTimeout(r, 2_000));
    // TikTok holds 5 MB of 11: that upload can never publish.
    expect(await publisher.locate!(credentials, req.targetId)).toEqual({ state: 'absent' });
    expect((await publisher.publish(req)).state).toBe('published');
    expect(tiktok.published().filter((p) => p.title === 'Coupé au milieu')).toHaveLength(1);
    // Asked again, the target's noted publish_id is the live post.
    expect(await publisher.locate!(credentials, req.targetId)).toMatchObject({ state: 'published' });
  });

  it('rotates refresh tokens, keeps the newest, and reports a refused one for reconnection', async () => {
    const { tiktok, publisher, credentials } = await start({ accessTtlS: 60 });
    const tokens = publisher.account!.tokens!;
    expect(tokens.expiresSoon(credentials, new Date())).toBe(true);
    const next = await tokens.refresh(credentials);
    expect(next.refreshToken).not.toBe(credentials.refreshToken);
    expect(next.refreshToken).toMatch(/^rft\./);
    expect(next).toMatchObject({ openId: tiktok.creator.openId, username: 'lina.tok' });
    const reused = await tokens.refresh(credentials).catch((e: unknown) => e);
    expect((reused as PlatformError).code).toBe('refresh_refused');
    // A blip is not a refusal: the account stays connected and it is tried again.
    tiktok.failNext('token', { status: 503, code: 'server_error' });
    const blip = await tokens.refresh(next).catch((e: unknown) => e);
    expect(blip).toBeInstanceOf(PlatformError);
    expect((blip as PlatformError).code).not.toBe('refresh_refused');
    const after = await tokens.refresh(next);
    expect((await publisher.publish(request(after, reel('après'), [Buffer.alloc(8)]))).state).toBe(
      'published',
    );
    // The app's access removed on TikTok: the connection test says to reconnect.
    tiktok.revokeAll();
    expect(await publisher.account!.check!(after)).toMatchObject({ ok: false, reconnect: true });
  });
});
