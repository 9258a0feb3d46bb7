import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT } from './harness';

const COMPOSE = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find((p) => existsSync(p));

const SECRETS = {
  VELVET_SECRET: 'deploy-test-secret-that-is-long-enough-for-velvet',
  POSTGRES_PASSWORD: 'deploy-test-postgres-password',
  PUBLIC_URL: 'https://velvet.example.test',
};

/** `docker-compose config` on the repository's file (no Docker engine needed). */
function composeConfig(env: Record<string, string>, ...args: string[]) {
  if (!COMPOSE) throw new Error('docker-compose is not installed: sudo apt-get install -y docker-compose');
  const result = spawnSync(
    COMPOSE,
    ['--env-file', '.env.example', '-f', 'docker-compose.yml', 'config', ...args],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Service {
  image?: string;
  build?: { context: string };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test?: string[]; disable?: boolean };
  restart?: string;
  ports?: unknown[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
}

const role = (s: Service) => (s.command?.[0] === '--role' ? s.command[1] : undefined);

describe('docker-compose.yml, the scaled shape', () => {
  let services: Record<string, Service>;
  let volumes: Record<string, unknown>;

  beforeAll(() => {
    const result = composeConfig(SECRETS);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    ({ services, volumes } = parse(result.stdout) as {
      services: Record<string, Service>;
      volumes: Record<string, unknown>;
    });
  });

  const byRole = (r: string) => Object.entries(services).filter(([, s]) => role(s) === r);

  it('runs nginx, 2 hubs, 2 workers, PostgreSQL, Redis and Ollama, Chroma only on request', () => {
    expect(byRole('hub').map(([name]) => name)).toEqual(['hub-1', 'hub-2']);
    expect(byRole('workers').map(([name]) => name)).toEqual(['workers-1', 'workers-2']);
    expect(services.postgres?.image).toMatch(/^postgres:1[5-9]/);
    expect(services.redis?.image).toMatch(/^redis:7/);
    expect(services.ollama?.image).toMatch(/^ollama\/ollama/);
    expect(services.nginx?.image).toMatch(/^nginx:/);
    expect(services.chroma?.profiles).toEqual(['memory']);
    const unprofiled = Object.keys(services).filter((n) => !services[n]!.profiles);
    expect(unprofiled.sort()).toEqual(
      [
        'hub-1',
        'hub-2',
        'nginx',
        'ollama',
        'ollama-pull',
        'postgres',
        'redis',
        'workers-1',
        'workers-2',
      ].sort(),
    );
  });

  it('checks the health of every long-running service and restarts it', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'ollama-pull' || name === 'chroma') continue;
      expect(service.healthcheck?.test?.length, `${name} healthcheck`).toBeGreaterThan(0);
      expect(service.restart, `${name} restart`).toBe('unless-stopped');
    }
    for (const [name, s] of byRole('hub')) expect(s.healthcheck?.test, name).toContain('hub');
    for (const [name, s] of byRole('workers')) expect(s.healthcheck?.test, name).toContain('workers');
    // The one-shot pull retries a failed download, then stops.
    expect(services['ollama-pull']?.restart).toBe('on-failure');
    expect(services['ollama-pull']?.entrypoint).toEqual(['node', 'scripts/pull-models.mjs']);
    expect(services['ollama-pull']?.depends_on?.ollama?.condition).toBe('service_healthy');
  });

  it('builds every Velvet process from this repository, all sharing one database, Redis and secret', () => {
    const velvet = [...byRole('hub'), ...byRole('workers')];
    for (const [name, s] of velvet) {
      expect(s.build?.context, name).toBe(ROOT);
      expect(s.environment?.DATABASE_URL, name).toBe(
        `postgres://velvet:${SECRETS.POSTGRES_PASSWORD}@postgres:5432/velvet`,
      );
      expect(s.environment?.REDIS_URL, name).toBe('redis://redis:6379');
      expect(s.environment?.OLLAMA_HOST, name).toBe('http://ollama:11434');
      expect(s.environment?.VELVET_SECRET, name).toBe(SECRETS.VELVET_SECRET);
      expect(s.depends_on?.postgres?.condition, name).toBe('service_healthy');
      expect(s.depends_on?.redis?.condition, name).toBe('service_healthy');
      // Hubs store uploads that workers send: one shared volume.
      expect(s.volumes, name).toContain('media:/data/media:rw');
    }
    expect(services.postgres?.environment?.POSTGRES_PASSWORD).toBe(SECRETS.POSTGRES_PASSWORD);
    expect(services.postgres?.volumes).toContain('pgdata:/var/lib/postgresql/data:rw');
    expect(services.redis?.volumes).toContain('redisdata:/data:rw');
    expect(services.ollama?.volumes).toContain('ollama:/root/.ollama:rw');
    expect(Object.keys(volumes).sort()).toEqual(['chroma', 'media', 'ollama', 'pgdata', 'redisdata']);
  });

  it('puts nginx, with the repository’s nginx.conf, in front of the hubs, and only nginx', () => {
    const published = Object.keys(services).filter((n) => services[n]!.ports?.length);
    expect(published).toEqual(['nginx']);
    expect(services.nginx?.volumes).toContain(`${path.join(ROOT, 'nginx.conf')}:/etc/nginx/nginx.conf:ro`);
    expect(services.nginx?.depends_on).toEqual({
      'hub-1': { condition: 'service_healthy' },
      'hub-2': { condition: 'service_healthy' },
    });
    // Each hub names itself as nginx.conf's session map and upstreams name it.
    const conf = readFileSync(path.join(ROOT, 'nginx.conf'), 'utf8');
    for (const [name, s] of byRole('hub')) {
      const id = s.environment?.VELVET_HUB_ID;
      expect(id, name).toBe(name);
      expect(conf).toContain(`~^${id}\\. velvet_${id!.replace('-', '_')};`);
      expect(conf).toContain(`upstream velvet_${id!.replace('-', '_')} { server ${name}:8080; }`);
      expect(conf).toMatch(new RegExp(`^ +server ${name}:8080 max_fails`, 'm'));
      expect(s.environment?.TRUST_PROXY, name).toBeTruthy();
    }
    // …and every hub nginx.conf names is a service.
    const mapped = [...conf.matchAll(/~\^(hub-\d+)\\\./g)].map((m) => m[1]);
    expect(mapped).toEqual(byRole('hub').map(([name]) => name));
  });

  it('refuses to start without the secrets, which .env.example documents and git ignores', () => {
    const missing = composeConfig({ ...SECRETS, VELVET_SECRET: '' }, '-q');
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('set VELVET_SECRET in .env');
    const example = readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    const compose = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    const substituted = new Set([...compose.matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!));
    for (const name of substituted) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
    // No value is filled in for a secret in the example.
    for (const name of ['VELVET_SECRET', 'POSTGRES_PASSWORD', 'VELVET_ADMIN_PASSWORD'])
      expect(example).toMatch(new RegExp(`^${name}=$`, 'm'));
    expect(readFileSync(path.join(ROOT, '.gitignore'), 'utf8')).toMatch(/^\.env$/m);
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);

  it('carries the pg_dump of the PostgreSQL major the compose file runs, for scheduled backups', () => {
    const client = /postgresql-client-(\d+)/.exec(stages.at(-1)!)?.[1];
    const compose = readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
    const server = /image: postgres:(\d+)/.exec(compose)?.[1];
    expect(client).toBeDefined();
    expect(client).toBe(server);
  });

  it('installs from the lockfile on Node 20, builds the UI, runs as a user that is not root', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20[-.]/m);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^COPY package\.json package-lock\.json/m);
    expect(dockerfile).toMatch(/^RUN npm ci /m);
    expect(dockerfile).not.toMatch(/npm install/);
    expect(dockerfile).toMatch(/^RUN npm run build$/m);
    const runtime = stages.at(-1)!;
    expect(runtime).toMatch(/^COPY --from=build \/app\/inbox-ui\/build /m);
    const users = [...runtime.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    // Every workspace manifest is copied before `npm ci`, or it would not install them.
    const workspaces = (
      JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] }
    ).workspaces;
    for (const ws of workspaces) expect(dockerfile).toContain(`COPY ${ws}/package.json ${ws}/`);
  });
});

