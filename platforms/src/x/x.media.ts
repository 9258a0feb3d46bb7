import { z } from 'zod';
import type { PostMedia } from '@velvet/shared';
import { xProblem, type XAnswer, type XApi } from './x.api';

/** Bytes per `append` segment (X takes up to 5 MB each). */
export const X_SEGMENT_BYTES = 4 * 1024 * 1024;
/** How long one publish waits for X to process a video before trying again later. */
const PROCESSING_BUDGET_MS = 40_000;

const initialized = z.object({ data: z.object({ id: z.string().min(1) }) });
const processing = z.object({
  state: z.enum(['pending', 'in_progress', 'succeeded', 'failed']),
  check_after_secs: z.number().optional(),
  error: z.object({ message: z.string().optional(), name: z.string().optional() }).optional(),
});
const finalized = z.object({
  data: z.object({ id: z.string(), processing_info: processing.optional() }),
});

/** Why an upload stopped: before any post exists, so `retry` only says whether trying again can help. */
export class XUploadFailed extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    readonly answer?: XAnswer,
  ) {
    super(message);
    this.name = 'XUploadFailed';
  }
}

export function mediaCategory(item: PostMedia): 'tweet_image' | 'tweet_gif' | 'tweet_video' {
  if (item.kind === 'video') return 'tweet_video';
  return item.mime === 'image/gif' ? 'tweet_gif' : 'tweet_image';
}

function refused(answer: XAnswer, step: string): XUploadFailed {
  const retry = answer.status === 401 || answer.status === 429 || answer.status >= 500;
  const said = xProblem(answer.body);
  return new XUploadFailed(
    `X refused the media (${step}, ${answer.status}${said ? `: ${said}` : ''})`,
    retry,
    answer,
  );
}

/**
 * Media upload v2: `initialize` (type, size, category) → `append` in segments → `finalize`,
 * then `GET /2/media/upload?command=STATUS` while X processes a video or GIF; alt text through
 * `/2/media/metadata`. Returns the media id to attach to the post.
 */
export async function uploadXMedia(
  api: XApi,
  accessToken: string,
  item: PostMedia,
  bytes: Buffer,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<string> {
  const init = await api.call(accessToken, 'POST', '/2/media/upload/initialize', 'the media upload', {
    json: { media_type: item.mime, total_bytes: bytes.length, media_category: mediaCategory(item) },
  });
  const started = init.status < 300 ? initialized.safeParse(init.body) : undefined;
  if (!started?.success) throw refused(init, 'initialize');
  const id = started.data.data.id;

  for (let index = 0, offset = 0; offset < bytes.length; index++, offset += X_SEGMENT_BYTES) {
    const form = new FormData();
    form.set('segment_index', String(index));
    form.set('media', new Blob([new Uint8Array(bytes.subarray(offset, offset + X_SEGMENT_BYTES))]), 'media');
    const appended = await api.call(accessToken, 'POST', `/2/media/upload/${id}/append`, 'the media upload', {
      form,
    });
    if (appended.status >= 300) throw refused(appended, `append ${index}`);
  }

  const fin = await api.call(accessToken, 'POST', `/2/media/upload/${id}/finalize`, 'the media upload');
  const done = fin.status < 300 ? finalized.safeParse(fin.body) : undefined;
  if (!done?.success) throw refused(fin, 'finalize');
  let info = done.data.data.processing_info;
  const deadline = Date.now() + PROCESSING_BUDGET_MS;
  while (info && (info.state === 'pending' || info.state === 'in_progress')) {
    if (Date.now() > deadline) throw new XUploadFailed('X is still processing the video', true);
    await sleep(Math.max(1, info.check_after_secs ?? 1) * 1000);
    const status = await api.call(
      accessToken,
      'GET',
      `/2/media/upload?command=STATUS&media_id=${encodeURIComponent(id)}`,
      'the media status',
    );
    const parsed = status.status < 300 ? finalized.safeParse(status.body) : undefined;
    if (!parsed?.success) throw refused(status, 'status');
    info = parsed.data.data.processing_info;
  }
  if (info?.state === 'failed')
    throw new XUploadFailed(`X could not process the media: ${info.error?.message ?? 'failed'}`, false);

  if (item.alt) {
    const alt = await api.call(accessToken, 'POST', '/2/media/metadata', 'the alt text', {
      json: { id, metadata: { alt_text: { text: item.alt.slice(0, 1000) } } },
    });
    if (alt.status >= 300) throw refused(alt, 'alt text');
  }
  return id;
}
