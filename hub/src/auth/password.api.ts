import { changePasswordBody, passwordResetResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const passwordApi: ApiRoute[] = [
  {
    route: 'POST /api/me/password',
    summary: 'Change my password (with the current one); my other sign-ins end',
    access: 'any signed-in user, for themselves',
    auth: 'bearer',
    body: changePasswordBody,
    responses: { 204: { description: 'Changed' } },
    errors: [429],
  },
  {
    route: 'POST /api/users/:id/password-reset',
    summary: 'Give a user a temporary password, shown once; their sessions end',
    action: 'user:update',
    auth: 'bearer',
    responses: { 201: { description: 'The temporary password (shown once)', schema: passwordResetResponse } },
  },
];
