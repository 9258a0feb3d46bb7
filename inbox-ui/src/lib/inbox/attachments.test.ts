import { describe, expect, it } from 'vitest';
import { attachmentDisplay, fileLabel, formatSize } from './attachments';

describe('attachment display', () => {
  it('shows photos and still stickers as images, voice and audio as players, the rest as files', () => {
    expect(attachmentDisplay({ kind: 'photo', mimeType: 'image/jpeg' })).toBe('image');
    expect(attachmentDisplay({ kind: 'sticker', mimeType: 'image/webp' })).toBe('image');
    expect(attachmentDisplay({ kind: 'sticker', mimeType: 'video/webm' })).toBe('video');
    // A Lottie sticker renders nowhere: it is offered as a file.
    expect(attachmentDisplay({ kind: 'sticker', mimeType: 'application/x-tgsticker' })).toBe('file');
    expect(attachmentDisplay({ kind: 'voice', mimeType: 'audio/ogg' })).toBe('audio');
    expect(attachmentDisplay({ kind: 'audio' })).toBe('audio');
    expect(attachmentDisplay({ kind: 'video', mimeType: 'video/mp4' })).toBe('video');
    expect(attachmentDisplay({ kind: 'document', mimeType: 'image/svg+xml' })).toBe('file');
  });

  it('labels a file by name and size, or by kind when it has no name', () => {
    expect(formatSize(12)).toBe('12 B');
    expect(formatSize(48_213)).toBe('47 KB');
    expect(formatSize(1_468_006)).toBe('1.4 MB');
    expect(fileLabel({ kind: 'document', fileName: 'facture.pdf', size: 2048, index: 0 })).toEqual({
      name: 'facture.pdf',
      size: '2 KB',
    });
    expect(fileLabel({ kind: 'voice', index: 1 })).toEqual({ name: 'voice 2', size: '' });
  });
});
