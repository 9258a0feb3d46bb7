import { z } from 'zod';
import {
  conversationSalesView,
  createOfferBody,
  createPackBody,
  createPromoBody,
  offerCreatedView,
  packMediaUpload,
  packView,
  patchPackBody,
  patchPromoBody,
  promoView,
  salesMetricsQuery,
  salesMetricsView,
} from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const salesApi: ApiRoute[] = [
  {
    route: 'GET /api/creators/:id/packs',
    summary: 'A creator’s packs',
    action: 'pack:read',
    auth: 'bearer',
    responses: { 200: { description: 'The packs', schema: z.object({ packs: z.array(packView) }) } },
  },
  {
    route: 'POST /api/creators/:id/packs',
    summary: 'Add a pack to a creator’s catalog',
    action: 'pack:write',
    auth: 'bearer',
    body: createPackBody,
    responses: { 201: { description: 'The new pack', schema: packView } },
    errors: [409],
  },
  {
    route: 'GET /api/packs/:id',
    summary: 'One pack',
    action: 'pack:read',
    auth: 'bearer',
    responses: { 200: { description: 'The pack', schema: packView } },
  },
  {
    route: 'PATCH /api/packs/:id',
    summary: 'Change a pack',
    action: 'pack:write',
    auth: 'bearer',
    body: patchPackBody,
    responses: { 200: { description: 'The pack as changed', schema: packView } },
    errors: [409],
  },
  {
    route: 'DELETE /api/packs/:id',
    summary: 'Delete a pack never offered (deactivate it otherwise)',
    action: 'pack:write',
    auth: 'bearer',
    responses: { 204: { description: 'Deleted' } },
    errors: [409],
  },
  {
    route: 'GET /api/creators/:id/promo-codes',
    summary: 'A creator’s promo codes',
    action: 'pack:write',
    auth: 'bearer',
    responses: {
      200: { description: 'The codes', schema: z.object({ promoCodes: z.array(promoView) }) },
    },
  },
  {
    route: 'POST /api/creators/:id/promo-codes',
    summary: 'Create a promo code',
    action: 'pack:write',
    auth: 'bearer',
    body: createPromoBody,
    responses: { 201: { description: 'The new code', schema: promoView } },
    errors: [409],
  },
  {
    route: 'PATCH /api/promo-codes/:id',
    summary: 'Switch a promo code off, or change its expiry or uses',
    action: 'pack:write',
    auth: 'bearer',
    body: patchPromoBody,
    responses: { 200: { description: 'The code as changed', schema: promoView } },
  },
  {
    route: 'GET /api/conversations/:id/sales',
    summary: 'Offers, purchases and follow-ups of one conversation',
    action: 'conversation:read',
    auth: 'bearer',
    responses: { 200: { description: 'The conversation’s sales', schema: conversationSalesView } },
  },
  {
    route: 'POST /api/conversations/:id/offers',
    summary: 'Offer a pack to the fan',
    action: 'offer:create',
    auth: 'bearer',
    description: 'Refused (409) for a minor signal, an opt-out, an unconfirmed age, an inactive pack.',
    body: createOfferBody,
    responses: {
      201: { description: 'The offer (`created: false`: the open one)', schema: offerCreatedView },
    },
    errors: [400, 409],
  },
  {
    route: 'POST /api/offers/:id/cancel',
    summary: 'Cancel an open offer',
    action: 'offer:create',
    auth: 'bearer',
    responses: { 204: { description: 'Cancelled' } },
    errors: [409],
  },
  {
    route: 'POST /api/follow-ups/:id/cancel',
    summary: 'Cancel a pending follow-up',
    action: 'followup:cancel',
    auth: 'bearer',
    responses: { 204: { description: 'Cancelled' } },
    errors: [409],
  },
  {
    route: 'GET /api/sales/metrics',
    summary: 'Offers, purchases, conversion and revenue, grouped',
    access:
      'admin; with `creatorId`, manager and model for their creators (rule `sales:read`); without, managers (their creators)',
    auth: 'bearer',
    query: salesMetricsQuery,
    responses: { 200: { description: 'The figures', schema: salesMetricsView } },
    errors: [400],
  },
];

export const packMediaApi: ApiRoute[] = [
  {
    route: 'POST /api/creators/:id/pack-media',
    summary: 'Upload a photo or video for a pack',
    description:
      'Checked by its content: JPEG, PNG or WebP up to 10 MB, MP4 or WebM up to 50 MB. Put the answer’s `{kind, file}` in a pack’s `media`.',
    action: 'pack:write',
    auth: 'bearer',
    body: {
      contentType: 'multipart/form-data',
      description: 'One `file` part',
      schema: {
        type: 'object',
        properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } },
        required: ['file'],
      },
    },
    responses: { 201: { description: 'The stored file', schema: packMediaUpload } },
    errors: [400, 413],
  },
  {
    route: 'GET /api/creators/:id/pack-media/:file',
    summary: 'A pack’s uploaded file',
    action: 'pack:read',
    auth: 'bearer',
    params: z.object({ id: z.uuid(), file: z.string() }),
    responses: {
      200: { description: 'The file, served in a sandbox (CSP `sandbox`, nosniff)', contentType: '*/*' },
    },
  },
];
