import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv, openDatabase, type Database } from '@velvet/shared';
import { askRunningHub, channelPath, channelToken, startBackupChannel } from '../src/backup/backup.channel';
import { createLogger } from '../src/logger';
import { ROOT } from './harness';

const SECRET = 'channel-secret-that-is-long-enough-for-velvet';

/** Raw requests on the Unix socket, as any local process could send them. */
function post(socketPath: string, body: string, authorization?: string) {
  return new Promise<{ status: number; body: any }>((resolve, reject) => {
    const req = http.request(
      {
        socketPath,
        path: '/backup',
        method: 'POST',
        headers: authorization ? { authorization } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The embedded hub's local backup channel: only the holder of VELVET_SECRET gets a backup. */
describe('the local backup channel', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-channel-'));
  const env = loadEnv(
    { DATA_DIR: dir, VELVET_SECRET: SECRET, VELVET_CONFIG: path.join(ROOT, 'config/velvet.yaml') },
    ROOT,
  );
  let database: Database;
  let channel: { close(): Promise<void> };

  beforeAll(async () => {
    database = await openDatabase({ dataDir: dir });
    channel = await startBackupChannel({
      env,
      database,
      token: channelToken(SECRET),
      logger: createLogger('silent'),
    });
  }, 60_000);

  afterAll(async () => {
    await channel?.close();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is a socket only its owner may open, and refuses a wrong token or a bad body', async () => {
    const socket = channelPath(dir);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    const out = path.join(dir, 'refused.tar.gz');
    expect(await post(socket, JSON.stringify({ out }))).toMatchObject({ status: 401 });
    expect(
      await post(socket, JSON.stringify({ out }), `Bearer ${channelToken('another-secret')}`),
    ).toMatchObject({ status: 401 });
    const token = `Bearer ${channelToken(SECRET)}`;
    expect(await post(socket, JSON.stringify({ out: 'relative.tar.gz' }), token)).toEqual({
      status: 422,
      body: { error: 'out: must be an absolute path' },
    });
    expect((await post(socket, '{not json', token)).status).toBe(422);
    expect((await post(socket, JSON.stringify({ out, extra: 1 }), token)).status).toBe(422);
    expect(existsSync(out)).toBe(false);

    await expect(askRunningHub(env, channelToken('another-secret'), out)).rejects.toThrow(
      /VELVET_SECRET differs/,
    );
  });

  it('writes the backup for the right token, from the open database', async () => {
    const out = path.join(dir, 'asked.tar.gz');
    const written = await askRunningHub(env, channelToken(SECRET), out);
    expect(written?.file).toBe(out);
    expect(written?.manifest).toMatchObject({ driver: 'pglite', counts: { users: 0 }, erasures: [] });
    expect(statSync(out).size).toBeGreaterThan(0);
  }, 60_000);

  it('is gone once closed, and then nobody answers', async () => {
    await channel.close();
    expect(existsSync(channelPath(dir))).toBe(false);
    expect(await askRunningHub(env, channelToken(SECRET), path.join(dir, 'x.tar.gz'))).toBeUndefined();
  });
});
