import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';

const BLOCK = 512;

/**
 * A minimal streaming `.tar.gz` writer (POSIX ustar, regular files only): all an export
 * archive needs, readable by `tar xzf` and every unarchiver, without a dependency.
 */
export class TarGzWriter {
  private readonly gzip = createGzip();

  constructor(out: Writable) {
    this.gzip.pipe(out);
  }

  /** Adds one file; `name` is a relative path of at most 100 bytes. */
  async add(name: string, content: Buffer | string, mtime = new Date()): Promise<void> {
    const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    await this.write(header(name, body.length, mtime));
    await this.write(body);
    const pad = (BLOCK - (body.length % BLOCK)) % BLOCK;
    if (pad > 0) await this.write(Buffer.alloc(pad));
  }

  /** Two empty blocks end a tar archive; then the gzip trailer. */
  async finish(): Promise<void> {
    await this.write(Buffer.alloc(BLOCK * 2));
    await new Promise<void>((resolve, reject) => {
      this.gzip.once('error', reject);
      this.gzip.end(resolve);
    });
  }

  private write(chunk: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.gzip.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
  }
}

function header(name: string, size: number, mtime: Date): Buffer {
  const block = Buffer.alloc(BLOCK);
  const nameBytes = Buffer.from(name, 'utf8');
  if (nameBytes.length > 100) throw new Error(`tar entry name too long: ${name}`);
  nameBytes.copy(block, 0);
  const octal = (value: number, width: number) => value.toString(8).padStart(width - 1, '0') + '\0';
  block.write(octal(0o644, 8), 100, 'ascii');
  block.write(octal(0, 8), 108, 'ascii');
  block.write(octal(0, 8), 116, 'ascii');
  block.write(octal(size, 12), 124, 'ascii');
  block.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136, 'ascii');
  block.write(' '.repeat(8), 148, 'ascii');
  block.write('0', 156, 'ascii');
  block.write('ustar\0', 257, 'ascii');
  block.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
  return block;
}
