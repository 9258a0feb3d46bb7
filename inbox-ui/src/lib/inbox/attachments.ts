import type { Attachment } from '$lib/client';

export type AttachmentDisplay = 'image' | 'audio' | 'video' | 'file';

/** How the inbox shows a file: what a browser can play inline, else a download link. */
export function attachmentDisplay(attachment: Pick<Attachment, 'kind' | 'mimeType'>): AttachmentDisplay {
  const type = attachment.mimeType ?? '';
  if (attachment.kind === 'photo') return 'image';
  if (attachment.kind === 'sticker') {
    // Animated stickers are Lottie (TGS) files no browser renders.
    if (type.startsWith('video/')) return 'video';
    return type === '' || /^image\/(webp|png|jpeg|gif)$/.test(type) ? 'image' : 'file';
  }
  if (attachment.kind === 'voice' || attachment.kind === 'audio') return 'audio';
  if (attachment.kind === 'video') return 'video';
  return 'file';
}

/** "1.4 MB", "820 KB", "12 B". */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function fileLabel(attachment: Pick<Attachment, 'kind' | 'fileName' | 'size' | 'index'>) {
  return {
    name: attachment.fileName || `${attachment.kind} ${attachment.index + 1}`,
    size: attachment.size === undefined ? '' : formatSize(attachment.size),
  };
}
