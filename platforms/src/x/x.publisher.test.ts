import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError, type PostContent } from '@velvet/shared';
import type { PublishRequest } from '../publisher';
import { describePublisher } from '../publisher-conformance';
import { startXPublisherFixture, xPublisherKit } from './x.conformance';
import { createXPublisher } from './x.publisher';
import type { XStandinOptions } from './x.standin';

describePublisher(xPublisherKit);

describe('X publisher against the X stand-in', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
  const start = async (options: Partial<XStandinOptions> = {}) => {
    const fixture = await startXPublisherFixture(options);
    close = () => fixture.x.close();
    return fixture;
  };
  const request = (
    credentials: Record<string, unknown>,
    post: PostContent,
    files: Buffer[] = [],
  ): PublishRequest => ({
    accountId: 'a',
    credentials,
    targetId: randomUUID(),
    post,
    mediaUrls: [],
    readMedia: async (i) => files[i]!,
  });
  const text = (value: string): PostContent => ({
    kind: 'text',
    text: value,
    hashtags: ['velvet'],
    media: [],
  });

  it('connects by OAuth 2.0 + PKCE and names the account by its X username', async () => {
    const { connected, x } = await start();
    expect(connected.label).toBe('@lina_x');
    expect(connected.identity).toBe(x.user.id);
    expect(connected.credentials).toMatchObject({ userId: x.user.id, username: 'lina_x' });
    const consent = x.calls.find((c) => c.route === '/i/oauth2/authorize')!;
    const query = new URL(consent.path, 'http://x').searchParams;
    expect(query.get('code_challenge_method')).toBe('S256');
    expect(query.get('scope')!.split(' ')).toEqual(
      expect.arrayContaining(['tweet.write', 'media.write', 'offline.access']),
    );
  });

  it('posts text with its hashtags once, and its address shows the tweet', async () => {
    const { x, publisher, credentials } = await start();
    const outcome = await publisher.publish(request(credentials, text('Bonsoir 🌙')));
    expect(x.posts.map((p) => p.text)).toEqual(['Bonsoir 🌙\n\n#velvet']);
    expect(outcome).toEqual({
      state: 'published',
      remoteId: x.posts[0]!.id,
      url: `https://x.com/lina_x/status/${x.posts[0]!.id}`,
    });
    expect(await publisher.status(credentials, x.posts[0]!.id)).toMatchObject({ state: 'published' });
    // Read from the post's public_metrics: like, reply, retweet + quote, impression, bookmark.
    const first = await publisher.metrics!(credentials, x.posts[0]!.id);
    expect(first).toEqual({
      likes: expect.closeTo(12, 0),
      comments: 3,
      shares: 3,
      views: expect.closeTo(340, -1),
      saves: 4,
    });
    // A day later the counters have grown, as a real post's do.
    x.posts[0]!.createdAt = new Date(Date.now() - 24 * 3600_000).toISOString();
    const later = await publisher.metrics!(credentials, x.posts[0]!.id);
    expect(later.views).toBeGreaterThan(first.views * 5);
    expect(later.likes).toBeGreaterThan(first.likes);
    expect(await publisher.accountMetrics!(credentials)).toEqual({ followers: 1207 });
  });

  it('uploads images with alt text and a video through media upload v2, then attaches them', async () => {
    const { x, publisher, credentials } = await start();
    const png = Buffer.alloc(9 * 1024 * 1024 + 17, 7);
    const photo = await publisher.publish(
      request(
        credentials,
        {
          kind: 'text_photo',
          text: 'Deux photos',
          hashtags: [],
          media: [
            { kind: 'image', mime: 'image/png', bytes: 1000, alt: 'La mer' },
            { kind: 'image', mime: 'image/jpeg', bytes: 3 },
          ],
        },
        [png, Buffer.from('jpg')],
      ),
    );
    expect(photo.state).toBe('published');
    expect(x.media.map((m) => [m.category, m.bytes.length, m.alt])).toEqual([
      ['tweet_image', png.length, 'La mer'],
      ['tweet_image', 3, undefined],
    ]);
    // Sent in segments (9 MiB in three), reassembled byte for byte.
    expect(x.media[0]!.bytes.equals(png)).toBe(true);
    expect(x.calls.filter((c) => c.route.endsWith('/append')).length).toBe(4);
    expect(x.posts[0]!.mediaIds).toEqual(x.media.map((m) => m.id));

    const video = await publisher.publish(
      request(
        credentials,
        {
          kind: 'reel',
          text: 'Une vidéo',
          hashtags: [],
          media: [{ kind: 'video', mime: 'video/mp4', bytes: 5, durationSeconds: 10 }],
        },
        [Buffer.from('video')],
      ),
    );
    expect(video.state).toBe('published');
    expect(x.media[2]).toMatchObject({ category: 'tweet_video', state: 'succeeded' });
    // The post waited for X's processing (STATUS polled until "succeeded").
    expect(x.calls.filter((c) => c.path.includes('command=STATUS')).length).toBe(2);
  });

  it('takes X’s 403 "duplicate content" as final, says so, and never sends it again', async () => {
    const { x, publisher, credentials } = await start();
    await publisher.publish(request(credentials, text('Même texte')));
    const again = await publisher.publish(request(credentials, text('Même texte')));
    expect(again).toEqual({
      state: 'failed',
      reason: 'X refuses to post the same text twice (duplicate content): change the text',
      retry: false,
      kind: 'bad_body',
    });
    expect(x.posts).toHaveLength(1);
    expect(x.calls.filter((c) => c.route === '/2/tweets')).toHaveLength(2);
  });

  it('waits for the x-rate-limit-reset X gave before posting again', async () => {
    const { x, publisher, credentials } = await start({ postsPerWindow: 1 });
    expect((await publisher.publish(request(credentials, text('un')))).state).toBe('published');
    const limited = await publisher.publish(request(credentials, text('deux')));
    expect(limited).toMatchObject({ state: 'failed', retry: true, kind: 'retry' });
    const retryAt = (limited as { retryAt: number }).retryAt;
    expect(retryAt).toBeGreaterThan(Date.now() + 14 * 60_000);
    const calls = x.calls.filter((c) => c.route === '/2/tweets').length;
    // The next attempt before the reset does not even call X: the headers said 0 remain.
    const again = await publisher.publish(request(credentials, text('trois')));
    expect(again).toMatchObject({ state: 'failed', retry: true, retryAt });
    expect(x.calls.filter((c) => c.route === '/2/tweets').length).toBe(calls);
  });

  it('sorts X’s answers: 5xx or a lost answer unknown, 401 refresh, 400 invalid, unreachable retry', async () => {
    const { x, publisher, credentials } = await start();
    x.failNext('tweets', { status: 503 });
    expect(await publisher.publish(request(credentials, text('a')))).toMatchObject({ state: 'unconfirmed' });
    x.failNext('tweets', { status: 400, detail: 'One or more parameters to your request was invalid.' });
    expect(await publisher.publish(request(credentials, text('b')))).toMatchObject({
      state: 'failed',
      retry: false,
      kind: 'bad_body',
      reason: 'X refused the post: One or more parameters to your request was invalid.',
    });
    x.expireAccess();
    expect(await publisher.publish(request(credentials, text('c')))).toMatchObject({
      state: 'failed',
      retry: true,
      kind: 'refresh_token',
    });
    // Nothing listening: X received nothing, so trying again later is safe.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = createXPublisher({ apiRoot: root, authRoot: root });
    const down = await nowhere.publish(request(credentials, text('d')));
    expect(down, JSON.stringify(down)).toMatchObject({ state: 'failed', retry: true });
  });

  it('rotates refresh tokens, never keeps an empty one, and reports a refused one for reconnection', async () => {
    const { x, publisher, credentials } = await start({ accessTtlS: 60 });
    const tokens = publisher.account!.tokens!;
    expect(tokens.expiresSoon(credentials, new Date())).toBe(true);
    const next = await tokens.refresh(credentials);
    expect(next.refreshToken).not.toBe(credentials.refreshToken);
    expect(next.refreshToken).toMatch(/^xrt_/);
    expect(next).toMatchObject({ userId: x.user.id, username: 'lina_x' });
    // The used token works once: X answers 400 invalid_request, and the account must reconnect.
    const reused = await tokens.refresh(credentials).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(PlatformError);
    expect((reused as PlatformError).code).toBe('refresh_refused');
    // A blip (X down) is not a refusal: the account stays connected and it is tried again.
    x.failNext('token', { status: 503 });
    const blip = await tokens.refresh(next).catch((e: unknown) => e);
    expect((blip as PlatformError).code).not.toBe('refresh_refused');
    expect(x.refreshes.at(-1)!.token).not.toBe(next.refreshToken);
    const after = await tokens.refresh(next);
    expect((await publisher.publish(request(after, text('après')))).state).toBe('published');
  });
});
