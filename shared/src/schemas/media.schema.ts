import { z } from 'zod';

export const MEDIA_KINDS = ['image', 'video'] as const;

export const mediaListQuery = z.strictObject({
  kind: z.enum(MEDIA_KINDS, { message: 'must be image or video' }).optional(),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** `POST /api/media`: the creator whose library gets the file, if not sent as a form field. */
export const mediaUploadQuery = z.strictObject({
  creatorId: z.uuid('must be a creator id').optional(),
});

export const patchMediaBody = z.strictObject({
  /** What the image shows, for people who cannot see it; sent to the platforms that take it. */
  alt: z.string().trim().max(1000, 'must be at most 1000 characters'),
});

export const mediaView = z.object({
  id: z.uuid(),
  creatorId: z.uuid(),
  kind: z.enum(MEDIA_KINDS),
  mime: z.string(),
  bytes: z.number().int(),
  width: z.number().int(),
  height: z.number().int(),
  durationSeconds: z.number().nullable(),
  orientation: z.enum(['vertical', 'horizontal', 'square']),
  fileName: z.string(),
  alt: z.string(),
  fileUrl: z.string(),
  thumbnailUrl: z.string().nullable(),
  createdAt: z.string(),
});
export type MediaView = z.infer<typeof mediaView>;
