import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { localMediaStore, type MediaStore } from './media-store';

describe('the local media store', () => {
  let root: string;
  let store: MediaStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'velvet-media-'));
    store = localMediaStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('keeps what is written, reads it whole or by range, and forgets it on removal', async () => {
    await store.write('library/c1/a.txt', Buffer.from('hello library'));
    expect((await store.read('library/c1/a.txt')).toString()).toBe('hello library');
    const part = await store.open('library/c1/a.txt', (size) => ({ start: 6, end: size - 1 }));
    expect(part.size).toBe(13);
    expect(await text(part.body)).toBe('library');
    await store.remove('library/c1/a.txt');
    await expect(store.read('library/c1/a.txt')).rejects.toThrow(/ENOENT/);
  });

  it('moves a finished upload into place', async () => {
    const upload = path.join(root, 'incoming-1');
    await writeFile(upload, 'bytes');
    await store.adopt('library/c1/b.bin', upload);
    expect(await readFile(path.join(root, 'library/c1/b.bin'), 'utf8')).toBe('bytes');
    await expect(readFile(upload)).rejects.toThrow(/ENOENT/);
  });

  it('refuses keys that would leave its folder', async () => {
    for (const key of ['../outside', 'library/../../etc/passwd', '/etc/passwd', '.hidden'])
      await expect(store.read(key)).rejects.toThrow(/bad media key/);
  });
});
