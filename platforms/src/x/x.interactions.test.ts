import { afterEach, describe, expect, it } from 'vitest';
import { PlatformError } from '@velvet/shared';
import type { StoredCredentials } from '../connector';
import { connectX, X_TEST_CLIENT } from './x.conformance';
import { parseXTrends } from './x.interactions';
import { createXPublisher } from './x.publisher';
import { startXStandin, type XStandin, type XStandinOptions } from './x.standin';

const APP_BEARER = 'AAAAAAAAAAAAAAAAAAAAAvelvet-test-app-bearer';

describe('X trends, parsed from the documented answer', () => {
  it('keeps each trend’s name and 24-hour count, up to the limit, linked to X’s search', () => {
    const body = {
      data: [
        { trend_name: 'Europe', tweet_count: 232408 },
        { trend_name: '#Paris', tweet_count: 2956 },
        { trend_name: 'St James' },
      ],
    };
    expect(parseXTrends(body, 2)).toEqual([
      { name: 'Europe', volume: 232408, url: 'https://x.com/search?q=Europe' },
      { name: '#Paris', volume: 2956, url: 'https://x.com/search?q=%23Paris' },
    ]);
    expect(parseXTrends(body, 10)[2]).toEqual({ name: 'St James', url: 'https://x.com/search?q=St%20James' });
    expect(parseXTrends({}, 10)).toEqual([]);
  });

  it('refuses a body that is not X’s trends shape', () => {
    expect(() => parseXTrends({ data: [{ name: 'x' }] }, 5)).toThrow(PlatformError);
    expect(() => parseXTrends('nope', 5)).toThrow(/unexpected body/);
  });
});

describe('X trends and replies against the X stand-in', () => {
  let x: XStandin | undefined;
  afterEach(async () => {
    await x?.close();
    x = undefined;
  });
  const start = async (options: Partial<XStandinOptions> = {}, bearerToken: string | null = APP_BEARER) => {
    await x?.close();
    x = await startXStandin({
      ...X_TEST_CLIENT,
      appBearer: APP_BEARER,
      trends: {
        1: [{ trend_name: 'Worldwide', tweet_count: 10 }],
        615702: [{ trend_name: '#Paris', tweet_count: 5 }],
      },
      ...options,
    });
    const publisher = createXPublisher({
      apiRoot: x.apiRoot,
      authRoot: x.authRoot,
      ...X_TEST_CLIENT,
      bearerToken: bearerToken ?? undefined,
      timeoutMs: 5_000,
    });
    const connected = await connectX(publisher);
    return { x, publisher, credentials: connected.credentials as StoredCredentials };
  };

  it('asks X for a place’s trends with the app’s bearer token', async () => {
    const { publisher, x } = await start();
    expect(await publisher.trends!({ location: 615702, limit: 10 })).toEqual([
      { name: '#Paris', volume: 5, url: 'https://x.com/search?q=%23Paris' },
    ]);
    expect(await publisher.trends!({ limit: 10 })).toMatchObject([{ name: 'Worldwide' }]);
    expect(x.calls.filter((c) => c.route.startsWith('/2/trends/by/woeid/')).map((c) => c.route)).toEqual([
      '/2/trends/by/woeid/615702',
      '/2/trends/by/woeid/1',
    ]);
  });

  it('says X trends need X_BEARER_TOKEN without asking X, and names a 429', async () => {
    const { publisher, x } = await start({}, null);
    await expect(publisher.trends!({ limit: 10 })).rejects.toThrow(/X_BEARER_TOKEN/);
    expect(x.calls.some((c) => c.route.startsWith('/2/trends'))).toBe(false);
    const configured = await start();
    configured.x.failNext('trends', { status: 429 });
    await expect(configured.publisher.trends!({ limit: 10 })).rejects.toMatchObject({
      kind: 'retryable',
      code: 'rate_limited',
    });
  });

  it('reads the replies others wrote under the account’s posts, and likes one as the account', async () => {
    const { publisher, x, credentials } = await start();
    const mine = await publisher.publish({
      accountId: 'a',
      credentials,
      targetId: 't1',
      post: { kind: 'text', text: 'Nouvelle photo ce soir', hashtags: [], media: [] },
      mediaUrls: [],
      readMedia: async () => Buffer.alloc(0),
    });
    expect(mine.state).toBe('published');
    const postId = (mine as { remoteId: string }).remoteId;
    const fan = { id: '2000000000000000001', username: 'fan_one' };
    const first = x.reply(postId, fan, 'Magnifique photo, bravo !');
    const second = x.reply(postId, fan, 'Trop belle 😍');
    // The account's own reply in its thread is not someone else's reply.
    x.reply(postId, x.user, 'Merci à vous');

    const replies = await publisher.interactions!.replies(credentials, [postId], 50);
    expect(replies).toEqual([
      expect.objectContaining({
        id: first.id,
        inReplyTo: postId,
        authorId: fan.id,
        text: 'Magnifique photo, bravo !',
      }),
      expect.objectContaining({ id: second.id, inReplyTo: postId, authorId: fan.id }),
    ]);
    const search = new URL(x.calls.find((c) => c.route === '/2/tweets/search/recent')!.path, 'http://x');
    expect(search.searchParams.get('query')).toBe(`(conversation_id:${postId}) is:reply -from:${x.user.id}`);

    expect(await publisher.interactions!.like(credentials, replies[0]!)).toEqual({ state: 'liked' });
    expect(x.likes).toEqual([first.id]);
  });

  it('sorts a like refused for its scope from one X asks to try later', async () => {
    const { publisher, x, credentials } = await start();
    const post = await publisher.publish({
      accountId: 'a',
      credentials,
      targetId: 't2',
      post: { kind: 'text', text: 'Bonsoir', hashtags: [], media: [] },
      mediaUrls: [],
      readMedia: async () => Buffer.alloc(0),
    });
    const reply = x.reply(
      (post as { remoteId: string }).remoteId,
      { id: '2000000000000000002', username: 'f' },
      'Coucou',
    );
    const [found] = await publisher.interactions!.replies(credentials, [reply.conversationId!], 10);
    x.failNext('likes', { status: 429 });
    expect(await publisher.interactions!.like(credentials, found!)).toMatchObject({ state: 'later' });
    x.failNext('likes', { status: 403, detail: 'Missing scope like.write' });
    expect(await publisher.interactions!.like(credentials, found!)).toMatchObject({
      state: 'refused',
      reason: expect.stringMatching(/like\.write/),
    });
    expect(x.likes).toEqual([]);
  });
});
