import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  creatorsRepo,
  mediaRepo,
  NotFound,
  TooLarge,
  type Actor,
  type MediaAssetRecord,
  type MediaView,
} from '@velvet/shared';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import type { ReceivedUpload } from '../http/multipart';
import type { MediaStore } from '@velvet/shared';
import { imageThumbnail, probeMedia } from './media.probe';

/** Images up to 20 MB (the largest any publisher takes), videos up to 1 GB. */
export const MAX_IMAGE_BYTES = 20_000_000;
export const MAX_VIDEO_BYTES = 1_000_000_000;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
};

function sha256(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}

export function presentMedia(asset: MediaAssetRecord): MediaView {
  return {
    id: asset.id,
    creatorId: asset.creatorId,
    kind: asset.kind,
    mime: asset.mime,
    bytes: asset.bytes,
    width: asset.width,
    height: asset.height,
    durationSeconds: asset.durationMs === null ? null : asset.durationMs / 1000,
    orientation:
      asset.height > asset.width ? 'vertical' : asset.height < asset.width ? 'horizontal' : 'square',
    fileName: asset.fileName,
    alt: asset.alt,
    fileUrl: `/api/media/${asset.id}/file`,
    thumbnailUrl: asset.thumbnailKey ? `/api/media/${asset.id}/thumbnail` : null,
    createdAt: asset.createdAt.toISOString(),
  };
}

const cursorOf = (asset: MediaAssetRecord) =>
  Buffer.from(`${asset.createdAt.toISOString()}|${asset.id}`).toString('base64url');

function parseCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) return undefined;
  return { createdAt, id: id! };
}

/**
 * A creator's media library: uploads checked by what they contain, probed (size, duration),
 * given a thumbnail, kept once per creator however often they are uploaded, and served only
 * to people who may see that creator.
 */
export function createMediaService(ctx: HubContext, store: MediaStore) {
  const { db } = ctx;
  const uploadsDir = path.join(path.resolve(ctx.env.MEDIA_DIR), 'incoming');

  async function load(actor: Actor, id: string, action: 'media:read' | 'media:write') {
    const asset = await mediaRepo.findById(db, id);
    if (!asset) throw new NotFound('Media');
    authorize(actor, action, { creatorId: asset.creatorId });
    return asset;
  }

  return {
    uploadsDir,

    async list(
      actor: Actor,
      creatorId: string,
      query: { kind?: 'image' | 'video'; cursor?: string; limit: number },
    ) {
      authorize(actor, 'media:read', { creatorId });
      if (!(await creatorsRepo.findById(db, creatorId))) throw new NotFound('Creator');
      const rows = await mediaRepo.listByCreator(db, creatorId, {
        ...(query.kind ? { kind: query.kind } : {}),
        ...(parseCursor(query.cursor) ? { before: parseCursor(query.cursor)! } : {}),
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(presentMedia),
        nextCursor: rows.length > query.limit ? cursorOf(page[page.length - 1]!) : null,
      };
    },

    /** Checks the caller may add to this creator's library before a byte is received. */
    async mayUpload(actor: Actor, creatorId: string) {
      authorize(actor, 'media:write', { creatorId });
      if (!(await creatorsRepo.findById(db, creatorId))) throw new NotFound('Creator');
    },

    async upload(
      actor: Actor,
      creatorId: string,
      upload: ReceivedUpload,
    ): Promise<{ media: MediaView; created: boolean }> {
      const { file, fields } = upload;
      try {
        const probed = await probeMedia(file.path, file.head);
        const limit = probed.kind === 'image' ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES;
        if (file.size > limit)
          throw new TooLarge(
            `${probed.kind === 'image' ? 'Images' : 'Videos'} may be at most ${limit / 1_000_000} MB`,
          );
        const hash = await sha256(file.path);
        const base = `library/${creatorId}/${hash.slice(0, 32)}`;
        const storageKey = `${base}.${EXTENSIONS[probed.mime] ?? 'bin'}`;
        const thumbnailKey = probed.kind === 'image' ? `${base}.thumb.webp` : null;
        if (thumbnailKey) await store.write(thumbnailKey, await imageThumbnail(file.path));
        await store.adopt(storageKey, file.path);
        const { asset, created } = await mediaRepo.createOrFind(db, {
          creatorId,
          kind: probed.kind,
          mime: probed.mime,
          bytes: file.size,
          width: probed.width,
          height: probed.height,
          durationMs: probed.durationMs ?? null,
          storageKey,
          thumbnailKey,
          fileName: file.fileName.slice(0, 200),
          alt: (fields.alt ?? '').trim().slice(0, 1000),
          sha256: hash,
          uploadedBy: actor.id,
        });
        return { media: presentMedia(asset), created };
      } finally {
        await rm(file.path, { force: true });
      }
    },

    async get(actor: Actor, id: string) {
      return presentMedia(await load(actor, id, 'media:read'));
    },

    async updateAlt(actor: Actor, id: string, alt: string) {
      await load(actor, id, 'media:write');
      return presentMedia((await mediaRepo.updateAlt(db, id, alt))!);
    },

    async remove(actor: Actor, id: string) {
      const asset = await load(actor, id, 'media:write');
      await mediaRepo.delete(db, id);
      await store.remove(asset.storageKey);
      if (asset.thumbnailKey) await store.remove(asset.thumbnailKey);
    },

    /** The file or its thumbnail, for a caller who may see it. */
    async open(
      actor: Actor,
      id: string,
      which: 'file' | 'thumbnail',
      pick?: (size: number) => { start: number; end: number } | undefined,
    ) {
      const asset = await load(actor, id, 'media:read');
      const key = which === 'file' ? asset.storageKey : asset.thumbnailKey;
      if (!key) throw new NotFound('Thumbnail');
      const opened = await store.open(key, which === 'file' ? pick : undefined);
      return { ...opened, asset, contentType: which === 'file' ? asset.mime : 'image/webp' };
    },
  };
}

export type MediaService = ReturnType<typeof createMediaService>;