describe('container scripts', () => {
  let server: http.Server;
  let url: string;
  const pulls: string[] = [];
  let health = 200;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        if (req.url === '/api/pull') {
          pulls.push((JSON.parse(body) as { model: string }).model);
          res.end(JSON.stringify({ status: 'success' }));
        } else if (req.url === '/healthz') res.writeHead(health).end('{}');
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => server.close());

  const run = (script: string, args: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, 'scripts', script), ...args], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, ...env },
      });
      let output = '';
      child.stdout.on('data', (d) => (output += d));
      child.stderr.on('data', (d) => (output += d));
      child.on('exit', (code) => resolve({ code, output }));
    });

  it('pulls each model config/velvet.yaml names, once', async () => {
    const config = parse(readFileSync(path.join(ROOT, 'config/velvet.yaml'), 'utf8')) as {
      ollama: { models: Record<string, { name: string }> };
    };
    const names = [...new Set(Object.values(config.ollama.models).map((m) => m.name))];
    const { code, output } = await run('pull-models.mjs', [], { OLLAMA_HOST: url });
    expect(output).toContain('ready');
    expect(code).toBe(0);
    expect(pulls.sort()).toEqual(names.sort());
  });

  it('reports a hub healthy only while its /healthz answers 200', async () => {
    const port = String((server.address() as { port: number }).port);
    expect((await run('healthcheck.mjs', ['hub'], { PORT: port })).code).toBe(0);
    health = 503;
    expect((await run('healthcheck.mjs', ['hub'], { PORT: port })).code).toBe(1);
  });
});
