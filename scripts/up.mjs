#!/usr/bin/env node
// `npm run up`: install what is missing, then run every role in one process with the embedded
// defaults, building the UI meanwhile when it is absent (the hub picks it up once written).
// Install and build output is shown only if they fail; the hub's framed URL and first-run
// login are held until the build is done, so they are the last lines of the start.
// Signals are forwarded for a clean stop.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const started = Date.now();
let stopping = false;

/** Runs npm with its output kept back, shown only if it fails; `done` resolves to success. */
function quietly(args, what) {
  process.stdout.write(`velvet: ${what}…\n`);
  const child = spawn(npm, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise((resolve) => {
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => (output += String(error)));
    child.on('close', (code) => {
      if (code === 0) {
        process.stdout.write(`velvet: ${what}: done (${Math.round((Date.now() - started) / 1000)} s)\n`);
      } else if (!stopping) {
        process.stderr.write(`${output}\nvelvet: ${what} failed (npm ${args.join(' ')})\n`);
      }
      resolve(code === 0);
    });
  });
  return { child, done };
}

if (!existsSync(`${root}/node_modules/.package-lock.json`)) {
  // --prefer-offline: the lockfile pins every version, so cached tarballs need no revalidation.
  const args = ['ci', '--prefer-offline', '--no-audit', '--no-fund'];
  if (!(await quietly(args, 'installing dependencies (npm ci)').done)) process.exit(1);
}
const building = existsSync(`${root}/inbox-ui/build/handler.js`)
  ? undefined
  : quietly(['run', 'build'], 'building the inbox UI while the hub starts');

const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'hub/src/main.ts', '--role', 'all', ...process.argv.slice(2)],
  { cwd: root, stdio: ['inherit', building ? 'pipe' : 'inherit', 'inherit'] },
);
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => {
    stopping = true;
    child.kill(signal);
  });

// The hub's output waits for the build, then flows through.
let held = building ? [] : undefined;
const release = () => {
  for (const chunk of held ?? []) process.stdout.write(chunk);
  held = undefined;
};
child.stdout?.on('data', (chunk) => (held ? held.push(chunk) : process.stdout.write(chunk)));
void building?.done.then((ok) => {
  if (ok) return release();
  if (!stopping) child.kill('SIGTERM');
});
child.on('exit', (code, signal) => {
  release();
  building?.child.kill('SIGTERM');
  // A failed build stops the hub: that is a failure even if the hub stopped cleanly.
  void (building?.done ?? Promise.resolve(true)).then((ok) =>
    process.exit(ok || stopping ? (code ?? (signal ? 1 : 0)) : 1),
  );
});
