import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { freePort } from '@velvet/shared';
import pg from 'pg';

/** CPU seconds (user + system) a process has used so far; undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces: utime is the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

export type CpuGroup = 'hub' | 'workers' | 'postgres' | 'redis' | 'bench';

/**
 * CPU per process group over a window: the hub and workers processes, this database's
 * PostgreSQL backends (found in pg_stat_activity, sampled often so that a backend that
 * comes and goes is still counted), the bench's own Redis server, and this process (load
 * generator and stand-ins). Reading /proc is exact to the clock tick, whatever the noise of
 * the machine's other tenants.
 */
export class CpuMeter {
  private readonly seen = new Map<string, { first: number; last: number }>();
  private timer?: NodeJS.Timeout;
  private benchStart = process.cpuUsage();
  private readonly admin: pg.Client;

  constructor(
    private readonly pids: () => Partial<Record<'hub' | 'workers' | 'redis', number>>,
    databaseUrl: string,
  ) {
    const url = new URL(databaseUrl);
    this.database = url.pathname.slice(1);
    url.pathname = '/postgres';
    this.admin = new pg.Client({ connectionString: url.toString() });
  }
  private readonly database: string;

  async open(): Promise<void> {
    await this.admin.connect();
  }

  async close(): Promise<void> {
    this.stopTimer();
    await this.admin.end();
  }

  private async sample(fresh: boolean): Promise<void> {
    const { rows } = await this.admin.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1',
      [this.database],
    );
    const entries: [string, number][] = [
      ...Object.entries(this.pids()).filter((e): e is [string, number] => e[1] !== undefined),
      ...rows.map((r) => [`postgres:${r.pid}`, r.pid] as [string, number]),
    ];
    for (const [name, pid] of entries) {
      const value = cpuSeconds(pid);
      if (value === undefined) continue;
      const key = `${name.split(':')[0]}:${pid}`;
      const known = this.seen.get(key);
      // A backend born inside the window counts from zero: its connection setup is ours too.
      if (!known)
        this.seen.set(key, { first: fresh || !key.startsWith('postgres') ? value : 0, last: value });
      else known.last = value;
    }
  }

  /** Starts a window. */
  async start(): Promise<void> {
    this.seen.clear();
    this.benchStart = process.cpuUsage();
    await this.sample(true);
    this.timer = setInterval(() => void this.sample(false).catch(() => {}), 200);
  }

  private stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Ends the window: CPU milliseconds per group. */
  async stop(): Promise<Record<CpuGroup, number>> {
    this.stopTimer();
    await this.sample(false);
    const totals: Record<CpuGroup, number> = { hub: 0, workers: 0, postgres: 0, redis: 0, bench: 0 };
    for (const [key, { first, last }] of this.seen) {
      totals[key.split(':')[0] as CpuGroup] += (last - first) * 1000;
    }
    const bench = process.cpuUsage(this.benchStart);
    totals.bench = (bench.user + bench.system) / 1000;
    return totals;
  }
}

/**
 * A Redis server of the bench's own, so that its CPU is the pipeline's alone (the shared
 * one also serves everybody's tests).
 */
export async function startRedisServer(): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  const deadline = Date.now() + 10_000;
  while (!output.includes('Ready to accept connections')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`redis-server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
