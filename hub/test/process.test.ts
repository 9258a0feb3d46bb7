import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@velvet/shared';
import { Client, creatorBody, ROOT } from './harness';

interface HubProcess {
  child: ChildProcess;
  output: () => string;
  url: string;
}

/** `npm run up`'s process, in the embedded shape: PGlite and a child redis-server under DATA_DIR. */
async function startHub(dataDir: string, env: Record<string, string> = {}): Promise<HubProcess> {
  const port = await freePort();
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', 'hub/src/main.ts', '--role', 'all'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      OLLAMA_HOST: 'http://127.0.0.1:9',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const deadline = Date.now() + 45_000;
  while (!output.includes('Velvet is running')) {
    if (child.exitCode !== null) throw new Error(`hub exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) throw new Error(`hub did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => output, url: `http://127.0.0.1:${port}` };
}

function stop(hub: HubProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (hub.child.exitCode !== null) return resolve(hub.child.exitCode);
    hub.child.once('exit', (code) => resolve(code));
    hub.child.kill(signal);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the hub process, embedded shape', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'velvet-up-'));
  const running: HubProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((hub) => stop(hub, 'SIGKILL')));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the first admin once, keeps data across a restart and shuts down cleanly', async () => {
    const first = await startHub(dataDir);
    running.push(first);
    expect(first.output()).toContain(`Open http://localhost:`);
    const password = /Password:\s+(\S+)/.exec(first.output())?.[1];
    expect(password).toBeTruthy();
    expect(first.output()).toContain('First admin: admin@velvet.local');

    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({
      status: 'degraded',
      checks: { db: { status: 'ok' }, redis: { status: 'ok' }, llm: { status: 'down' } },
    });

    const admin = new Client(first.url);
    expect((await admin.login('admin@velvet.local', password!)).status).toBe(200);
    const creator = await admin.post('/api/creators', creatorBody('Persisted'));
    expect(creator.status).toBe(201);
    const account = await admin.post(`/api/creators/${creator.body.id}/accounts`, {
      platform: 'sandbox',
      credentials: { token: 'sandbox-secret-value' },
    });
    expect(account.status).toBe(201);

    const redisPid = Number(readFileSync(path.join(dataDir, 'redis/redis.pid'), 'utf8'));
    expect(alive(redisPid)).toBe(true);
    expect(await stop(first)).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');
    expect(alive(redisPid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'redis/appendonlydir'))).toBe(true);

    const second = await startHub(dataDir);
    running.push(second);
    expect(second.output()).not.toContain('Password:');
    const again = new Client(second.url);
    expect((await again.login('admin@velvet.local', password!)).status).toBe(200);
    const persisted = await again.get(`/api/creators/${creator.body.id}`);
    expect(persisted.status).toBe(200);
    expect(persisted.body.name).toBe('Persisted');
    expect((await again.get(`/api/creators/${creator.body.id}/accounts`)).body.accounts).toHaveLength(1);
    // The secret persisted too: a token issued before the restart is still valid.
    const before = new Client(second.url);
    before.token = admin.token;
    expect((await before.get('/api/me')).status).toBe(200);

    const logs = second.output() + first.output();
    expect(logs).not.toContain('sandbox-secret-value');
    expect(await stop(second)).toBe(0);
  }, 120_000);

  it('uses the admin from the environment and refuses bad configuration by name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-up-'));
    try {
      const hub = await startHub(dir, {
        VELVET_ADMIN_EMAIL: 'Boss@Agency.test',
        VELVET_ADMIN_PASSWORD: 'boss-password-123',
      });
      running.push(hub);
      expect(hub.output()).toContain('First admin: boss@agency.test');
      expect(hub.output()).not.toContain('Password:');
      expect((await new Client(hub.url).login('boss@agency.test', 'boss-password-123')).status).toBe(200);
      expect(await stop(hub)).toBe(0);

      const bad = spawn(process.execPath, ['--import', 'tsx', 'hub/src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, DATA_DIR: dir, PORT: 'eighty' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      bad.stderr.on('data', (d) => (stderr += d));
      const code = await new Promise((resolve) => bad.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(/Invalid environment: PORT: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
