import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * Where the library's bytes live, for the hub (uploads, serving) and the workers (publishing).
 * The local disk under MEDIA_DIR is the one implementation today; an S3-compatible store
 * implements the same five calls.
 */
export interface MediaStore {
  /** Takes a finished upload from a temporary path (moved, not copied, when it can be). */
  adopt(key: string, from: string): Promise<void>;
  write(key: string, bytes: Buffer): Promise<void>;
  /** The bytes, or the range `pick` chooses once the size is known (inclusive ends, as HTTP). */
  open(
    key: string,
    pick?: (size: number) => { start: number; end: number } | undefined,
  ): Promise<{ body: Readable; size: number; range?: { start: number; end: number } }>;
  /** The whole file, for a platform that takes uploads rather than fetching a URL. */
  read(key: string): Promise<Buffer>;
  remove(key: string): Promise<void>;
}

const KEY = /^[a-z0-9][a-z0-9/_.-]*$/i;

export function localMediaStore(root: string): MediaStore {
  const resolve = (key: string) => {
    const full = path.resolve(root, key);
    if (!KEY.test(key) || key.includes('..') || !full.startsWith(path.resolve(root) + path.sep))
      throw new Error(`bad media key: ${key}`);
    return full;
  };
  return {
    async adopt(key, from) {
      const target = resolve(key);
      await mkdir(path.dirname(target), { recursive: true });
      await rename(from, target).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EXDEV') throw error;
        await copyFile(from, target);
        await rm(from, { force: true });
      });
    },
    async write(key, bytes) {
      const target = resolve(key);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    },
    async open(key, pick) {
      const full = resolve(key);
      const { size } = await stat(full);
      const range = pick?.(size);
      return { body: createReadStream(full, range), size, ...(range ? { range } : {}) };
    },
    async read(key) {
      return readFile(resolve(key));
    },
    async remove(key) {
      await rm(resolve(key), { force: true });
    },
  };
}
