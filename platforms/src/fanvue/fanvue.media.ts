import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { PlatformError, type MediaItem } from '@velvet/shared';
import type { FanvueApi } from './fanvue.api';
import {
  FANVUE_MEDIA_FAILED,
  FANVUE_MEDIA_READY,
  FANVUE_UPLOAD_PART_BYTES,
  fvCompleteUploadResponse,
  fvCreateUploadResponse,
  fvMediaStatus,
  fvPartUrlResponse,
  type FvCompleteUploadBody,
  type FvCreateUploadBody,
} from './fanvue.schema';

export interface FanvueMediaOptions {
  /** Bytes per part (Fanvue's clients: 10 MiB); tests use small ones. */
  partBytes?: number;
  /** How long to wait for Fanvue to say `ready` before giving up for this attempt. */
  readyTimeoutMs?: number;
  /** The first wait between status reads; it grows to 2 s. */
  pollMs?: number;
}

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_POLL_MS = 500;
const MAX_POLL_MS = 2000;

/**
 * One pack media item to Fanvue through an upload session (the steps are in fanvue.schema.ts):
 * the file is read from its URL part by part, each part PUT to the pre-signed URL Fanvue
 * gives, the session completed with the parts' ETags, then Fanvue is asked until the media is
 * `ready`. Returns the `mediaUuid` a message can carry. Every step before the message is safe
 * to repeat: a retry simply opens a new session.
 */
export async function uploadFanvueMedia(
  api: FanvueApi,
  account: { accessToken: string; userUuid: string },
  item: MediaItem,
  options: FanvueMediaOptions = {},
): Promise<string> {
  const partBytes = options.partBytes ?? FANVUE_UPLOAD_PART_BYTES;
  const local = item.path ? path.basename(item.path) : undefined;
  const file = local ? `"${local}"` : fileOf(item.url);
  const filename = local ?? baseNameOf(item.url, item.kind === 'video' ? 'video.mp4' : 'photo.jpg');
  const call = (what: string, path: string, init: Parameters<FanvueApi['call']>[4]) =>
    api.call(account.accessToken, account.userUuid, what, path, init);

  const source = item.path ? localFile(item.path) : await api.download(item.url, file);
  const reader = source.body!.getReader();
  let mediaUuid: string;
  try {
    const create: FvCreateUploadBody = {
      name: filename,
      filename,
      mediaType: item.kind === 'video' ? 'video' : 'image',
    };
    const created = fvCreateUploadResponse.safeParse(
      await call(`the upload session for ${file}`, '/media/uploads', {
        method: 'POST',
        json: create,
        lostAnswer: 'retryable',
      }),
    );
    if (!created.success) {
      throw new PlatformError(
        `Fanvue opened the upload session for ${file} without an uploadId and mediaUuid`,
        'retryable',
        undefined,
        'upstream',
      );
    }
    mediaUuid = created.data.mediaUuid;
    const session = `/media/uploads/${encodeURIComponent(created.data.uploadId)}`;

    const parts: FvCompleteUploadBody['parts'] = [];
    for await (const bytes of chunks(reader, partBytes, file)) {
      const PartNumber = parts.length + 1;
      const what = `part ${PartNumber} of ${file}`;
      const signed = fvPartUrlResponse.safeParse(
        await call(`the upload URL of ${what}`, `${session}/parts/${PartNumber}/url`, {
          method: 'GET',
          lostAnswer: 'retryable',
          notFound: 'upstream',
        }),
      );
      if (!signed.success) {
        throw new PlatformError(
          `Fanvue gave no usable upload URL for ${what}`,
          'retryable',
          undefined,
          'upstream',
        );
      }
      parts.push({ PartNumber, ETag: await api.putPart(signed.data, bytes, what) });
    }

    const completed = fvCompleteUploadResponse.safeParse(
      await call(`the completion of ${file}'s upload`, session, {
        method: 'PATCH',
        json: { parts } satisfies FvCompleteUploadBody,
        lostAnswer: 'retryable',
        notFound: 'upstream',
      }),
    );
    await waitUntilReady(completed.data?.status);
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return mediaUuid;

  async function waitUntilReady(first: string | undefined): Promise<void> {
    const deadline = Date.now() + (options.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    let status = first;
    for (let poll = 0; ; poll++) {
      if (status === FANVUE_MEDIA_READY) return;
      if (status && FANVUE_MEDIA_FAILED.includes(status)) {
        throw new PlatformError(
          `Fanvue could not process ${file} (status ${status})`,
          'permanent',
          undefined,
          'rejected',
        );
      }
      // `created`, `processing`, nothing yet, or a status this code does not know: wait.
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new PlatformError(`Fanvue is still processing ${file}`, 'retryable', 5000, 'upstream');
      }
      const pause = Math.min((options.pollMs ?? DEFAULT_POLL_MS) * (poll + 1), MAX_POLL_MS, left);
      await new Promise((resolve) => setTimeout(resolve, pause));
      const read = fvMediaStatus.safeParse(
        await call(`the processing status of ${file}`, `/media/${encodeURIComponent(mediaUuid)}`, {
          method: 'GET',
          lostAnswer: 'retryable',
          notFound: 'upstream',
        }),
      );
      status = read.success ? read.data.status : undefined;
    }
  }
}

/** An uploaded pack file read from this machine, shaped like a download. */
function localFile(filePath: string): Response {
  // A missing file fails the first read, reported like a broken download.
  return new Response(Readable.toWeb(createReadStream(filePath)) as ReadableStream<Uint8Array>);
}

/** The file's name as errors show it: the last path segment and the host, never the query. */
export function fileOf(url: string): string {
  try {
    const parsed = new URL(url);
    const name = parsed.pathname.split('/').filter(Boolean).pop();
    const decoded = name ? decodeURIComponent(name) : '';
    return decoded ? `"${decoded}" (${parsed.host})` : parsed.host;
  } catch {
    return 'a pack file';
  }
}

/** The file name Fanvue is given: the URL's last path segment, or `fallback`. */
function baseNameOf(url: string, fallback: string): string {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    const decoded = last ? decodeURIComponent(last).trim() : '';
    return (decoded || fallback).slice(0, 255);
  } catch {
    return fallback;
  }
}

/** The source's bytes in parts of `size` (the last one smaller), read as they arrive. */
async function* chunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  size: number,
  file: string,
): AsyncGenerator<Buffer<ArrayBuffer>> {
  let pending: Buffer<ArrayBuffer>[] = [];
  let length = 0;
  let total = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch (err) {
      throw new PlatformError(
        `Could not fetch the pack media ${file}: the download broke off (${err instanceof Error ? err.message : String(err)})`,
        'retryable',
        undefined,
        'media_unavailable',
      );
    }
    if (next.done) break;
    pending.push(Buffer.from(next.value));
    length += next.value.byteLength;
    total += next.value.byteLength;
    while (length >= size) {
      const all = Buffer.concat(pending, length);
      yield all.subarray(0, size);
      pending = [all.subarray(size)];
      length -= size;
    }
  }
  if (total === 0) {
    throw new PlatformError(`The pack media ${file} is empty`, 'permanent', undefined, 'rejected');
  }
  if (length > 0) yield Buffer.concat(pending, length);
}
