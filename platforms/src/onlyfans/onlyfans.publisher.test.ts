import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PostContent } from '@velvet/shared';
import type { PublishRequest } from '../publisher';
import { describePublisher } from '../publisher-conformance';
import { onlyfansPublisherKit, startOnlyFansPublisherFixture } from './onlyfans.publish-conformance';
import { createOnlyFansPublisher } from './onlyfans.publisher';

describePublisher(onlyfansPublisherKit);

describe('OnlyFans publisher against the provider stand-in', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
  const start = async (timeoutMs?: number) => {
    const fixture = await startOnlyFansPublisherFixture(timeoutMs);
    close = () => fixture.of.close();
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
  const photo = (value: string): PostContent => ({
    kind: 'text_photo',
    text: value,
    hashtags: [],
    media: [{ kind: 'image', mime: 'image/jpeg', bytes: 2048 }],
  });

  it('uploads the photo’s bytes, then posts the text with it once; the post’s address names the creator', async () => {
    const { of, publisher, credentials } = await start();
    const jpeg = Buffer.alloc(2048, 9);
    const outcome = await publisher.publish(request(credentials, photo('Golden hour'), [jpeg]));
    expect(of.uploads).toEqual([
      expect.objectContaining({ size: jpeg.length, contentType: 'image/jpeg', used: true }),
    ]);
    expect(of.posts).toHaveLength(1);
    expect(of.posts[0]).toMatchObject({ text: 'Golden hour', mediaFiles: [of.uploads[0]!.id] });
    const id = String(of.posts[0]!.id);
    expect(outcome).toEqual({ state: 'published', remoteId: id, url: `https://onlyfans.com/${id}/lina_of` });
    // The calls, in order: the upload, then the post (no public address of the hub needed).
    expect(of.calls.map((c) => c.route)).toEqual(['upload', 'post']);
  });

  it('asks the provider for a post’s status and its likes and comments', async () => {
    const { of, publisher, credentials } = await start();
    const outcome = await publisher.publish(request(credentials, text('Bonsoir 🌙')));
    expect(of.posts[0]!.text).toBe('Bonsoir 🌙\n\n#velvet');
    const id = (outcome as { remoteId: string }).remoteId;
    expect(await publisher.status(credentials, id)).toMatchObject({ state: 'published', remoteId: id });
    of.posts[0]!.likes = 42;
    of.posts[0]!.comments = 5;
    expect(await publisher.metrics!(credentials, id)).toEqual({
      likes: 42,
      comments: 5,
      shares: 0,
      views: 0,
    });
    of.posts.splice(0, 1);
    expect(await publisher.status(credentials, id)).toMatchObject({
      state: 'failed',
      retry: false,
      reason: 'The post is no longer on OnlyFans (deleted there)',
    });
  });

  it('sorts the provider’s answers: 429 waits its Retry-After, 422 is the post’s fault, 401 reconnect', async () => {
    const { of, publisher, credentials } = await start();
    of.failNext('post', { status: 429, retryAfter: 90 });
    expect(await publisher.publish(request(credentials, text('a')))).toMatchObject({
      state: 'failed',
      retry: true,
      kind: 'retry',
      retryAfterMs: 90_000,
    });
    of.failNext('post', { status: 422, error: 'The text contains a banned word.' });
    const refused = await publisher.publish(request(credentials, text('b')));
    expect(refused).toMatchObject({ state: 'failed', retry: false, kind: 'bad_body' });
    expect((refused as { reason: string }).reason).toContain('The text contains a banned word.');
    const revoked = await publisher.publish(
      request({ ...credentials, apiKey: 'ofapi_revoked_key_000000' }, text('c')),
    );
    expect(revoked).toMatchObject({ state: 'failed', retry: false, kind: 'disconnect' });
    expect((revoked as { reason: string }).reason).toMatch(/refused the API key: reconnect the account/);
    expect(JSON.stringify(revoked)).not.toContain('ofapi_revoked_key_000000');
    expect(of.posts).toHaveLength(0);
  });

  it('never calls a failed upload unknown: nothing is posted, and trying again is safe', async () => {
    const { of, publisher, credentials } = await start();
    of.failNext('upload', { status: 503 });
    expect(await publisher.publish(request(credentials, photo('x'), [Buffer.alloc(10)]))).toMatchObject({
      state: 'failed',
      retry: true,
      kind: 'retry',
    });
    of.failNext('upload', { processThenClose: true });
    expect(await publisher.publish(request(credentials, photo('y'), [Buffer.alloc(10)]))).toMatchObject({
      state: 'failed',
      retry: true,
    });
    expect(of.posts).toHaveLength(0);
    expect((await publisher.publish(request(credentials, photo('z'), [Buffer.alloc(10)]))).state).toBe(
      'published',
    );
  });

  it('a post call that times out or answers 5xx is unconfirmed, and locate finds the one post', async () => {
    const { of, publisher, credentials } = await start(500);
    const since = new Date();
    of.failNext('post', { delayMs: 1_500 });
    const slow = request(credentials, photo('Lent'), [Buffer.alloc(10)]);
    expect(await publisher.publish(slow)).toMatchObject({ state: 'unconfirmed' });
    of.failNext('post', { status: 502 });
    const bad = request(credentials, text('Passerelle'));
    expect(await publisher.publish(bad)).toMatchObject({ state: 'unconfirmed' });
    // The slow call reached OnlyFans; the 502 came from a gateway before it did.
    expect(of.posts.map((p) => p.text)).toEqual(['Lent']);
    expect(await publisher.locate!(credentials, bad.targetId, { post: bad.post, since })).toEqual({
      state: 'absent',
    });
    expect(await publisher.locate!(credentials, slow.targetId, { post: slow.post, since })).toMatchObject({
      state: 'published',
      remoteId: String(of.posts[0]!.id),
    });
    // The same text without its photo is another post: not this target's.
    expect(
      await publisher.locate!(credentials, 'other', { post: { ...text('Lent'), hashtags: [] }, since }),
    ).toEqual({ state: 'absent' });
  });

  it('looks past other recent posts, and stops at posts older than the due time', async () => {
    const { of, publisher, credentials } = await start();
    const since = new Date();
    await publisher.publish(request(credentials, text('La cible')));
    for (let i = 0; i < 120; i++) of.addPost(credentials.accountId, `Posté à la main ${i}`);
    expect(await publisher.locate!(credentials, 't', { post: text('La cible'), since })).toMatchObject({
      state: 'published',
    });
    const listed = of.calls.filter((c) => c.route === 'posts').length;
    expect(listed).toBe(3);
    // A post older than the due time (minus the clock margin) cannot be this target's.
    of.addPost(credentials.accountId, 'Ancien', { at: Date.now() - 3 * 3600_000 });
    expect(
      await publisher.locate!(credentials, 't', { post: { ...text('Ancien'), hashtags: [] }, since }),
    ).toMatchObject({ state: 'absent' });
  });

  it('an unreachable provider is a retry, never a disconnect', async () => {
    const { credentials } = await start();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const root = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api`;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = createOnlyFansPublisher({ apiRoot: root, timeoutMs: 1_000 });
    const down = await nowhere.publish(request(credentials, text('d')));
    expect(down, JSON.stringify(down)).toMatchObject({ state: 'failed', retry: true, kind: 'retry' });
    expect(await nowhere.locate!(credentials, 't', { post: text('d'), since: new Date() })).toMatchObject({
      state: 'unconfirmed',
    });
  });
});
