import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '@velvet/shared';
import { TEST_REDIS_URL } from '@velvet/shared/testing';
import { until } from './stack';

export const SENTINEL_MASTER = 'velvet-test-master';

export interface RedisTopology {
  /** What REDIS_URL names for Velvet's processes. */
  url: string;
  /** Where the data lives, as plain redis:// URLs (the master, or every Cluster node). */
  dataNodes: string[];
  close(): Promise<void>;
}

function requireRedisServer(): void {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      'redis-server is not installed: `apt-get install redis-server` (it runs Sentinel and Cluster nodes too)',
    );
  }
}

/** A redis-server child whose output is kept, stopped with SIGTERM. */
function startRedisProcess(args: string[], ready: string) {
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return {
    async ready() {
      await until(() => output.includes(ready) || child.exitCode !== null, 10_000, `redis-server ${args[0]}`);
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}):\n${output}`);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * A real Redis Sentinel (Debian's redis-server in sentinel mode) on a free loopback port,
 * monitoring the machine's Redis, the one the rest of the suite uses, as SENTINEL_MASTER.
 */
export async function startSentinel(): Promise<RedisTopology> {
  requireRedisServer();
  const master = new URL(TEST_REDIS_URL);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-sentinel-'));
  const config = path.join(dir, 'sentinel.conf');
  // Sentinel rewrites its config file as it learns, so it gets one of its own.
  writeFileSync(
    config,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${SENTINEL_MASTER} ${master.hostname} ${master.port || 6379} 1`,
      '',
    ].join('\n'),
  );
  const sentinel = startRedisProcess([config, '--sentinel'], '+monitor master');
  await sentinel.ready();
  return {
    url: `redis+sentinel://127.0.0.1:${port}/${SENTINEL_MASTER}`,
    dataNodes: [TEST_REDIS_URL],
    async close() {
      await sentinel.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A real three-master Redis Cluster on free loopback ports, no persistence, formed with
 * `redis-cli --cluster create` and waited for until every slot is served.
 */
export async function startCluster(): Promise<RedisTopology> {
  requireRedisServer();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-cluster-'));
  const ports = [await freePort(), await freePort(), await freePort()];
  const nodes = ports.map((port) =>
    startRedisProcess(
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      'Ready to accept connections',
    ),
  );
  const close = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(nodes.map((n) => n.ready()));
    const create = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((p) => `127.0.0.1:${p}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (create.status !== 0)
      throw new Error(`redis-cli --cluster create failed:\n${create.stdout}${create.stderr}`);
    await until(
      () =>
        ports.every((port) =>
          /cluster_state:ok/.test(
            spawnSync('redis-cli', ['-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).stdout,
          ),
        ),
      20_000,
      'the cluster to serve every slot',
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url: `redis+cluster://${ports.map((p) => `127.0.0.1:${p}`).join(',')}`,
    dataNodes: ports.map((p) => `redis://127.0.0.1:${p}`),
    close,
  };
}
