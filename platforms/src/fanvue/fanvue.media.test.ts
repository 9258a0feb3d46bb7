import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFanvueConnector, type FanvueConnector } from './fanvue.connector';
import { FANVUE_API_VERSION } from './fanvue.schema';
import { startFanvueStandin, type FanvueStandin, type FanvueStandinOptions } from './fanvue.standin';

const CLIENT = { clientId: 'velvet-media-client', clientSecret: 'velvet-media-client-secret-0001' };
const REDIRECT = 'http://127.0.0.1:1/api/oauth/fanvue/callback';
/** Small parts, so a 100 KiB photo is a 2-part upload. */
const PART = 64 * 1024;

/** A pack's media host: the files by path; anything else is a 404. */
async function startFiles(files: Record<string, Buffer>): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const file = files[req.url ?? ''];
    if (!file) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
    res.end(file);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function connected(options: Partial<FanvueStandinOptions> = {}) {
  const standin = await startFanvueStandin({ ...CLIENT, ...options });
  const connector = createFanvueConnector({
    apiRoot: standin.apiRoot,
    authRoot: standin.authRoot,
    ...CLIENT,
    media: { partBytes: PART, pollMs: 10, readyTimeoutMs: 5000 },
  });
  const verifier = randomBytes(32).toString('base64url');
  const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
  const consent = await fetch(
    connector.oauth.authorizeUrl({ state: 's', codeChallenge, redirectUri: REDIRECT }),
    { redirect: 'manual' },
  );
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const { credentials } = await connector.oauth.exchange({
    code,
    codeVerifier: verifier,
    redirectUri: REDIRECT,
  });
  return { standin, connector, stored: credentials as Record<string, string> };
}

