import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';

export interface LocalRedis {
  url: string;
  stop(): Promise<void>;
}

interface Log {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const REDIS_INSTALL_HINT =
  'redis-server was not found. Install it with `sudo apt-get install -y redis-server` ' +
  '(Debian/Ubuntu), or point REDIS_URL at a running Redis 7.';

function findOnPath(binary: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, binary);
    if (dir && existsSync(candidate)) return candidate;
  }
  for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin']) {
    const candidate = path.join(dir, binary);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** As root on Debian, install redis-server with apt; anywhere else, explain how. */
function ensureRedisBinary(log: Log): string {
  const found = findOnPath('redis-server');
  if (found) return found;
  const canApt = process.getuid?.() === 0 && existsSync('/etc/debian_version') && findOnPath('apt-get');
  if (!canApt) throw new Error(REDIS_INSTALL_HINT);
  log.warn({}, 'redis-server is missing: installing it with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], {
    stdio: 'inherit',
    env,
  });
  const installed = findOnPath('redis-server');
  if (install.status !== 0 || !installed) throw new Error(REDIS_INSTALL_HINT);
  return installed;
}

/** A loopback port free at the time of asking. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server left behind by a process that was killed outright. */
function stopStale(pidFile: string, log: Log): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmdline.includes('redis-server')) return;
    process.kill(pid, 'SIGTERM');
    log.warn({ pid }, 'stopped a redis-server left over from an earlier run');
  } catch {
    // Not running any more.
  }
}

async function waitUntilReady(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => {});
    try {
      await client.connect();
      const loading = await client.info('persistence');
      if (/loading:0/.test(loading)) return;
    } catch {
      // Not listening yet.
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not become ready within 15 s');
}

/**
 * Starts a child redis-server on a free loopback port, AOF on, data under `dir`;
 * used when REDIS_URL is unset (the embedded deployment).
 */
export async function startLocalRedis(dir: string, log: Log): Promise<LocalRedis> {
  const binary = ensureRedisBinary(log);
  mkdirSync(dir, { recursive: true });
  const pidFile = path.join(dir, 'redis.pid');
  stopStale(pidFile, log);
  await new Promise((r) => setTimeout(r, 100));

  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'yes',
        '--dir',
        dir,
        '--appendonly',
        'yes',
        '--appendfsync',
        'everysec',
        '--save',
        '',
        '--pidfile',
        pidFile,
        '--daemonize',
        'no',
        '--logfile',
        path.join(dir, 'redis.log'),
      ],
      // Its own process group: a terminal's Ctrl-C reaches the hub, which stops Redis last,
      // instead of taking Redis away in the middle of the hub's shutdown.
      { stdio: 'ignore', detached: true },
    );
    const url = `redis://127.0.0.1:${port}`;
    try {
      await waitUntilReady(url, child, Date.now() + 15_000);
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt < 2) continue; // Port taken between probe and bind: try another.
      throw error;
    }
    log.info({ port, dir }, 'started local redis-server');
    return {
      url,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    };
  }
}
