import { z } from 'zod';
import { mediaListQuery, mediaUploadQuery, mediaView, patchMediaBody } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const uploadedView = mediaView.extend({ url: z.string() });

export const mediaApi: ApiRoute[] = [
  {
    route: 'GET /api/creators/:id/media',
    summary: 'A creator’s media library, newest first',
    action: 'media:read',
    auth: 'bearer',
    query: mediaListQuery,
    responses: {
      200: {
        description: 'A page of media; `nextCursor` fetches the next',
        schema: z.object({ items: z.array(mediaView), nextCursor: z.string().nullable() }),
      },
    },
  },
  {
    route: 'POST /api/creators/:id/media',
    summary: 'Add an image or a video to the library',
    description:
      'Checked by its content: JPEG, PNG, WebP, GIF up to 20 MB, MP4 and MOV up to 1 GB. The same bytes again answer `200` with the existing asset. Not an accepted format, damaged, or a video without a video track: `422 unsupported_media`.',
    action: 'media:write',
    auth: 'bearer',
    body: {
      contentType: 'multipart/form-data',
      description: 'One `file` part, and an optional `alt` text field',
      schema: {
        type: 'object',
        properties: {
          file: { type: 'string', contentMediaType: 'application/octet-stream' },
          alt: { type: 'string', maxLength: 1000 },
        },
        required: ['file'],
      },
    },
    responses: {
      200: { description: 'Already in the library', schema: mediaView },
      201: { description: 'The new asset', schema: mediaView },
    },
    errors: [400, 413, 422],
  },
  {
    route: 'POST /api/media',
    summary: 'Add an image or a video to a creator’s library (`url` is its `fileUrl`)',
    description:
      'As `POST /api/creators/:id/media`, the creator given as the `creatorId` query parameter or as a `creatorId` form field sent before the file. Checked by its content: JPEG, PNG, WebP, GIF up to 20 MB, MP4 and MOV up to 1 GB. The same bytes again answer `200` with the existing asset. Not an accepted format, damaged, or a video without a video track: `422 unsupported_media`.',
    action: 'media:write',
    auth: 'bearer',
    query: mediaUploadQuery,
    body: {
      contentType: 'multipart/form-data',
      description: 'An optional `creatorId` field, then one `file` part; an optional `alt` text field',
      schema: {
        type: 'object',
        properties: {
          creatorId: { type: 'string', format: 'uuid' },
          file: { type: 'string', contentMediaType: 'application/octet-stream' },
          alt: { type: 'string', maxLength: 1000 },
        },
        required: ['file'],
      },
    },
    responses: {
      200: { description: 'Already in the library', schema: uploadedView },
      201: { description: 'The new asset', schema: uploadedView },
    },
    errors: [400, 413, 422],
  },
  {
    route: 'GET /api/media/:id',
    summary: 'One media asset',
    action: 'media:read',
    auth: 'bearer',
    responses: { 200: { description: 'The asset', schema: mediaView } },
  },
  {
    route: 'PATCH /api/media/:id',
    summary: 'Describe an image (alt text)',
    action: 'media:write',
    auth: 'bearer',
    body: patchMediaBody,
    responses: { 200: { description: 'The asset as changed', schema: mediaView } },
  },
  {
    route: 'DELETE /api/media/:id',
    summary: 'Delete an asset and its files',
    action: 'media:write',
    auth: 'bearer',
    responses: { 204: { description: 'Deleted' } },
  },
  {
    route: 'GET /api/media/:id/file',
    summary: 'The asset’s bytes (byte ranges for seeking)',
    action: 'media:read',
    auth: 'bearer',
    responses: {
      200: { description: 'The file, served in a sandbox (CSP `sandbox`, nosniff)', contentType: '*/*' },
      206: { description: 'The requested byte range', contentType: '*/*' },
    },
  },
  {
    route: 'GET /api/media/:id/thumbnail',
    summary: 'An image’s WebP thumbnail (fits 320 × 320)',
    action: 'media:read',
    auth: 'bearer',
    responses: { 200: { description: 'The thumbnail', contentType: 'image/webp' } },
  },
  {
    route: 'GET /public/media/:id',
    summary: 'A library file, for a platform that fetches media itself (Instagram)',
    access: 'anyone holding an address the workers signed for this item',
    auth: 'signature',
    description:
      'No sign-in: the query’s `expires` (Unix seconds) and `signature` (HMAC-SHA256 of the media id and `expires` with a key derived from VELVET_SECRET) must match. A wrong or missing signature answers 403; a genuine one past its expiry 410.',
    responses: {
      200: { description: 'The file, served in a sandbox (CSP `sandbox`, nosniff)', contentType: '*/*' },
    },
    errors: [403, 410],
  },
];
