import { z } from 'zod';
import { fanPanelResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';
import { eraseFanBody } from './fan-rights.schema';
import { updateFanBody } from './fans.schema';

export const fansApi: ApiRoute[] = [
  {
    route: 'GET /api/fans/:id',
    summary: 'The fan panel: profile, safety status, spend, purchases, open offers, follow-ups',
    access: 'users with the fan’s creator in scope',
    auth: 'bearer',
    responses: { 200: { description: 'The fan', schema: fanPanelResponse } },
  },
  {
    route: 'PATCH /api/fans/:id',
    summary: 'Operators’ notes and tags on a fan',
    access: 'users who may reply to the fan',
    auth: 'bearer',
    body: updateFanBody,
    responses: { 200: { description: 'The fan as changed', schema: fanPanelResponse.shape.fan } },
  },
  {
    route: 'POST /api/fans/:id/clear-minor',
    summary: 'Clear a minor signal (selling may resume)',
    access: 'admin',
    auth: 'bearer',
    responses: { 204: { description: 'Cleared' } },
  },
  {
    route: 'POST /api/fans/:id/unmute',
    summary: 'Unmute a fan the spam gate muted',
    access: 'admin; manager for their creators',
    auth: 'bearer',
    responses: { 204: { description: 'Unmuted' } },
  },
  {
    route: 'GET /api/fans/:id/export',
    summary: 'The fan’s data archive (GDPR art. 15)',
    access: 'admin',
    auth: 'bearer',
    responses: {
      200: {
        description: 'A .tar.gz of the fan’s profile, messages, purchases and media',
        contentType: 'application/gzip',
      },
    },
  },
  {
    route: 'POST /api/fans/:id/erase',
    summary: 'Erase a fan (GDPR art. 17); aggregates stay',
    access: 'admin',
    auth: 'bearer',
    description: 'Confirmed by typing the fan’s display name.',
    body: eraseFanBody,
    responses: {
      200: {
        description: 'What was erased',
        schema: z.object({
          fanId: z.uuid(),
          erasedAt: z.string(),
          conversations: z.number().int(),
          messages: z.number().int(),
          drafts: z.number().int(),
          mediaFiles: z.number().int(),
          jobs: z.number().int(),
          events: z.number().int(),
        }),
      },
    },
  },
];
