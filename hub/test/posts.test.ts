import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { inboxClient, record, until, type InboxClient } from './stack';

describe('posts and their targets', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let otherCreatorId: string;
  let sandbox: string;
  let secondSandbox: string;
  let photoId: string;
  let otherPhotoId: string;

  const uploadPhoto = async (creator: string, color: string) => {
    const bytes = await sharp({ create: { width: 1080, height: 1350, channels: 3, background: color } })
      .jpeg()
      .toBuffer();
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), 'photo.jpg');
    const response = await fetch(`${hub.url}/api/creators/${creator}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}` },
      body: form,
    });
    return ((await response.json()) as { id: string }).id;
  };
  const as = async (email: string, role: 'manager' | 'chatter' | 'model', creators: string[]) => {
    const user = await hub.createUser(email, role, creators);
    const client = new Client(hub.url);
    await client.login(user.email, user.password);
    return client;
  };
  const connect = async (
    creator: string,
    platform: string,
    credentials: Record<string, string>,
    label: string,
  ) => {
    const response = await admin.post(`/api/creators/${creator}/accounts`, { platform, credentials, label });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as string;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    otherCreatorId = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
    sandbox = await connect(creatorId, 'sandbox', { token: 'posts-sandbox-token' }, 'Sandbox');
    photoId = await uploadPhoto(creatorId, '#8e44ad');
    otherPhotoId = await uploadPhoto(otherCreatorId, '#16a085');
  }, 60_000);
  afterAll(() => hub?.stop());

  it('keeps a post as a draft per target, with each target’s reasons it cannot go yet', async () => {
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text_photo',
      text: 'Nouvelle séance ce soir',
      hashtags: ['#paris', 'shooting'],
      accountIds: [sandbox],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      creatorId,
      kind: 'text_photo',
      hashtags: ['paris', 'shooting'],
      version: 1,
      ready: false,
      targets: [
        {
          accountId: sandbox,
          platform: 'sandbox',
          accountLabel: 'Sandbox',
          state: 'draft',
          scheduledAt: null,
          problems: [{ field: 'media', message: 'text + photo takes exactly one image' }],
        },
      ],
    });
    const fixed = await admin.patch(`/api/posts/${created.body.id}`, { version: 1, mediaIds: [photoId] });
    expect(fixed.status).toBe(200);
    expect(fixed.body.version).toBe(2);
    expect(fixed.body.ready).toBe(true);
    expect(fixed.body.targets[0].problems).toEqual([]);
  });

  it('refuses an edit made on an older version, so nobody overwrites another’s change unseen', async () => {
    const post = (
      await admin.post(`/api/creators/${creatorId}/posts`, {
        kind: 'text',
        text: 'v1',
        accountIds: [sandbox],
      })
    ).body;
    expect((await admin.patch(`/api/posts/${post.id}`, { version: 1, text: 'v2 by Ana' })).status).toBe(200);
    const late = await admin.patch(`/api/posts/${post.id}`, { version: 1, text: 'v2 by Ben' });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/changed by someone else meanwhile/);
    expect((await admin.get(`/api/posts/${post.id}`)).body.text).toBe('v2 by Ana');
  });

  it('names the field at fault: a hashtag with a space, another creator’s media, a stranger’s account', async () => {
    const response = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text_photo',
      text: 'Hello',
      hashtags: ['two words'],
      mediaIds: [otherPhotoId],
      accountIds: [sandbox],
    });
    expect(response.status).toBe(422);
    expect(response.body.error.details.fields).toEqual([
      { path: 'hashtags.0', message: 'must be one word of letters, digits or _ (no spaces)' },
    ]);
    const foreign = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text_photo',
      mediaIds: [otherPhotoId],
      accountIds: [sandbox, sandbox],
    });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.details.fields).toEqual([
      { path: 'mediaIds.0', message: "is not in this creator's media library" },
      { path: 'accountIds', message: 'lists the same account twice' },
    ]);
    const stranger = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text: 'Hi',
      accountIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(stranger.body.error.details.fields).toEqual([
      { path: 'accountIds.0', message: "is not one of this creator's accounts" },
    ]);
  });

  it('checks a platform’s variant of the text instead of the body where it has one', async () => {
    secondSandbox = await connect(creatorId, 'sandbox', { token: 'posts-sandbox-token-2' }, 'Second sandbox');
    const long = 'x'.repeat(400);
    const created = await admin.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text: long,
      variants: { sandbox: { text: 'short for the sandbox' } },
      accountIds: [sandbox, secondSandbox],
    });
    expect(created.status).toBe(201);
    expect(created.body.targets.map((t: { problems: unknown[] }) => t.problems)).toEqual([[], []]);
    expect(created.body.variants).toEqual({ sandbox: { text: 'short for the sandbox' } });
    const empty = await admin.patch(`/api/posts/${created.body.id}`, {
      version: 1,
      text: ' ',
      variants: {},
    });
    expect(empty.body.ready).toBe(false);
    expect(empty.body.targets[0].problems).toEqual([{ field: 'text', message: 'a text post needs text' }]);
  });

  it('says when a media item it uses was deleted from the library, instead of publishing without it', async () => {
    const photo = await uploadPhoto(creatorId, '#2c3e50');
    const post = (
      await admin.post(`/api/creators/${creatorId}/posts`, {
        kind: 'text_photo',
        text: 'Backstage',
        mediaIds: [photo],
        accountIds: [sandbox],
      })
    ).body;
    expect(post.ready).toBe(true);
    expect((await admin.delete(`/api/media/${photo}`)).status).toBe(204);
    const after = (await admin.get(`/api/posts/${post.id}`)).body;
    expect(after.ready).toBe(false);
    expect(after.targets[0].problems[0]).toEqual({
      field: 'media',
      message: '1 media item(s) were deleted from the library',
    });
  });

  it('lets managers of the creator write, models read, and keeps everyone else out', async () => {
    const manager = await as('posts-manager@test.velvet', 'manager', [creatorId]);
    const model = await as('posts-model@test.velvet', 'model', [creatorId]);
    const chatter = await as('posts-chatter@test.velvet', 'chatter', [creatorId]);
    const outsider = await as('posts-outsider@test.velvet', 'manager', [otherCreatorId]);
    const made = await manager.post(`/api/creators/${creatorId}/posts`, {
      kind: 'text',
      text: 'From the manager',
      accountIds: [sandbox],
    });
    expect(made.status).toBe(201);
    expect((await model.get(`/api/posts/${made.body.id}`)).status).toBe(200);
    expect((await model.get(`/api/creators/${creatorId}/posts`)).body.posts.length).toBeGreaterThan(0);
    expect((await model.patch(`/api/posts/${made.body.id}`, { version: 1, text: 'no' })).status).toBe(403);
    expect((await chatter.get(`/api/creators/${creatorId}/posts`)).status).toBe(403);
    expect((await outsider.get(`/api/posts/${made.body.id}`)).status).toBe(403);
    expect((await outsider.delete(`/api/posts/${made.body.id}`)).status).toBe(403);
    expect((await manager.delete(`/api/posts/${made.body.id}`)).status).toBe(204);
    expect((await manager.get(`/api/posts/${made.body.id}`)).status).toBe(404);
  });

  it('lists a creator’s posts at GET /api/posts, by due time and status, for those in scope', async () => {
    const post = (
      await admin.post(`/api/creators/${creatorId}/posts`, {
        kind: 'text',
        text: 'Due',
        accountIds: [sandbox],
      })
    ).body;
    const at = new Date(Date.now() + 2 * 3_600_000);
    expect((await admin.post(`/api/posts/${post.id}/schedule`, { at: at.toISOString() })).status).toBe(200);

    const all = await admin.get(`/api/posts?creatorId=${creatorId}`);
    expect(all.status).toBe(200);
    expect(all.body).toEqual((await admin.get(`/api/creators/${creatorId}/posts`)).body);
    expect(all.body.posts[0]).toMatchObject({
      id: post.id,
      targets: [{ accountId: sandbox, state: 'scheduled' }],
    });

    const window = (from: number, to: number, status = 'scheduled') =>
      `/api/posts?${new URLSearchParams({
        creatorId,
        from: new Date(at.getTime() + from).toISOString(),
        to: new Date(at.getTime() + to).toISOString(),
        status,
      })}`;
    const ids = async (url: string) =>
      ((await admin.get(url)).body.posts as { id: string }[]).map((p) => p.id);
    expect(await ids(window(-60_000, 60_000))).toEqual([post.id]);
    expect(await ids(window(60_000, 3_600_000))).toEqual([]);
    expect(await ids(window(-60_000, 60_000, 'draft'))).toEqual([]);
    expect(await ids(`/api/posts?creatorId=${creatorId}&status=draft`)).not.toContain(post.id);

    const chatter = await as('posts-list-chatter@test.velvet', 'chatter', [creatorId]);
    const outsider = await as('posts-list-outsider@test.velvet', 'manager', [otherCreatorId]);
    expect((await chatter.get(`/api/posts?creatorId=${creatorId}`)).status).toBe(403);
    expect((await outsider.get(`/api/posts?creatorId=${creatorId}`)).status).toBe(403);
    expect((await outsider.get(`/api/posts?creatorId=${otherCreatorId}`)).status).toBe(200);

    const missing = await admin.get('/api/posts');
    expect(missing.status).toBe(422);
    expect(JSON.stringify(missing.body)).toMatch(/creatorId/);
    expect((await admin.get(`/api/posts?creatorId=${creatorId}&from=tomorrow`)).status).toBe(422);
    expect((await admin.get(`/api/posts?creatorId=${creatorId}&status=lost`)).status).toBe(422);
    expect((await admin.get(window(60_000, -60_000))).status).toBe(422);
    expect((await admin.get('/api/posts?creatorId=00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });

  it('never edits or deletes a post while a target is being published or is live', async () => {
    const post = (
      await admin.post(`/api/creators/${creatorId}/posts`, {
        kind: 'text',
        text: 'Live',
        accountIds: [sandbox],
      })
    ).body;
    // What the publishing worker does when it takes the target.
    await hub.ctx.db.execute(sql`update post_targets set state = 'publishing' where post_id = ${post.id}`);
    const edit = await admin.patch(`/api/posts/${post.id}`, { version: 1, text: 'changed underneath' });
    expect(edit.status).toBe(409);
    expect(edit.body.error.message).toMatch(/being published right now/);
    await hub.ctx.db.execute(sql`update post_targets set state = 'published' where post_id = ${post.id}`);
    const removal = await admin.delete(`/api/posts/${post.id}`);
    expect(removal.status).toBe(409);
    expect(removal.body.error.message).toMatch(/live \(or may be\) on sandbox/);
    expect((await admin.get(`/api/posts/${post.id}`)).body.text).toBe('Live');
  });

  it('cancels what has not gone out, keeps it on record, and never cancels under a publication', async () => {
    const post = (
      await admin.post(`/api/creators/${creatorId}/posts`, {
        kind: 'text',
        text: 'Called off',
        accountIds: [sandbox],
      })
    ).body;
    const at = new Date(Date.now() + 3_600_000).toISOString();
    expect((await admin.post(`/api/posts/${post.id}/schedule`, { at })).status).toBe(200);

    await hub.ctx.db.execute(sql`update post_targets set state = 'publishing' where post_id = ${post.id}`);
    const busy = await admin.post(`/api/posts/${post.id}/cancel`, {});
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('publishing');
    expect((await admin.get(`/api/posts/${post.id}`)).body.targets[0].state).toBe('publishing');

    await hub.ctx.db.execute(sql`update post_targets set state = 'scheduled' where post_id = ${post.id}`);
    const cancelled = await admin.post(`/api/posts/${post.id}/cancel`, {});
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.targets[0]).toMatchObject({ accountId: sandbox, state: 'cancelled' });
    // It cannot come back on the calendar by accident, and a stranger's account is named.
    const again = await admin.post(`/api/posts/${post.id}/schedule`, { at });
    expect(again.status).toBe(409);
    const stranger = await admin.post(`/api/posts/${post.id}/cancel`, {
      accountIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(stranger.status).toBe(422);
    expect((await admin.get(`/api/creators/${creatorId}/posts?state=cancelled`)).body.posts).toContainEqual(
      expect.objectContaining({ id: post.id }),
    );
  });

  it('tells live calendars of a post change only to those who may read posts', async () => {
    const manager = await as('live-manager@test.velvet', 'manager', [creatorId]);
    const model = await as('live-model@test.velvet', 'model', [creatorId]);
    const chatter = await as('live-chatter@test.velvet', 'chatter', [creatorId]);
    const outsider = await as('live-outsider@test.velvet', 'manager', [otherCreatorId]);
    const sockets: InboxClient[] = [];
    const listen = async (client: Client) => {
      const socket = await inboxClient(hub.url, client.token);
      sockets.push(socket);
      return record(socket);
    };
    try {
      const [toManager, toModel, toChatter, toOutsider] = await Promise.all([
        listen(manager),
        listen(model),
        listen(chatter),
        listen(outsider),
      ]);
      const post = (
        await admin.post(`/api/creators/${creatorId}/posts`, {
          kind: 'text',
          text: 'Live',
          accountIds: [sandbox],
        })
      ).body;
      const at = new Date(Date.now() + 3 * 3_600_000).toISOString();
      expect((await admin.post(`/api/posts/${post.id}/schedule`, { at })).status).toBe(200);
      const scheduled = (events: { event: string; payload: any }[]) =>
        events.find(
          (e) =>
            e.event === 'post:update' && e.payload.postId === post.id && e.payload.status === 'scheduled',
        );
      await until(
        () => scheduled(toManager) && scheduled(toModel),
        5_000,
        'post:update to the manager and model',
      );
      expect(scheduled(toManager)!.payload).toMatchObject({ creatorId, accountId: sandbox });
      // The chat side of the creator hears nothing of its posts; another creator's manager neither.
      const chatterHeard = toChatter.map((e) => e.event);
      expect(chatterHeard.length).toBeGreaterThan(0);
      expect(chatterHeard).not.toContain('post:update');
      expect(toOutsider.map((e) => e.event)).not.toContain('post:update');

      // A manager who creates a creator is in its publishing room at once, on the open socket.
      const own = await manager.post('/api/creators', creatorBody('Nora'));
      expect(own.status).toBe(201);
      const account = await admin.post(`/api/creators/${own.body.id}/accounts`, {
        platform: 'sandbox',
        credentials: { token: 'live-own-sandbox' },
        label: 'Own',
      });
      const ownPost = (
        await manager.post(`/api/creators/${own.body.id}/posts`, {
          kind: 'text',
          text: 'Mine',
          accountIds: [account.body.id],
        })
      ).body;
      expect((await manager.post(`/api/posts/${ownPost.id}/schedule`, { at })).status).toBe(200);
      await until(
        () => toManager.find((e) => e.event === 'post:update' && e.payload.postId === ownPost.id),
        5_000,
        'post:update for the creator the manager just made',
      );
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  });
});
