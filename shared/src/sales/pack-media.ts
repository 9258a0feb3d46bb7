import path from 'node:path';
import type { MediaItem } from '../platform';
import type { PackMediaItem } from '../schemas/sales.schema';

/** Where a creator's uploaded pack files live, under MEDIA_DIR. */
export function packMediaDir(mediaDir: string, creatorId: string): string {
  return path.join(path.resolve(mediaDir), 'packs', creatorId);
}

/** A pack's media as a connector sends it: uploaded files by their path on this machine. */
export function packMediaItems(
  mediaDir: string,
  pack: { creatorId: string; media: readonly PackMediaItem[] },
): MediaItem[] {
  return pack.media.map((item) =>
    'file' in item
      ? {
          kind: item.kind,
          url: `pack-media/${item.file}`,
          path: path.join(packMediaDir(mediaDir, pack.creatorId), item.file),
          ...(item.caption ? { caption: item.caption } : {}),
        }
      : item,
  );
}
