import { crc32, deflateSync } from 'node:zlib';
import { createFile, type MP4BoxBuffer } from 'mp4box';
import { accountsRepo } from '@velvet/shared';
import type { Client, TestHub } from './harness';

/** A real MP4 movie header and samples: 1080 × 1920, as a phone's vertical video reports. */
export function verticalVideo(seconds = 15): Buffer {
  const file = createFile();
  file.init({ timescale: 1000, duration: seconds * 1000 });
  const track = file.addTrack({
    type: 'avc1',
    width: 1080,
    height: 1920,
    timescale: 1000,
    duration: seconds * 1000,
    media_duration: seconds * 1000,
    avcDecoderConfigRecord: new Uint8Array([1, 0x42, 0, 0x1e, 0xff, 0xe0, 0]).buffer,
  });
  for (let i = 0; i < seconds * 2; i++)
    file.addSample(track, new Uint8Array(64), { duration: 500, is_sync: i === 0 });
  const stream = file.getBuffer();
  return Buffer.from(new Uint8Array(stream.buffer as MP4BoxBuffer, 0, stream.byteLength));
}

/** Uploads a vertical video to the creator's library, as the panel does; answers its id. */
export async function uploadReel(hub: TestHub, client: Client, creatorId: string): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(verticalVideo())]), 'reel.mp4');
  const response = await fetch(`${hub.url}/api/creators/${creatorId}/media`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}` },
    body: form,
  });
  if (response.status >= 300) throw new Error(`upload: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

/**
 * An Instagram account for a creator, for tests that only plan posts: connecting one through
 * the API needs the Graph API stand-in (see instagram.e2e.test.ts), so the row is written as
 * the connection would.
 */
export async function instagramAccount(
  hub: TestHub,
  creatorId: string,
  label = 'Instagram',
): Promise<string> {
  const account = await accountsRepo.create(hub.ctx.db, {
    creatorId,
    platform: 'instagram',
    label,
    credentialsEnc: hub.ctx.secrets.credentials.sealJson({ accessToken: 'unused' }),
    settings: {},
  });
  return account.id;
}

/** A sandbox account connected through the API, as an admin would. */
export async function sandboxAccount(client: Client, creatorId: string, token: string): Promise<string> {
  const response = await client.post(`/api/creators/${creatorId}/accounts`, {
    platform: 'sandbox',
    credentials: { token },
    label: 'Sandbox',
  });
  if (response.status !== 201) throw new Error(`sandbox account: ${JSON.stringify(response.body)}`);
  return response.body.id as string;
}

/** Writes a post for `accountIds` and schedules it at `at`; answers its id. */
export async function scheduledPost(
  client: Client,
  creatorId: string,
  body: { kind: string; text?: string; mediaIds?: string[]; accountIds: string[] },
  at: Date,
): Promise<string> {
  const created = await client.post(`/api/creators/${creatorId}/posts`, body);
  if (created.status !== 201) throw new Error(`post: ${JSON.stringify(created.body)}`);
  const scheduled = await client.post(`/api/posts/${created.body.id}/schedule`, { at: at.toISOString() });
  if (scheduled.status !== 200) throw new Error(`schedule: ${JSON.stringify(scheduled.body)}`);
  return created.body.id as string;
}

/** A solid-colour PNG of `size`×`size` pixels, made in the test so it needs no fixture file. */
export function png(size: number, rgb: [number, number, number]): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(size * 3, Buffer.from(rgb))]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(Array.from({ length: size }, () => row)))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
