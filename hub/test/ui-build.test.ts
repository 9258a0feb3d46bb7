import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inputsHash, isUpToDate, uiPaths } from '../../scripts/ui-build.mjs';
import { loadUiWhenBuilt, uiState } from '../src/ui';

/** A checkout in miniature: the UI's sources, the shared package and the lockfile. */
function fakeRoot() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'velvet-ui-build-'));
  const file = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  file('inbox-ui/src/routes/+page.svelte', '<h1>Inbox</h1>');
  file('inbox-ui/vite.config.ts', 'export default {};');
  file('shared/src/contract.ts', 'export const A = 1;');
  file('package-lock.json', '{"lockfileVersion":3}');
  return { root, file };
}

describe('the UI build stamp', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  it('tells an up-to-date build from a stale one', () => {
    const { root, file } = fakeRoot();
    roots.push(root);
    const paths = uiPaths(root);
    expect(isUpToDate(root)).toBe(false);

    file('inbox-ui/build/handler.js', 'export const handler = () => {};');
    file('inbox-ui/build/.inputs', `${inputsHash(root)}\n`);
    expect(isUpToDate(root)).toBe(true);

    // Outputs and installs are not inputs: writing them does not make the build stale.
    file('inbox-ui/.svelte-kit/output/x.js', '1');
    file('inbox-ui/node_modules/vite/index.js', '1');
    writeFileSync(paths.marker, '1');
    expect(isUpToDate(root)).toBe(true);

    // A source, the shared package or the lockfile changing does.
    for (const [rel, text] of [
      ['inbox-ui/src/routes/+page.svelte', '<h1>Inbox!</h1>'],
      ['shared/src/contract.ts', 'export const A = 2;'],
      ['package-lock.json', '{"lockfileVersion":3,"x":1}'],
      ['inbox-ui/src/lib/new.ts', 'export {};'],
    ] as const) {
      file(rel, text);
      expect(isUpToDate(root), rel).toBe(false);
      file('inbox-ui/build/.inputs', inputsHash(root));
      expect(isUpToDate(root)).toBe(true);
    }

    // A build without its handler (interrupted) is not a build.
    rmSync(paths.handler);
    expect(isUpToDate(root)).toBe(false);
  });
});

describe('the hub while the UI is being built', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-ui-wait-'));
  const files = { handler: path.join(dir, 'build/handler.js'), marker: path.join(dir, '.build-running') };
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    writeFileSync(files.marker, String(process.pid));
    const app = express();
    app.use(await loadUiWhenBuilt(files));
    app.use((_req, res) => void res.status(404).json({ error: 'not_found' }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so in a page that reloads itself, then serves the app once built', async () => {
    expect(uiState(files)).toBe('building');
    const page = await fetch(`${url}/inbox`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('3');
    const html = await page.text();
    expect(html).toContain('The interface is being built');
    expect(html).toContain('<meta http-equiv="refresh" content="3">');

    const french = await fetch(url, {
      headers: { accept: 'text/html', 'accept-language': 'fr-FR,fr;q=0.9' },
    });
    expect(await french.text()).toContain('L’interface est en cours de construction');

    // Not a page (a script, the API's JSON): no page in its place.
    expect((await fetch(`${url}/_app/x.js`, { headers: { accept: 'application/javascript' } })).status).toBe(
      404,
    );

    // The build finishes: handler written, marker removed; the next load is the app.
    mkdirSync(path.dirname(files.handler), { recursive: true });
    writeFileSync(files.handler, "export const handler = (_req, res) => res.end('the inbox app');\n");
    rmSync(files.marker);
    expect(uiState(files)).toBe('built');
    const app = await fetch(`${url}/inbox`, { headers: { accept: 'text/html' } });
    expect(app.status).toBe(200);
    expect(await app.text()).toBe('the inbox app');
  });

  it('does not claim a build when the marker names a process that is gone', () => {
    // A build that was killed leaves its marker behind; its process id is no longer alive.
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout;
    const stale = { handler: path.join(dir, 'none/handler.js'), marker: path.join(dir, '.stale') };
    writeFileSync(stale.marker, String(gone));
    expect(uiState(stale)).toBe('absent');
  });
});
