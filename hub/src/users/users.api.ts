import { z } from 'zod';
import { createUserBody, publicUser, updateUserBody } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const usersApi: ApiRoute[] = [
  {
    route: 'POST /api/users',
    summary: 'Create a user',
    action: 'user:create',
    auth: 'bearer',
    body: createUserBody,
    responses: { 201: { description: 'The new user (never their password)', schema: publicUser } },
    errors: [409],
  },
  {
    route: 'GET /api/users',
    summary: 'List users',
    action: 'user:list',
    auth: 'bearer',
    responses: { 200: { description: 'Every user', schema: z.object({ users: z.array(publicUser) }) } },
  },
  {
    route: 'PATCH /api/users/:id',
    summary: 'Change a user’s role, creator scope or disabled state',
    action: 'user:update',
    auth: 'bearer',
    description: 'Disabling a user ends their sessions and sockets at once.',
    body: updateUserBody,
    responses: { 200: { description: 'The user as changed', schema: publicUser } },
    errors: [409],
  },
];
