#!/usr/bin/env node
// `npm test`: make sure the real services the suite needs are there (PostgreSQL and Redis
// on 127.0.0.1, Debian's Chromium, nginx, docker-compose), build the UI, type-check (tsc, svelte-check), lint
// (ESLint, Prettier), then run every test: the server suite and the UI's component tests (vitest projects).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const isRoot = process.getuid?.() === 0;
const onDebian = existsSync('/etc/debian_version');
let aptUpdated = false;

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  return result.status === 0;
}

function has(binary) {
  return spawnSync('sh', ['-c', `command -v ${binary}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(...packages) {
  if (!isRoot || !onDebian) return false;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) aptUpdated = sh('apt-get', ['update', '-qq'], { env });
  return sh('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env });
}

function reachable(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

async function waitFor(port, what) {
  for (let i = 0; i < 60; i++) {
    if (await reachable(port)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not start on 127.0.0.1:${port}`);
}

function fail(message) {
  process.stderr.write(`\nnpm test: ${message}\n`);
  process.exit(1);
}

async function ensureRedis() {
  if (await reachable(6379)) return;
  if (!has('redis-server') && !aptInstall('redis-server')) {
    fail(
      'Redis is not running on 127.0.0.1:6379 and redis-server is not installed: sudo apt-get install -y redis-server',
    );
  }
  sh('redis-server', [
    '--daemonize',
    'yes',
    '--bind',
    '127.0.0.1',
    '--port',
    '6379',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await waitFor(6379, 'Redis');
}

function postgresVersions() {
  return existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
}

async function ensurePostgres() {
  if (await reachable(5432)) return;
  if (postgresVersions().length === 0 && !aptInstall('postgresql')) {
    fail(
      'PostgreSQL is not running on 127.0.0.1:5432 and is not installed: sudo apt-get install -y postgresql',
    );
  }
  for (const version of postgresVersions()) {
    // The suite connects as postgres over TCP without a password, as on the CI machines.
    const hba = `/etc/postgresql/${version}/main/pg_hba.conf`;
    if (existsSync(hba) && !readFileSync(hba, 'utf8').includes('# velvet-test')) {
      writeFileSync(
        hba,
        `# velvet-test\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n${readFileSync(hba, 'utf8')}`,
      );
    }
    sh('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']);
  }
  await waitFor(5432, 'PostgreSQL');
}

function ensureChromium() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (existsSync(path)) return;
  if (!aptInstall('chromium')) fail(`Chromium is missing at ${path}: sudo apt-get install -y chromium`);
}

function ensureNginx() {
  if (['/usr/sbin/nginx', '/usr/bin/nginx'].some((p) => existsSync(p))) return;
  if (!aptInstall('nginx'))
    fail('nginx is missing (the scaled-shape test runs it): sudo apt-get install -y nginx');
}

function ensureDockerCompose() {
  if (['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].some((p) => existsSync(p))) return;
  if (!aptInstall('docker-compose'))
    fail(
      'docker-compose is missing (the deploy test validates docker-compose.yml): sudo apt-get install -y docker-compose',
    );
}

await ensureRedis();
await ensurePostgres();
ensureChromium();
ensureNginx();
ensureDockerCompose();

// `npm run up` installs without the packages' install scripts (scripts/up.mjs says why); the
// suite needs what they build (better-sqlite3 for the Bluesky stand-in).
const scriptsSkipped = `${root}/node_modules/.velvet-install-scripts-skipped`;
if (existsSync(scriptsSkipped)) {
  if (!sh('npm', ['rebuild'])) fail('npm rebuild failed');
  rmSync(scriptsSkipped);
}

if (!sh('npm', ['run', 'build', '--silent'], { stdio: ['inherit', 'ignore', 'inherit'] }))
  fail('the inbox UI does not build');
if (!sh('npx', ['tsc', '-p', 'tsconfig.json'])) fail('type errors (npx tsc -p tsconfig.json)');
if (!sh('npm', ['run', 'check', '-w', 'inbox-ui', '--silent']))
  fail('the inbox UI has type or Svelte errors (npm run check -w inbox-ui)');
// ESLint's cache keys on each file's content only, so a finding caused by a change in another
// file can hide behind it until that file changes; CI starts from a clean clone, without it.
const cache = ['--cache', '--cache-strategy', 'content', '--cache-location', 'node_modules/.cache/eslint/'];
if (!sh('npx', ['eslint', '.', ...cache])) fail('lint errors (npx eslint .)');
if (!sh('npx', ['prettier', '--check', '.', '--cache', '--log-level', 'warn']))
  fail('files not formatted (npx prettier --write .)');
const vitest = spawnSync('npx', ['vitest', 'run', ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
process.exit(vitest.status ?? 1);
