import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { creatorBody, type Client } from './harness';
import { Stack, until, type VelvetProcess } from './stack';

/**
 * The publishing engine on real processes: a hub, a workers process (killed and replaced in
 * one test), PostgreSQL and Redis. The sandbox publisher appends each publication to the
 * account's feed in Redis, so a duplicate would show there.
 */
describe('publishing scheduled posts', () => {
  let stack: Stack;
  let hub: VelvetProcess;
  let workers: VelvetProcess;
  let admin: Client;
  let redis: Redis;
  let creatorId: string;
  let accountId: string;

  const feed = async () =>
    (await redis.lrange(`${stack.redis.prefix}:sandbox:feed:${accountId}`, 0, -1)).map(
      (entry) => JSON.parse(entry) as { targetId: string; text: string },
    );
  const inSeconds = (s: number) => new Date(Date.now() + s * 1000).toISOString();
  const draft = async (text: string) => {
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text,
      accountIds: [accountId],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; version: number; targets: { id: string }[] };
  };
  const stateOf = async (postId: string) => (await admin.get(`/api/posts/${postId}`)).body.targets[0];
  const published = (postId: string, timeoutMs = 15_000) =>
    until(
      async () => {
        const target = await stateOf(postId);
        return target.state === 'published' ? target : undefined;
      },
      timeoutMs,
      `post ${postId} published`,
    );

  beforeAll(async () => {
    stack = await Stack.create({ env: { LOG_LEVEL: 'warn' } });
    hub = await stack.start('hub');
    workers = await stack.start('workers');
    admin = await stack.admin(hub.url!);
    redis = new Redis(TEST_REDIS_URL);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    const account = await admin.post(`/api/creators/${creatorId}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'publishing-sandbox-token' },
      label: 'Feed',
    });
    accountId = account.body.id;
  }, 90_000);

  afterAll(async () => {
    redis?.disconnect();
    await stack?.destroy();
  });

  it('publishes a post once, at its time, with the platform’s id', async () => {
    const post = await draft('Bonsoir à tous');
    const at = inSeconds(2);
    const scheduled = await admin.post(`/api/posts/${post.id}/schedule`, { at, timeZone: 'Europe/Paris' });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(200);
    expect(scheduled.body.targets[0]).toMatchObject({
      state: 'scheduled',
      scheduledAt: at,
      timeZone: 'Europe/Paris',
    });
    expect(await feed()).toEqual([]);
    const target = await published(post.id);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at));
    expect(target.remoteId).toBe(`sandbox:${accountId}:1`);
    expect((await feed()).map((e) => [e.targetId, e.text])).toEqual([
      [post.targets[0]!.id, 'Bonsoir à tous'],
    ]);
  });

  it('holds a post back when it is unscheduled, and publishes the text as last edited', async () => {
    const held = await draft('Not today');
    await admin.post(`/api/posts/${held.id}/schedule`, { at: inSeconds(2) });
    const back = await admin.post(`/api/posts/${held.id}/unschedule`, {});
    expect(back.body.targets[0]).toMatchObject({ state: 'draft', scheduledAt: null });

    const edited = await draft('First words');
    const scheduled = await admin.post(`/api/posts/${edited.id}/schedule`, { at: inSeconds(2) });
    const patched = await admin.patch(`/api/posts/${edited.id}`, {
      version: scheduled.body.version,
      text: 'Better words',
    });
    expect(patched.status).toBe(200);
    await published(edited.id);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await stateOf(held.id)).state).toBe('draft');
    const texts = (await feed()).map((e) => e.text);
    expect(texts).toContain('Better words');
    expect(texts).not.toContain('First words');
    expect(texts).not.toContain('Not today');
  });

  it('fires once at the new time when a post is moved', async () => {
    const post = await draft('Moved earlier');
    await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(30) });
    await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(2) });
    await published(post.id);
    expect((await feed()).filter((e) => e.targetId === post.targets[0]!.id)).toHaveLength(1);
  });

  it('still publishes, once, when Redis lost the queued job', async () => {
    const post = await draft('Survived a flush');
    await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(3) });
    // The delayed job disappears with the queue's keys, as after a Redis flush.
    const keys = await redis.keys(`${stack.redis.prefix}:bull:post.publish:*`);
    expect(keys.length).toBeGreaterThan(0);
    await redis.del(...keys);
    // The outbox row, held until the post's time, brings it back within the relay's sweep.
    await published(post.id, 20_000);
    expect(await redis.get(`${stack.redis.prefix}:sandbox:published:${post.targets[0]!.id}`)).toBe('1');
  });

  it('publishes what came due while no worker ran, once another starts', async () => {
    await workers.stop('SIGKILL');
    const post = await draft('Waited for a worker');
    await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(1) });
    await new Promise((r) => setTimeout(r, 2500));
    expect((await stateOf(post.id)).state).toBe('scheduled');
    workers = await stack.start('workers');
    await published(post.id, 20_000);
    expect(await redis.get(`${stack.redis.prefix}:sandbox:published:${post.targets[0]!.id}`)).toBe('1');
  });

  it('schedules nothing that is not ready, nor in the past, and says why', async () => {
    const photoless = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text_photo',
      text: 'Where is the photo?',
      accountIds: [accountId],
    });
    const refused = await admin.post(`/api/posts/${photoless.body.id}/schedule`, { at: inSeconds(60) });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.fields).toEqual([
      { path: `targets.${accountId}.media`, message: 'Feed: text + photo takes exactly one image' },
    ]);
    expect((await stateOf(photoless.body.id)).state).toBe('draft');
    const post = await draft('Too late');
    const past = await admin.post(`/api/posts/${post.id}/schedule`, { at: '2020-01-01T08:00:00+01:00' });
    expect(past.status).toBe(422);
    expect(past.body.error.details.fields).toEqual([
      { path: 'at', message: 'is in the past: choose a time to come' },
    ]);
    const zone = await admin.post(`/api/posts/${post.id}/schedule`, { at: inSeconds(60), timeZone: 'CEST' });
    expect(zone.body.error.details.fields[0].path).toBe('timeZone');
  });
});
