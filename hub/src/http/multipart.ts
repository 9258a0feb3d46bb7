import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Request } from 'express';
import busboy from 'busboy';
import { Invalid, TooLarge } from '@velvet/shared';

export interface ReceivedFile {
  /** Absolute path of the bytes, inside the directory the caller gave. */
  path: string;
  fileName: string;
  /** What the client said the type was; not to be trusted. */
  declaredType: string;
  size: number;
  /** The first bytes, to recognise the format. */
  head: Buffer;
}

export interface ReceivedUpload {
  file: ReceivedFile;
  fields: Record<string, string>;
}

const HEAD_BYTES = 16;

/**
 * Streams a `multipart/form-data` body with exactly one file to `dir`, at most `maxBytes`.
 * Over the limit, or on any error, the partial file is deleted before throwing.
 */
export async function receiveOneFile(
  req: Request,
  options: {
    dir: string;
    maxBytes: number;
    fieldNames: readonly string[];
    /**
     * Called with the fields sent so far when the file part starts, before a byte is written;
     * what it throws is the answer (the file is read and dropped).
     */
    beforeFile?: (fields: Record<string, string>) => Promise<void>;
  },
): Promise<ReceivedUpload> {
  if (!req.is('multipart/form-data')) throw new Invalid('Expected a multipart/form-data body with a file');
  await mkdir(options.dir, { recursive: true });
  const target = path.join(options.dir, randomUUID());
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      limits: {
        files: 1,
        fileSize: options.maxBytes,
        fields: options.fieldNames.length,
        fieldSize: 8 * 1024,
      },
      defParamCharset: 'utf8',
    });
  } catch {
    throw new Invalid('Malformed multipart body');
  }

  const fields: Record<string, string> = {};
  let file: ReceivedFile | undefined;
  let writing: Promise<void> | undefined;
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure ??= error;
  };

  parser.on('field', (name, value) => {
    if (options.fieldNames.includes(name)) fields[name] = value;
  });
  parser.on('filesLimit', () => fail(new Invalid('Send one file at a time')));
  parser.on('file', (name, stream, info) => {
    if (options.beforeFile) {
      stream.pause();
      const check = options.beforeFile({ ...fields });
      writing = check.then(
        () => receive(name, stream, info),
        (error: unknown) => {
          fail(error instanceof Error ? error : new Invalid(String(error)));
          stream.resume();
        },
      );
    } else writing = receive(name, stream, info);
  });
  const receive = (_name: string, stream: Readable, info: busboy.FileInfo): Promise<void> => {
    const received: ReceivedFile = {
      path: target,
      fileName: info.filename || 'file',
      declaredType: info.mimeType,
      size: 0,
      head: Buffer.alloc(0),
    };
    file = received;
    const out = createWriteStream(target, { flags: 'wx' });
    stream.on('data', (chunk: Buffer) => {
      if (received.head.length < HEAD_BYTES)
        received.head = Buffer.concat([received.head, chunk]).subarray(0, HEAD_BYTES);
      received.size += chunk.length;
    });
    stream.on('limit', () => {
      fail(new TooLarge(`The file is larger than ${options.maxBytes / 1024 / 1024} MB`));
      stream.resume();
    });
    const written = new Promise<void>((resolve, reject) => {
      out.on('finish', resolve);
      out.on('error', reject);
      stream.on('error', reject);
    });
    stream.pipe(out);
    return written;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      parser.on('close', resolve);
      parser.on('error', reject);
      req.on('error', reject);
      req.pipe(parser);
    });
    await writing;
  } catch (error) {
    fail(error instanceof Invalid ? error : new Invalid('Malformed multipart body'));
  }
  if (!failure && (!file || file.size === 0)) fail(new Invalid('file: is required and must not be empty'));
  if (failure) {
    await rm(target, { force: true });
    throw failure;
  }
  return { file: file!, fields };
}
