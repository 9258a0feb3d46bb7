import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@velvet/shared';
import { ROOT } from './harness';
import { until } from './stack';

export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));

/**
 * The repository's nginx.conf with the given hubs as its upstreams: every line naming hub-1
 * is repeated for each hub (hub-1, hub-2, …; start them with VELVET_HUB_ID=hub-N for the
 * session routing), lines naming the conf's other hubs are dropped.
 */
export function nginxConfig(dir: string, port: number, hubs: number[]): string {
  const conf = readFileSync(path.join(ROOT, 'nginx.conf'), 'utf8')
    .replace(/pid [^;]+;/, `pid ${dir}/nginx.pid;`)
    .split('\n')
    .filter((line) => !/hub[-_][2-9]/.test(line))
    .flatMap((line) =>
      /hub[-_]1\b/.test(line) ? hubs.map((_, i) => line.replace(/hub([-_])1\b/g, `hub$1${i + 1}`)) : [line],
    )
    .join('\n')
    .replace(/hub-(\d+):8080/g, (_, n: string) => `127.0.0.1:${hubs[Number(n) - 1]}`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`)
    .replace(
      'http {',
      `http {\n  client_body_temp_path ${dir}/body;\n  proxy_temp_path ${dir}/proxy;\n  error_log ${dir}/error.log;`,
    );
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}error_log ${dir}/error.log;\n${conf}`;
}

/** Debian's nginx in the foreground with the repository's config in front of `hubs`. */
export async function startNginx(
  dataDir: string,
  hubs: number[],
): Promise<{ url: string; process: ChildProcess }> {
  if (!NGINX) throw new Error('nginx is not installed: sudo apt-get install -y nginx');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const dir = path.join(dataDir, 'nginx');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, port, hubs));
  const child = spawn(NGINX, ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: 'inherit',
  });
  await until(async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok, 10_000, 'nginx');
  return { url, process: child };
}

/** Cookies nginx routes to each hub instance (by the instance id /healthz reports). */
export async function stickyCookies(url: string, instances: number): Promise<Map<string, string>> {
  const byInstance = new Map<string, string>();
  for (let i = 0; byInstance.size < instances && i < 200; i++) {
    const response = await fetch(`${url}/healthz`, { headers: { cookie: `velvet_sticky=client-${i}` } });
    const { instance } = (await response.json()) as { instance: string };
    if (!byInstance.has(instance)) byInstance.set(instance, `client-${i}`);
  }
  return byInstance;
}
