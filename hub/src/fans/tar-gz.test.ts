import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { TarGzWriter } from './tar-gz';

describe('TarGzWriter', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'velvet-tar-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes an archive that the system tar lists and extracts byte for byte', async () => {
    const file = path.join(dir, 'out.tar.gz');
    const out = createWriteStream(file);
    const tar = new TarGzWriter(out);
    const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.alloc(1000, 7)]);
    await tar.add('media/a-1.jpg', photo);
    await tar.add('fan.json', JSON.stringify({ text: 'coucou 😍 é' }));
    await tar.add('empty.txt', '');
    await tar.finish();
    await finished(out);

    const listing = execFileSync('tar', ['-tzvf', file], { encoding: 'utf8' });
    expect(listing).toMatch(/1004 .* media\/a-1\.jpg/);
    execFileSync('tar', ['-xzf', file, '-C', dir]);
    expect(readFileSync(path.join(dir, 'media/a-1.jpg')).equals(photo)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dir, 'fan.json'), 'utf8'))).toEqual({ text: 'coucou 😍 é' });
    expect(readFileSync(path.join(dir, 'empty.txt'), 'utf8')).toBe('');
  });

  it('refuses a name ustar cannot hold', async () => {
    const tar = new TarGzWriter(new PassThrough());
    await expect(tar.add('x'.repeat(101), 'a')).rejects.toThrow(/too long/);
  });
});
