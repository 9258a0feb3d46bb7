import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';

export interface LocalChroma {
  url: string;
  /** The child's process id (tests stop it to see drafting carry on). */
  pid: number;
  stop(): Promise<void>;
}

interface Log {
  info(obj: object, msg?: string): void;
}

/** The `chroma` command shipped in the chromadb package: the Chroma server in its native bindings. */
export function chromaCli(): string {
  // The package exports no ./package.json: find its root from its entry point.
  let dir = path.dirname(createRequire(import.meta.url).resolve('chromadb'));
  while (path.basename(dir) !== 'chromadb' && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'cli.mjs');
}

async function freePort(): Promise<number> {
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

/**
 * Starts `chroma run` from node_modules on a free loopback port, data under `dir` (the
 * embedded shape when memory is on and CHROMA_URL is unset, and the tests). Resolves once
 * its heartbeat answers.
 */
export async function startLocalChroma(dir: string, log?: Log): Promise<LocalChroma> {
  mkdirSync(dir, { recursive: true });
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [chromaCli(), 'run', '--path', dir, '--host', '127.0.0.1', '--port', String(port)],
      // Its own process group: Ctrl-C reaches the hub, which stops Chroma itself.
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env: { ...process.env, NO_COLOR: '1' } },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 20_000;
    let ready = false;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`${url}/api/v2/heartbeat`, { signal: AbortSignal.timeout(1000) });
        if (res.ok) {
          ready = true;
          break;
        }
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!ready) {
      child.kill('SIGKILL');
      if (attempt < 2) continue; // Port taken between probe and bind: try another.
      throw new Error(`chroma did not start within 20 s: ${stderr.trim() || `exit code ${child.exitCode}`}`);
    }
    log?.info({ port, dir }, 'started local chroma');
    return {
      url,
      pid: child.pid!,
      stop: () =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
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
