import { z } from 'zod';
import {
  automationDefaults,
  createCreatorBody,
  creatorView,
  listCreatorsQuery,
  patchCreatorBody,
  teamResponse,
} from '@velvet/shared';
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
    query: listCreatorsQuery,
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

export const creatorArchiveApi: ApiRoute[] = [
  {
    route: 'GET /api/automation/defaults',
    summary: 'The automation settings a creator gets when it sets none (from the config)',
    access: 'any signed-in user',
    auth: 'bearer',
    responses: { 200: { description: 'The defaults', schema: automationDefaults } },
  },
  {
    route: 'POST /api/creators/:id/archive',
    summary: 'Archive a creator: out of the default lists, nothing automated goes out',
    action: 'creator:archive',
    auth: 'bearer',
    responses: { 200: { description: 'The creator, archived', schema: creatorView } },
  },
  {
    route: 'POST /api/creators/:id/unarchive',
    summary: 'Bring an archived creator back',
    action: 'creator:archive',
    auth: 'bearer',
    responses: { 200: { description: 'The creator, working again', schema: creatorView } },
  },
];