describe('Fanvue media through the upload session', () => {
  const photo = randomBytes(100 * 1024 + 17);
  const clip = randomBytes(3000);
  let files: { url: string; server: Server };
  let standin: FanvueStandin;
  let connector: FanvueConnector;
  let stored: Record<string, string>;

  beforeAll(async () => {
    files = await startFiles({ '/packs/pied.jpg': photo, '/packs/clip.mp4': clip, '/packs/bad.jpg': clip });
    ({ standin, connector, stored } = await connected());
  });
  afterAll(async () => {
    await standin?.close();
    await new Promise<void>((r) => files.server.close(() => r()));
  });

  it('uploads a photo in 2 parts that reassemble to the exact bytes, then sells it', async () => {
    await connector.sendPaidMessage(stored, {
      chatId: 'fan-1',
      text: 'Pack pieds',
      priceCents: 1500,
      currency: 'EUR',
      media: [
        { kind: 'photo', url: `${files.url}/packs/pied.jpg` },
        { kind: 'video', url: `${files.url}/packs/clip.mp4` },
      ],
    });
    const [first, second] = standin.uploads;
    expect(first).toMatchObject({ name: 'pied.jpg', filename: 'pied.jpg', mediaType: 'image' });
    expect([...first!.parts.keys()]).toEqual([1, 2]);
    expect(first!.parts.get(1)!.bytes.length).toBe(PART);
    expect(standin.mediaBytes(first!.mediaUuid)!.equals(photo)).toBe(true);
    expect(second).toMatchObject({ mediaType: 'video', status: 'ready' });
    expect(standin.mediaBytes(second!.mediaUuid)!.equals(clip)).toBe(true);

    const [sent] = standin.sent;
    expect(sent).toMatchObject({ chatId: 'fan-1', price: 1500 });
    expect(sent!.mediaUuids).toEqual([first!.mediaUuid, second!.mediaUuid]);
    // Processing was waited for: the first status read said `processing`, the next `ready`.
    expect(standin.calls.filter((c) => c.route === 'media').length).toBe(4);
    // The session was completed with storage's ETags, quotes kept.
    const complete = standin.calls.find((c) => c.route === 'complete')!;
    expect(complete.body).toEqual({
      parts: [1, 2].map((n) => ({ PartNumber: n, ETag: first!.parts.get(n)!.etag })),
    });
    expect(first!.parts.get(1)!.etag).toMatch(/^"[0-9a-f]{32}"$/);
  });

  it('sends the bearer token and API version to the API, and neither to storage', () => {
    const api = standin.calls.filter((c) =>
      ['upload', 'part', 'complete', 'media', 'send'].includes(c.route),
    );
    expect(new Set(api.map((c) => c.route))).toEqual(
      new Set(['upload', 'part', 'complete', 'media', 'send']),
    );
    for (const call of api) {
      expect(call.headers['x-fanvue-api-version']).toBe(FANVUE_API_VERSION);
      expect(call.headers.authorization).toBe(`Bearer ${stored.accessToken}`);
    }
    const puts = standin.calls.filter((c) => c.route === 'storage');
    expect(puts).toHaveLength(3);
    for (const put of puts) {
      expect(put.headers.authorization).toBeUndefined();
      expect(put.headers['x-fanvue-api-version']).toBeUndefined();
    }
  });

  it("counts the API calls against Fanvue's budget, and not the PUTs to storage", async () => {
    const fresh = await connected();
    try {
      // 2 parts: create, 2 part URLs, complete, 2 status reads = 6 API calls; 2 PUTs.
      for (let i = 0; i < 200 - 6; i++) await fresh.connector.send(fresh.stored, { chatId: 'f', text: 'x' });
      const refused = await fresh.connector
        .sendPaidMessage(fresh.stored, {
          chatId: 'fan-b',
          text: 'Pack',
          priceCents: 1000,
          currency: 'EUR',
          media: [{ kind: 'photo', url: `${files.url}/packs/pied.jpg` }],
        })
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ kind: 'retryable', code: 'rate_limited' });
      expect(fresh.standin.uploads[0]!.status).toBe('ready');
      expect(fresh.standin.calls.filter((c) => c.route === 'storage')).toHaveLength(2);
      expect(fresh.standin.sent.filter((m) => m.chatId === 'fan-b')).toEqual([]);
    } finally {
      await fresh.standin.close();
    }
  });

  it('a processing error is permanent and names the file; nothing is sent', async () => {
    standin.failNext('complete', { processing: 'error' });
    const before = standin.sent.length;
    const error = await connector
      .sendPaidMessage(stored, {
        chatId: 'fan-2',
        text: 'Pack',
        priceCents: 1500,
        currency: 'EUR',
        media: [{ kind: 'photo', url: `${files.url}/packs/bad.jpg` }],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'permanent', message: expect.stringContaining('"bad.jpg"') });
    expect((error as Error).message).toContain('status error');
    expect(standin.sent.length).toBe(before);
  });

  it('a media URL that answers 404 is a clear retryable error, before any session is opened', async () => {
    const sessions = standin.uploads.length;
    const error = await connector
      .sendPaidMessage(stored, {
        chatId: 'fan-3',
        text: 'Pack',
        priceCents: 1500,
        currency: 'EUR',
        media: [{ kind: 'photo', url: `${files.url}/packs/missing.jpg?sig=secret-token` }],
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'retryable', code: 'media_unavailable' });
    expect((error as Error).message).toMatch(/"missing\.jpg".*404/);
    expect((error as Error).message).not.toContain('secret-token');
    expect(standin.uploads.length).toBe(sessions);
  });

  it('uploads a pack file kept by the hub from its path, not from a URL', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-fanvue-pack-'));
    const kept = path.join(dir, '0b9e7c4e-1d7f-4c1e-9f55-6a3c1d2e8f00.png');
    writeFileSync(kept, photo);
    try {
      const before = standin.uploads.length;
      await connector.sendPaidMessage(stored, {
        chatId: 'fan-9',
        text: 'Pack photo',
        priceCents: 1250,
        currency: 'EUR',
        media: [{ kind: 'photo', url: 'pack-media/kept.png', path: kept }],
      });
      const [upload] = standin.uploads.slice(before);
      expect(upload).toMatchObject({ filename: path.basename(kept), mediaType: 'image' });
      expect(standin.mediaBytes(upload!.mediaUuid)!.equals(photo)).toBe(true);
      expect(standin.sent.at(-1)).toMatchObject({ chatId: 'fan-9', mediaUuids: [upload!.mediaUuid] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a part URL answered as {url}', async () => {
    const other = await connected({ partUrlAs: 'object' });
    try {
      const sent = await other.connector.sendMedia(other.stored, 'fan-4', 'Cadeau', [
        { kind: 'photo', url: `${files.url}/packs/pied.jpg` },
      ]);
      expect(sent.platformMessageId).toBeTruthy();
      expect(other.standin.mediaBytes(other.standin.uploads[0]!.mediaUuid)!.equals(photo)).toBe(true);
    } finally {
      await other.standin.close();
    }
  });

  describe('the stand-in holds Fanvue to the protocol', () => {
    const api = (path: string, init: { method: string; json?: unknown }) =>
      fetch(`${standin.apiRoot}${path}`, {
        method: init.method,
        headers: {
          authorization: `Bearer ${stored.accessToken}`,
          'x-fanvue-api-version': FANVUE_API_VERSION,
          'content-type': 'application/json',
        },
        ...(init.json !== undefined ? { body: JSON.stringify(init.json) } : {}),
      });

    it('refuses a wrong ETag, a missing part, a bad signature, and media that is not ready', async () => {
      const opened = await api('/media/uploads', {
        method: 'POST',
        json: { name: 'x', filename: 'x.jpg', mediaType: 'image' },
      });
      expect(opened.status).toBe(201);
      const { uploadId, mediaUuid } = (await opened.json()) as { uploadId: string; mediaUuid: string };
      const signed = (await (
        await api(`/media/uploads/${uploadId}/parts/1/url`, { method: 'GET' })
      ).json()) as string;
      expect(signed).toContain('X-Amz-Signature=');

      const forged = new URL(signed);
      forged.searchParams.set('X-Amz-Signature', '0'.repeat(64));
      expect((await fetch(forged, { method: 'PUT', body: 'abc' })).status).toBe(403);
      const withBearer = await fetch(signed, {
        method: 'PUT',
        body: 'abc',
        headers: { authorization: `Bearer ${stored.accessToken}` },
      });
      expect(withBearer.status).toBe(400);
      const put = await fetch(signed, { method: 'PUT', body: 'abc' });
      const etag = put.headers.get('etag')!;

      const patch = (parts: unknown) =>
        api(`/media/uploads/${uploadId}`, { method: 'PATCH', json: { parts } });
      expect((await patch([{ PartNumber: 1, ETag: '"nope"' }])).status).toBe(400);
      expect(
        (
          await patch([
            { PartNumber: 1, ETag: etag },
            { PartNumber: 2, ETag: etag },
          ])
        ).status,
      ).toBe(400);
      const send = () =>
        api('/chats/fan-5/message', {
          method: 'POST',
          json: { text: 'x', mediaUuids: [mediaUuid], price: 500 },
        });
      expect((await send()).status).toBe(400);
      expect((await patch([{ PartNumber: 1, ETag: etag }])).status).toBe(200);
      expect((await send()).status).toBe(400);
      // `processing` on the first read: still refused in a message.
      const read = async () =>
        ((await (await api(`/media/${mediaUuid}`, { method: 'GET' })).json()) as any).status;
      expect(await read()).toBe('processing');
      expect(await read()).toBe('ready');
      expect((await send()).status).toBe(201);
      expect(standin.mediaBytes(mediaUuid)!.toString()).toBe('abc');
    });
  });
});
