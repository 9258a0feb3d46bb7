import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@velvet/shared';
import { ADMIN, Client, creatorBody, startTestHub, type TestHub } from './harness';

/** The smallest real PNG: a 1×1 pixel. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
/** The start of an MP4: its `ftyp` box. */
const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom\0\0\0\0isommp42'),
  Buffer.alloc(64),
]);

/** Pack photos and videos uploaded from the panel: checked by their bytes, kept per creator, shown by scope. */
describe('pack media API', () => {
  let hub: TestHub;
  let admin: Client;
  let creatorId: string;
  let otherId: string;

  const as = async (role: Role, creators: string[]) => {
    const user = await hub.createUser(
      `${role}-${Math.random().toString(36).slice(2)}@test.velvet`,
      role,
      creators,
    );
    const client = new Client(hub.url);
    await client.login(user.email, user.password);
    return client;
  };

  async function upload(client: Client, creator: string, bytes: Buffer, name: string, type: string) {
    const form = new FormData();
    form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
    const response = await fetch(`${hub.url}/api/creators/${creator}/pack-media`, {
      method: 'POST',
      headers: client.token ? { authorization: `Bearer ${client.token}` } : {},
      body: form,
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function download(client: Client | undefined, url: string) {
    const response = await fetch(`${hub.url}${url}`, {
      headers: client?.token ? { authorization: `Bearer ${client.token}` } : {},
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  beforeAll(async () => {
    hub = await startTestHub();
    admin = new Client(hub.url);
    await admin.login(ADMIN.email, ADMIN.password);
    creatorId = (await admin.post('/api/creators', creatorBody('Media'))).body.id;
    otherId = (await admin.post('/api/creators', creatorBody('Other'))).body.id;
  });
  afterAll(() => hub?.stop());

  it('keeps a photo recognised by its bytes and gives the same bytes back', async () => {
    // Named and typed as something else: the bytes decide.
    const kept = await upload(admin, creatorId, PNG, 'holiday.gif', 'application/octet-stream');
    expect(kept.status).toBe(201);
    expect(kept.body).toMatchObject({ kind: 'photo', mimeType: 'image/png', size: PNG.length });
    expect(kept.body.file).toMatch(/^[0-9a-f-]{36}\.png$/);
    expect(kept.body.url).toBe(`/api/creators/${creatorId}/pack-media/${kept.body.file}`);
    const read = await download(admin, kept.body.url);
    expect(read).toMatchObject({ status: 200, type: 'image/png' });
    expect(read.bytes.equals(PNG)).toBe(true);

    const video = await upload(admin, creatorId, MP4, 'clip.bin', 'application/octet-stream');
    expect(video.body).toMatchObject({ kind: 'video', mimeType: 'video/mp4' });
  });

  it('refuses a file that only claims to be an image, and an oversized photo, beside the field', async () => {
    const fake = await upload(
      admin,
      creatorId,
      Buffer.from('<svg onload="alert(1)"/>'),
      'photo.jpg',
      'image/jpeg',
    );
    expect(fake.status).toBe(422);
    expect(fake.body.error.details.fields).toEqual([
      { path: 'file', message: 'must be a JPEG, PNG or WebP photo, or an MP4 or WebM video' },
    ]);
    const huge = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
    const big = await upload(admin, creatorId, huge, 'big.png', 'image/png');
    expect(big.status).toBe(422);
    expect(big.body.error.details.fields[0]).toEqual({
      path: 'file',
      message: 'a photo must be at most 10 MB',
    });
  });

  it('lets a pack carry an uploaded file of its own creator only, with the file’s own kind', async () => {
    const photo = (await upload(admin, creatorId, PNG, 'p.png', 'image/png')).body;
    const pack = await admin.post(`/api/creators/${creatorId}/packs`, {
      name: 'Pack photo',
      type: 'feet',
      price: 9.5,
      media: [{ kind: 'photo', file: photo.file }],
    });
    expect(pack.status).toBe(201);
    expect(pack.body.media).toEqual([{ kind: 'photo', file: photo.file }]);

    const elsewhere = await admin.post(`/api/creators/${otherId}/packs`, {
      name: 'Stolen',
      type: 'feet',
      price: 5,
      media: [{ kind: 'photo', file: photo.file }],
    });
    expect(elsewhere.status).toBe(422);
    expect(elsewhere.body.error.details.fields).toEqual([
      { path: 'media.0.file', message: 'is not a file uploaded for this creator' },
    ]);
    const asVideo = await admin.patch(`/api/packs/${pack.body.id}`, {
      media: [{ kind: 'video', file: photo.file }],
    });
    expect(asVideo.status).toBe(422);
    expect(asVideo.body.error.details.fields).toEqual([
      { path: 'media.0.kind', message: 'must be photo for this file' },
    ]);
    const madeUp = await admin.patch(`/api/packs/${pack.body.id}`, {
      media: [{ kind: 'photo', file: '../secret' }],
    });
    expect(madeUp.status).toBe(422);
    expect((await admin.get(`/api/packs/${pack.body.id}`)).body.media).toEqual([
      { kind: 'photo', file: photo.file },
    ]);
  });

  it('uploads for admins and managers in scope, shows files to whoever sees the creator’s catalog', async () => {
    const photo = (await upload(admin, creatorId, PNG, 'p.png', 'image/png')).body;
    const managerIn = await as('manager', [creatorId]);
    const managerOut = await as('manager', [otherId]);
    const chatter = await as('chatter', [creatorId]);
    const model = await as('model', [creatorId]);
    const otherModel = await as('model', [otherId]);

    expect((await upload(managerIn, creatorId, PNG, 'p.png', 'image/png')).status).toBe(201);
    expect((await upload(managerOut, creatorId, PNG, 'p.png', 'image/png')).status).toBe(403);
    expect((await upload(chatter, creatorId, PNG, 'p.png', 'image/png')).status).toBe(403);
    expect((await upload(model, creatorId, PNG, 'p.png', 'image/png')).status).toBe(403);
    expect((await upload(new Client(hub.url), creatorId, PNG, 'p.png', 'image/png')).status).toBe(401);

    expect((await download(managerIn, photo.url)).status).toBe(200);
    expect((await download(chatter, photo.url)).status).toBe(200);
    expect((await download(model, photo.url)).status).toBe(200);
    expect((await download(managerOut, photo.url)).status).toBe(403);
    expect((await download(otherModel, photo.url)).status).toBe(403);
    expect((await download(undefined, photo.url)).status).toBe(401);
    // Another creator's path to the same name finds nothing; a made-up name neither.
    expect((await download(admin, `/api/creators/${otherId}/pack-media/${photo.file}`)).status).toBe(404);
    expect((await download(admin, `/api/creators/${creatorId}/pack-media/..%2F..%2Fsecret`)).status).toBe(
      404,
    );
  });
});
