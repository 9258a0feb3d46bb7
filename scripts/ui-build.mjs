#!/usr/bin/env node
// `npm run build`: the inbox UI into inbox-ui/build, stamped with a hash of its inputs so that
// `npm run up` rebuilds only when something it is made from changed. While the build runs, a
// marker naming this process tells a hub started meanwhile that the interface is on its way
// (it shows a page that reloads itself rather than a 404).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the build, its stamp and the marker of a build under way live, under `root`. */
export function uiPaths(root = ROOT) {
  const ui = path.join(root, 'inbox-ui');
  return {
    ui,
    build: path.join(ui, 'build'),
    handler: path.join(ui, 'build', 'handler.js'),
    stamp: path.join(ui, 'build', '.inputs'),
    marker: path.join(ui, '.build-running'),
  };
}

// What the UI is made from: its sources and config, the shared package it imports, and the
// lockfile (a dependency upgrade changes the output). Outputs and installs are not inputs.
const INPUTS = ['inbox-ui', 'shared/src', 'package-lock.json'];
const SKIP = new Set(['node_modules', 'build', '.svelte-kit', '.build-running']);

function files(at, rel, out) {
  if (!existsSync(at)) return out;
  if (statSync(at).isFile()) return (out.push(rel), out);
  for (const name of readdirSync(at).sort()) {
    if (!SKIP.has(name)) files(path.join(at, name), `${rel}/${name}`, out);
  }
  return out;
}

/** A hash of every input's path and contents. */
export function inputsHash(root = ROOT) {
  const hash = createHash('sha256');
  for (const input of INPUTS) {
    for (const rel of files(path.join(root, input), input, [])) {
      hash
        .update(`${rel}\0`)
        .update(readFileSync(path.join(root, rel)))
        .update('\0');
    }
  }
  return hash.digest('hex');
}

/** A complete build made from the inputs as they are now. */
export function isUpToDate(root = ROOT) {
  const { handler, stamp } = uiPaths(root);
  if (!existsSync(handler) || !existsSync(stamp)) return false;
  return readFileSync(stamp, 'utf8').trim() === inputsHash(root);
}

async function build() {
  const paths = uiPaths();
  const hash = inputsHash();
  writeFileSync(paths.marker, String(process.pid));
  // A hub started from here on must not load the previous build, which vite replaces at the end.
  rmSync(paths.build, { recursive: true, force: true });
  const vitePackage = createRequire(path.join(paths.ui, 'package.json')).resolve('vite/package.json');
  const bin = path.join(path.dirname(vitePackage), 'bin/vite.js');
  const vite = spawn(process.execPath, [bin, 'build'], {
    cwd: paths.ui,
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => vite.kill(signal));
  const code = await new Promise((resolve) =>
    vite.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  if (code === 0) writeFileSync(paths.stamp, `${hash}\n`);
  rmSync(paths.marker, { force: true });
  process.exit(code);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await build();
