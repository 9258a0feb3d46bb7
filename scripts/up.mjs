#!/usr/bin/env node
// `npm run up`: install what is missing, then run every role in one process with the embedded
// defaults. When the inbox UI has no up-to-date build, it is built alongside: the hub starts at
// once and shows a page that reloads itself until the build is done, so the URL and first-run
// login are printed as soon as the hub listens. Install and build output is shown only if they
// fail. Signals are forwarded for a clean stop.
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Left by an install that skipped the packages' install scripts; `npm test` (scripts/test.mjs) runs them. */
const SCRIPTS_SKIPPED = 'node_modules/.velvet-install-scripts-skipped';
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
const seconds = () => Math.round((Date.now() - started) / 1000);
let stopping = false;

/** Runs a command with its output kept back, shown only if it fails; `done` resolves to success. */
function quietly(command, args, what) {
  process.stdout.write(`velvet: ${what}…\n`);
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise((resolve) => {
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => (output += String(error)));
    child.on('close', (code) => {
      if (code !== 0 && !stopping) {
        process.stderr.write(`${output}\nvelvet: ${what} failed (${[command, ...args].join(' ')})\n`);
      }
      resolve(code === 0);
    });
  });
  return { child, done };
}

if (!existsSync(`${root}/node_modules/.package-lock.json`)) {
  // --prefer-offline: the lockfile pins every version, so cached tarballs need no revalidation.
  // --ignore-scripts: the native modules Velvet runs on (argon2, esbuild, msgpackr-extract)
  // load binaries shipped in their packages; the install scripts only build what the tests
  // use (better-sqlite3 for the Bluesky stand-in), which compiles SQLite for minutes when its
  // prebuilt binary cannot be downloaded. `npm test` runs them first (SCRIPTS_SKIPPED).
  const args = ['ci', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'];
  const install = quietly(npm, args, 'installing dependencies (npm ci)');
  if (!(await install.done)) process.exit(1);
  writeFileSync(`${root}/${SCRIPTS_SKIPPED}`, 'npm ci --ignore-scripts: `npm rebuild` runs them\n');
  process.stdout.write(`velvet: dependencies installed (${seconds()} s)\n`);
}
// Imported only now: before the install there may be nothing to import it with.
const { isUpToDate } = await import('./ui-build.mjs');
const building = isUpToDate(root)
  ? undefined
  : quietly(process.execPath, ['scripts/ui-build.mjs'], 'building the inbox UI while the hub starts');

const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'hub/src/main.ts', '--role', 'all', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopping = true;
    building?.child.kill(signal);
    child.kill(signal);
  });

void building?.done.then((ok) => {
  if (ok)
    process.stdout.write(`velvet: the interface is built (${seconds()} s); the page has reloaded itself\n`);
  // A UI that cannot be built leaves nothing to sign in to: stop rather than serve a 404.
  else if (!stopping) child.kill('SIGTERM');
});
child.on('exit', (code, signal) => {
  building?.child.kill('SIGTERM');
  // A failed build stops the hub: that is a failure even if the hub stopped cleanly.
  void (building?.done ?? Promise.resolve(true)).then((ok) =>
    process.exit(ok || stopping ? (code ?? (signal ? 1 : 0)) : 1),
  );
});
