import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';
import { verticalVideo } from './publishing-fixtures';

/** A real JPEG with EXIF orientation 6 (shown turned a quarter): stored 2000 × 1500, seen 1500 × 2000. */
const photo = () =>
  sharp({ create: { width: 2000, height: 1500, channels: 3, background: '#c0392b' } })
    .jpeg({ quality: 80 })
    .withMetadata({ orientation: 6 })
    .toBuffer();

describe('the media library', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let otherCreatorId: string;

  const as = async (email: string, role: 'manager' | 'chatter' | 'model', creators: string[]) => {
    const user = await hub.createUser(email, role, creators);
    const client = new Client(hub.url);
    await client.login(user.email, user.password);
    return client;
  };

  const upload = (client: Client, creator: string, bytes: Buffer, name: string, alt?: string) => {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)]), name);
    if (alt) form.set('alt', alt);
    return fetch(`${hub.url}/api/creators/${creator}/media`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}` },
      body: form,
    });
  };
  const fetchAs = (client: Client, url: string, headers: Record<string, string> = {}) =>
    fetch(`${hub.url}${url}`, { headers: { authorization: `Bearer ${client.token}`, ...headers } });

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Lina'))).body.id;
    otherCreatorId = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
  }, 60_000);
  afterAll(() => hub?.stop());

  it('takes a photo, reads its size as shown, and serves a small upright thumbnail', async () => {
    const response = await upload(admin, creatorId, await photo(), 'beach.JPG', 'Lina at the beach');
    expect(response.status).toBe(201);
    const media = await response.json();
    expect(media).toMatchObject({
      creatorId,
      kind: 'image',
      mime: 'image/jpeg',
      width: 1500,
      height: 2000,
      orientation: 'vertical',
      durationSeconds: null,
      fileName: 'beach.JPG',
      alt: 'Lina at the beach',
      fileUrl: `/api/media/${media.id}/file`,
      thumbnailUrl: `/api/media/${media.id}/thumbnail`,
    });
    const thumbnail = await fetchAs(admin, media.thumbnailUrl);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect([meta.width, meta.height]).toEqual([240, 320]);
  });

  it('reads a video’s duration and size from its header, and serves byte ranges for seeking', async () => {
    const video = verticalVideo(15);
    const response = await upload(admin, creatorId, video, 'reel.mp4');
    expect(response.status).toBe(201);
    const media = await response.json();
    expect(media).toMatchObject({
      kind: 'video',
      mime: 'video/mp4',
      width: 1080,
      height: 1920,
      durationSeconds: 15,
      orientation: 'vertical',
      thumbnailUrl: null,
      bytes: video.length,
    });
    const part = await fetchAs(admin, media.fileUrl, { range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-99/${video.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(video.subarray(0, 100));
    const whole = await fetchAs(admin, media.fileUrl);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(video);
  });

  it('keeps one asset when the same file is uploaded twice', async () => {
    const bytes = await photo();
    const first = await (await upload(admin, otherCreatorId, bytes, 'a.jpg')).json();
    const again = await upload(admin, otherCreatorId, bytes, 'copy of a.jpg');
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(first.id);
    const list = await admin.get(`/api/creators/${otherCreatorId}/media`);
    expect(list.body.items.map((m: { id: string }) => m.id)).toEqual([first.id]);
  });

  it('refuses what is not an image or video by its content, whatever its name, and keeps nothing', async () => {
    const incoming = path.join(hub.ctx.env.MEDIA_DIR, 'incoming');
    const text = await upload(admin, creatorId, Buffer.from('just some text, honest'), 'photo.jpg');
    expect(text.status).toBe(422);
    expect((await text.json()).error.message).toBe(
      'This file is not one of the accepted formats: JPEG, PNG, WebP or GIF images, or MP4 or MOV videos',
    );
    const jpeg = await photo();
    const broken = await upload(admin, creatorId, jpeg.subarray(0, 200), 'cut.jpg');
    expect(broken.status).toBe(422);
    expect((await broken.json()).error.message).toBe('This image could not be read: it may be damaged');
    const noVideo = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from('ftypisom'), Buffer.alloc(4)]);
    const empty = await upload(admin, creatorId, noVideo, 'empty.mp4');
    expect(empty.status).toBe(422);
    expect(existsSync(incoming) ? readdirSync(incoming) : []).toEqual([]);
  });

  it('lists newest first, by kind, a page at a time', async () => {
    const page1 = await admin.get(`/api/creators/${creatorId}/media?limit=1`);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(1);
    expect(page1.body.items[0].kind).toBe('video');
    const page2 = await admin.get(`/api/creators/${creatorId}/media?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items.map((m: { kind: string }) => m.kind)).toEqual(['image']);
    expect(page2.body.nextCursor).toBeNull();
    const images = await admin.get(`/api/creators/${creatorId}/media?kind=image`);
    expect(images.body.items.every((m: { kind: string }) => m.kind === 'image')).toBe(true);
    const bad = await admin.get(`/api/creators/${creatorId}/media?kind=pdf&limit=0`);
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual([
      'kind',
      'limit',
    ]);
  });

  it('lets a manager work on their creators, a model look at their own, and nobody else in', async () => {
    const manager = await as('media-manager@test.velvet', 'manager', [creatorId]);
    const model = await as('media-model@test.velvet', 'model', [creatorId]);
    const chatter = await as('media-chatter@test.velvet', 'chatter', [creatorId]);
    const otherManager = await as('media-other@test.velvet', 'manager', [otherCreatorId]);
    const [first] = (await admin.get(`/api/creators/${creatorId}/media?kind=image`)).body.items;

    expect((await upload(manager, creatorId, await photo(), 'm.jpg')).status).toBe(200);
    expect((await manager.patch(`/api/media/${first.id}`, { alt: 'Sunset' })).body.alt).toBe('Sunset');
    expect((await model.get(`/api/creators/${creatorId}/media`)).status).toBe(200);
    expect((await fetchAs(model, first.fileUrl)).status).toBe(200);
    expect((await upload(model, creatorId, await photo(), 'x.jpg')).status).toBe(403);
    expect((await model.patch(`/api/media/${first.id}`, { alt: 'no' })).status).toBe(403);
    expect((await chatter.get(`/api/creators/${creatorId}/media`)).status).toBe(403);
    expect((await fetchAs(chatter, first.fileUrl)).status).toBe(403);
    expect((await otherManager.get(`/api/creators/${creatorId}/media`)).status).toBe(403);
    expect((await fetchAs(otherManager, first.thumbnailUrl)).status).toBe(403);
    expect((await upload(otherManager, creatorId, await photo(), 'y.jpg')).status).toBe(403);
    expect((await fetch(`${hub.url}${first.fileUrl}`)).status).toBe(401);
    expect((await manager.patch(`/api/media/${first.id}`, { alt: 'x'.repeat(1001) })).status).toBe(422);
  });

  it('deletes an asset with its files', async () => {
    const [video] = (await admin.get(`/api/creators/${creatorId}/media?kind=video`)).body.items;
    expect((await admin.delete(`/api/media/${video.id}`)).status).toBe(204);
    expect((await admin.get(`/api/media/${video.id}`)).status).toBe(404);
    expect((await fetchAs(admin, video.fileUrl)).status).toBe(404);
    const library = path.join(hub.ctx.env.MEDIA_DIR, 'library', creatorId);
    expect(readdirSync(library).some((name) => name.endsWith('.mp4'))).toBe(false);
  });

  it('takes an upload at POST /api/media for the creator named in the query or a field before the file', async () => {
    const lena = (await admin.post('/api/creators', creatorBody('Lena'))).body.id as string;
    const colored = (background: string) =>
      sharp({ create: { width: 800, height: 600, channels: 3, background } })
        .jpeg()
        .toBuffer();
    const post = (client: Client, query: string, parts: [string, Blob | string, string?][]) => {
      const form = new FormData();
      for (const [name, value, fileName] of parts)
        if (typeof value === 'string') form.append(name, value);
        else form.append(name, value, fileName);
      return fetch(`${hub.url}/api/media${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${client.token}` },
        body: form,
      });
    };
    const blob = (bytes: Buffer) => new Blob([new Uint8Array(bytes)]);
    const incoming = path.join(hub.ctx.env.MEDIA_DIR, 'incoming');
    const stored = async () =>
      ((await admin.get(`/api/creators/${lena}/media`)).body.items as { id: string }[]).map((m) => m.id);

    const first = await colored('#2980b9');
    const made = await post(admin, `?creatorId=${lena}`, [['file', blob(first), 'a.jpg']]);
    expect(made.status).toBe(201);
    const view = await made.json();
    expect(view).toMatchObject({ creatorId: lena, kind: 'image', url: view.fileUrl, width: 800 });
    const { url, ...rest } = view;
    expect(url).toMatch(new RegExp(`^/api/media/${view.id}/file`));
    expect((await admin.get(`/api/media/${view.id}`)).body).toEqual(rest);
    // The existing route answers the same asset for the same bytes.
    const same = await upload(admin, lena, first, 'again.jpg');
    expect(same.status).toBe(200);
    expect(await same.json()).toEqual(rest);

    const second = await post(admin, '', [
      ['creatorId', lena],
      ['alt', 'Blue sky'],
      ['file', blob(await colored('#27ae60')), 'b.jpg'],
    ]);
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ creatorId: lena, alt: 'Blue sky' });
    expect(await stored()).toHaveLength(2);

    const manager = await as('media-post-manager@test.velvet', 'manager', [lena]);
    const chatter = await as('media-post-chatter@test.velvet', 'chatter', [lena]);
    const otherManager = await as('media-post-other@test.velvet', 'manager', [otherCreatorId]);
    const third = await colored('#f39c12');
    expect((await post(chatter, `?creatorId=${lena}`, [['file', blob(third), 'c.jpg']])).status).toBe(403);
    expect((await post(otherManager, `?creatorId=${lena}`, [['file', blob(third), 'c.jpg']])).status).toBe(
      403,
    );
    const asField = await post(otherManager, '', [
      ['creatorId', lena],
      ['file', blob(third), 'c.jpg'],
    ]);
    expect(asField.status).toBe(403);
    expect(await stored()).toHaveLength(2);
    expect((await post(manager, `?creatorId=${lena}`, [['file', blob(third), 'c.jpg']])).status).toBe(201);

    const fourth = blob(await colored('#8e44ad'));
    const none = await post(admin, '', [['file', fourth, 'd.jpg']]);
    expect(none.status).toBe(422);
    expect(JSON.stringify(await none.json())).toMatch(/creatorId/);
    const late = await post(admin, '', [
      ['file', fourth, 'd.jpg'],
      ['creatorId', lena],
    ]);
    expect(late.status).toBe(422);
    expect((await post(admin, '?creatorId=lena', [['file', fourth, 'd.jpg']])).status).toBe(422);
    expect((await post(admin, `?creatorId=${lena}&kind=image`, [['file', fourth, 'd.jpg']])).status).toBe(
      422,
    );
    const unknown = await post(admin, '?creatorId=00000000-0000-4000-8000-000000000000', [
      ['file', fourth, 'd.jpg'],
    ]);
    expect(unknown.status).toBe(404);
    expect(await stored()).toHaveLength(3);
    expect(existsSync(incoming) ? readdirSync(incoming) : []).toEqual([]);
  });
});
