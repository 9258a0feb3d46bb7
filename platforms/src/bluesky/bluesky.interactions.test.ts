import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtpAgent } from '@atproto/api';
import type { StoredCredentials } from '../connector';
import type { Publisher } from '../publisher';
import { startBlueskyAppViewStandin, type BlueskyAppViewStandin } from './bluesky.appview.standin';
import { parseBlueskyReplies, parseBlueskyTrends } from './bluesky.interactions';
import { startLocalPds, type LocalPds } from './bluesky.pds';
import { createBlueskyPublisher } from './bluesky.publisher';

describe('Bluesky trending topics and threads, parsed from the lexicons', () => {
  it('names each topic as displayed and links it on the web app, up to the limit', () => {
    const body = {
      topics: [
        { topic: 'paris', displayName: 'Paris', link: '/profile/trending.bsky.app/feed/paris' },
        { topic: 'Nuit blanche', link: '/search?q=Nuit%20blanche' },
        { topic: 'three', link: 'https://bsky.app/search?q=three' },
      ],
      suggested: [],
    };
    expect(parseBlueskyTrends(body, 2)).toEqual([
      { name: 'Paris', url: 'https://bsky.app/profile/trending.bsky.app/feed/paris' },
      { name: 'Nuit blanche', url: 'https://bsky.app/search?q=Nuit%20blanche' },
    ]);
    expect(parseBlueskyTrends(body, 5)[2]!.url).toBe('https://bsky.app/search?q=three');
    expect(() => parseBlueskyTrends({ trends: [] }, 5)).toThrow(/unexpected body/);
  });

  it('keeps the direct replies of others, never the account’s own, nor a missing thread', () => {
    const post = (did: string, rkey: string, text: string) => ({
      uri: `at://${did}/app.bsky.feed.post/${rkey}`,
      cid: `bafy${rkey}`,
      author: { did, handle: `${rkey}.test` },
      record: { text, createdAt: '2026-01-01T00:00:00.000Z' },
    });
    const body = {
      thread: {
        $type: 'app.bsky.feed.defs#threadViewPost',
        post: post('did:plc:me', 'root', 'Ma photo'),
        replies: [
          { $type: 'app.bsky.feed.defs#threadViewPost', post: post('did:plc:fan', 'r1', 'Superbe !') },
          { $type: 'app.bsky.feed.defs#threadViewPost', post: post('did:plc:me', 'r2', 'Merci') },
          { $type: 'app.bsky.feed.defs#blockedPost', uri: 'at://x', blocked: true },
        ],
      },
    };
    expect(parseBlueskyReplies(body, 'did:plc:me')).toEqual([
      {
        id: 'at://did:plc:fan/app.bsky.feed.post/r1',
        ref: 'bafyr1',
        inReplyTo: 'at://did:plc:me/app.bsky.feed.post/root',
        authorId: 'did:plc:fan',
        authorName: '@r1.test',
        text: 'Superbe !',
        createdAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
    expect(
      parseBlueskyReplies(
        { thread: { $type: 'app.bsky.feed.defs#notFoundPost', uri: 'at://x', notFound: true } },
        'me',
      ),
    ).toEqual([]);
  });
});

describe('Bluesky replies and likes on a real local PDS', () => {
  let pds: LocalPds;
  let appView: BlueskyAppViewStandin;
  let publisher: Publisher;
  let credentials: StoredCredentials;
  let creator: { did: string; handle: string };
  let fan: AtpAgent;

  beforeAll(async () => {
    pds = await startLocalPds();
    const account = await pds.createAccount('lina');
    const fanAccount = await pds.createAccount('fan');
    creator = account;
    appView = await startBlueskyAppViewStandin({
      pds: pds.url,
      topics: [{ topic: 'paris', displayName: 'Paris', link: '/search?q=paris' }],
    });
    appView.index(account.did, account.handle);
    appView.index(fanAccount.did, fanAccount.handle);
    publisher = createBlueskyPublisher({ service: pds.url, appView: appView.url });
    credentials = (
      await publisher.account!.connect({ identifier: account.handle, password: account.appPassword })
    ).credentials;
    fan = new AtpAgent({ service: pds.url });
    await fan.login({ identifier: fanAccount.handle, password: fanAccount.password });
  }, 120_000);

  afterAll(async () => {
    await appView?.close();
    await pds?.close();
  });

  it('reads the trending topics from the AppView', async () => {
    expect(await publisher.trends!({ limit: 10 })).toEqual([
      { name: 'Paris', url: 'https://bsky.app/search?q=paris' },
    ]);
    appView.failNext(502);
    await expect(publisher.trends!({ limit: 10 })).rejects.toThrow(/502/);
  });

  it('likes a fan’s reply to the account’s post with a like record, once however often asked', async () => {
    const published = await publisher.publish({
      accountId: 'a',
      credentials,
      targetId: 'post-1',
      post: { kind: 'text', text: 'Nouvelle photo ce soir', hashtags: [], media: [] },
      mediaUrls: [],
      readMedia: async () => Buffer.alloc(0),
    });
    expect(published.state).toBe('published');
    const rootUri = (published as { remoteId: string }).remoteId;
    const root = await fan.com.atproto.repo.getRecord({
      repo: creator.did,
      collection: 'app.bsky.feed.post',
      rkey: rootUri.split('/').pop()!,
    });
    const ref = { uri: root.data.uri, cid: root.data.cid! };
    const written = await fan.post({ text: 'Superbe photo !', reply: { root: ref, parent: ref } });

    const replies = await publisher.interactions!.replies(credentials, [rootUri], 10);
    expect(replies).toEqual([
      expect.objectContaining({
        id: written.uri,
        ref: written.cid,
        inReplyTo: rootUri,
        text: 'Superbe photo !',
      }),
    ]);
    expect(await publisher.interactions!.like(credentials, replies[0]!)).toEqual({ state: 'liked' });
    // Asked again (a retry after a lost answer): the same key, no second like.
    expect(await publisher.interactions!.like(credentials, replies[0]!)).toEqual({ state: 'liked' });
    const likes = await fan.com.atproto.repo.listRecords({
      repo: creator.did,
      collection: 'app.bsky.feed.like',
    });
    expect(likes.data.records.map((r) => (r.value as { subject: { uri: string } }).subject.uri)).toEqual([
      written.uri,
    ]);
  });

  it('reads a post’s counters and the account’s followers as the AppView counts them', async () => {
    const published = await publisher.publish({
      accountId: 'a',
      credentials,
      targetId: 'post-metrics',
      post: { kind: 'text', text: 'Combien de likes ?', hashtags: [], media: [] },
      mediaUrls: [],
      readMedia: async () => Buffer.alloc(0),
    });
    expect(published.state).toBe('published');
    const uri = (published as { remoteId: string }).remoteId;
    expect(await publisher.metrics!(credentials, uri)).toEqual({
      likes: 0,
      comments: 0,
      shares: 0,
      views: 0,
    });

    const record = await fan.com.atproto.repo.getRecord({
      repo: creator.did,
      collection: 'app.bsky.feed.post',
      rkey: uri.split('/').pop()!,
    });
    const ref = { uri: record.data.uri, cid: record.data.cid! };
    await fan.like(ref.uri, ref.cid);
    await fan.repost(ref.uri, ref.cid);
    await fan.post({ text: 'Magnifique', reply: { root: ref, parent: ref } });
    await fan.post({ text: 'Regardez ça', embed: { $type: 'app.bsky.embed.record', record: ref } });
    const before = (await publisher.accountMetrics!(credentials)).followers;
    await fan.follow(creator.did);

    expect(await publisher.metrics!(credentials, uri)).toEqual({
      likes: 1,
      comments: 1,
      shares: 2,
      views: 0,
    });
    expect(await publisher.accountMetrics!(credentials)).toEqual({ followers: before + 1 });
    // A post deleted on Bluesky has no counters any more: said, not retried forever.
    await expect(
      publisher.metrics!(credentials, `at://${creator.did}/app.bsky.feed.post/3zzzzzzzzzzzz`),
    ).rejects.toThrow(/no longer on Bluesky/);
  });
});
