import { z } from 'zod';
import { fanPanelResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';
import { eraseFanBody } from './fan-rights.schema';
import { updateFanBody } from './fans.schema';

export const fansApi: ApiRoute[] = [
  {
    route: 'GET /api/fans/:id',
    summary: 'The fan panel: profile, safety status, spend, purchases, open offers, follow-ups',
    action: 'conversation:read',
    auth: 'bearer',
    responses: { 200: { description: 'The fan', schema: fanPanelResponse } },
  },
  {
    route: 'PATCH /api/fans/:id',
    summary: 'Operators’ notes and tags on a fan',
    action: 'conversation:reply',
    auth: 'bearer',
    body: updateFanBody,
    responses: { 200: { description: 'The fan as changed', schema: fanPanelResponse.shape.fan } },
  },
  {
    route: 'POST /api/fans/:id/clear-minor',
    summary: 'Clear a minor signal (selling may resume)',
    action: 'fan:clear_minor',
    auth: 'bearer',
    responses: { 204: { description: 'Cleared' } },
  },
  {
    route: 'POST /api/fans/:id/unmute',
    summary: 'Unmute a fan the spam gate muted',
    action: 'fan:unmute',
    auth: 'bearer',
    responses: { 204: { description: 'Unmuted' } },
  },
  {
    route: 'GET /api/fans/:id/export',
    summary: 'The fan’s data archive (GDPR art. 15)',
    action: 'fan:export',
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
    action: 'fan:erase',
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
