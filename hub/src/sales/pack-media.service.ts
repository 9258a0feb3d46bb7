import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  creatorsRepo,
  NotFound,
  PACK_MEDIA_FILE,
  packMediaDir,
  type Actor,
  type PackMediaItem,
} from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { sniffFileType } from '../http/file-types';
import type { ReceivedUpload } from '../http/multipart';
import { ValidationFailed } from '../http/validate';

/** Telegram's limits for a bot's uploads: photos up to 10 MB, other files up to 50 MB. */
export const MAX_PACK_PHOTO_BYTES = 10 * 1024 * 1024;
export const MAX_PACK_VIDEO_BYTES = 50 * 1024 * 1024;

interface Format {
  kind: 'photo' | 'video';
  ext: 'jpg' | 'png' | 'webp' | 'mp4' | 'webm';
  mimeType: string;
}

const FORMATS: Record<Format['ext'], Format> = {
  jpg: { kind: 'photo', ext: 'jpg', mimeType: 'image/jpeg' },
  png: { kind: 'photo', ext: 'png', mimeType: 'image/png' },
  webp: { kind: 'photo', ext: 'webp', mimeType: 'image/webp' },
  mp4: { kind: 'video', ext: 'mp4', mimeType: 'video/mp4' },
  webm: { kind: 'video', ext: 'webm', mimeType: 'video/webm' },
};

/** The format by the file's first bytes, whatever its name or declared type say. */
export function sniffPackMedia(head: Buffer): Format | undefined {
  switch (sniffFileType(head)) {
    case 'image/jpeg':
      return FORMATS.jpg;
    case 'image/png':
      return FORMATS.png;
    case 'image/webp':
      return FORMATS.webp;
    // QuickTime's .mov is taken as MP4 by the platforms.
    case 'video/mp4':
    case 'video/quicktime':
      return FORMATS.mp4;
    case 'video/webm':
      return FORMATS.webm;
    default:
      return undefined;
  }
}

const refused = (message: string) => new ValidationFailed([{ path: 'file', message }]);

export interface PackMediaFile {
  body: Readable;
  contentType: string;
  size: number;
}

/**
 * Photos and videos of packs, uploaded from the panel and kept under
 * MEDIA_DIR/packs/<creator id>/: checked by their bytes, read back by those who may see the
 * creator's catalog, and uploaded by the connectors when a fan buys the pack.
 */
export function createPackMediaService(ctx: HubContext) {
  const dirOf = (creatorId: string) => packMediaDir(ctx.env.MEDIA_DIR, creatorId);

  async function exists(creatorId: string, file: string): Promise<boolean> {
    const info = await stat(path.join(dirOf(creatorId), file)).catch(() => undefined);
    return Boolean(info?.isFile());
  }

  return {
    /** Where an upload for `creatorId` is written while it arrives: checked before anything is read. */
    async incomingDir(actor: Actor, creatorId: string): Promise<string> {
      authorize(actor, 'pack:write', { creatorId });
      if (!(await creatorsRepo.findById(ctx.db, creatorId))) throw new NotFound('Creator');
      return path.join(dirOf(creatorId), '.incoming');
    },

    /** Keeps a received file when its bytes are a photo or video within the platforms' limits. */
    async keep(creatorId: string, upload: ReceivedUpload) {
      const { file } = upload;
      try {
        const format = sniffPackMedia(file.head);
        if (!format) throw refused('must be a JPEG, PNG or WebP photo, or an MP4 or WebM video');
        const limit = format.kind === 'photo' ? MAX_PACK_PHOTO_BYTES : MAX_PACK_VIDEO_BYTES;
        if (file.size > limit) {
          throw refused(`a ${format.kind} must be at most ${limit / 1024 / 1024} MB`);
        }
        const name = `${randomUUID()}.${format.ext}`;
        await rename(file.path, path.join(dirOf(creatorId), name));
        return {
          kind: format.kind,
          file: name,
          mimeType: format.mimeType,
          size: file.size,
          url: `/api/creators/${creatorId}/pack-media/${name}`,
        };
      } finally {
        await rm(file.path, { force: true });
      }
    },

    /** An uploaded file's bytes, for whoever may read the creator's catalog. */
    async open(actor: Actor, creatorId: string, file: string): Promise<PackMediaFile> {
      authorize(actor, 'pack:read', { creatorId });
      if (!PACK_MEDIA_FILE.test(file)) throw new NotFound('Pack media');
      const full = path.join(dirOf(creatorId), file);
      const info = await stat(full).catch(() => undefined);
      if (!info?.isFile()) throw new NotFound('Pack media');
      const format = FORMATS[file.slice(file.lastIndexOf('.') + 1) as Format['ext']];
      return { body: createReadStream(full), contentType: format.mimeType, size: info.size };
    },

    /**
     * A pack's uploaded files must be this creator's, and a kind is the file's own: a video
     * sent as a photo would fail only when a fan has paid.
     */
    async check(creatorId: string, media: readonly PackMediaItem[] | undefined): Promise<void> {
      const issues: { path: string; message: string }[] = [];
      for (const [index, item] of (media ?? []).entries()) {
        if (!('file' in item)) continue;
        const format = FORMATS[item.file.slice(item.file.lastIndexOf('.') + 1) as Format['ext']];
        if (!(await exists(creatorId, item.file))) {
          issues.push({ path: `media.${index}.file`, message: 'is not a file uploaded for this creator' });
        } else if (format.kind !== item.kind) {
          issues.push({ path: `media.${index}.kind`, message: `must be ${format.kind} for this file` });
        }
      }
      if (issues.length > 0) throw new ValidationFailed(issues);
    },
  };
}

export type PackMediaService = ReturnType<typeof createPackMediaService>;
