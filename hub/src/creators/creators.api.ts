import { z } from 'zod';
import { createCreatorBody, creatorView, patchCreatorBody, teamResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const creatorsApi: ApiRoute[] = [
  {
    route: 'POST /api/creators',
    summary: 'Create a creator profile',
    action: 'creator:create',
    auth: 'bearer',
    body: createCreatorBody,
    responses: { 201: { description: 'The new creator', schema: creatorView } },
  },
  {
    route: 'GET /api/creators',
    summary: 'List the creators in the caller’s scope',
    access: 'any signed-in user (their creators; all for admins)',
    auth: 'bearer',
    responses: {
      200: { description: 'Creators in scope', schema: z.object({ creators: z.array(creatorView) }) },
    },
  },
  {
    route: 'GET /api/creators/:id',
    summary: 'One creator',
    action: 'creator:read',
    auth: 'bearer',
    responses: { 200: { description: 'The creator', schema: creatorView } },
  },
  {
    route: 'GET /api/creators/:id/team',
    summary: 'The people who work on a creator (to hand conversations to)',
    action: 'conversation:assign_others',
    auth: 'bearer',
    responses: { 200: { description: 'The team', schema: teamResponse } },
  },
  {
    route: 'PATCH /api/creators/:id',
    summary: 'Change a creator’s profile, persona, quiet hours, send policy or disclosure',
    action: 'creator:update',
    auth: 'bearer',
    body: patchCreatorBody,
    responses: { 200: { description: 'The creator as changed', schema: creatorView } },
  },
];
