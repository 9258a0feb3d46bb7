#!/usr/bin/env node
// `npm run up`: install what is missing, build the UI when absent, then run every role
// in one process with the embedded defaults. Signals are forwarded for a clean stop.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args, what) {
  process.stdout.write(`velvet: ${what}…\n`);
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`velvet: ${what} failed (npm ${args.join(' ')})\n`);
    process.exit(result.status ?? 1);
  }
}

if (!existsSync(`${root}/node_modules/.package-lock.json`)) run(['ci'], 'installing dependencies (npm ci)');
if (!existsSync(`${root}/inbox-ui/build/handler.js`)) run(['run', 'build'], 'building the inbox UI');

const child = spawn(
  process.execPath,
  ['--import', 'tsx', 'hub/src/main.ts', '--role', 'all', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
