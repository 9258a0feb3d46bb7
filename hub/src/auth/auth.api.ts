import { loginBody, meView, sessionView } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const session = {
  description: 'Signed in: the access token, the user and their abilities; sets the refresh and CSRF cookies',
  schema: sessionView,
};

export const authApi: ApiRoute[] = [
  {
    route: 'POST /api/auth/login',
    summary: 'Sign in',
    access: 'anyone (rate limited per address and per account)',
    auth: 'none',
    body: loginBody,
    responses: { 200: session },
    errors: [401, 429],
  },
  {
    route: 'POST /api/auth/refresh',
    summary: 'Rotate the refresh cookie for a new access token',
    access: 'the holder of a refresh cookie, with the x-csrf-token header',
    auth: 'refresh',
    responses: { 200: session },
    errors: [401, 403],
  },
  {
    route: 'POST /api/auth/logout',
    summary: 'Sign out (revokes the refresh token, clears the cookies)',
    access: 'the holder of a refresh cookie, with the x-csrf-token header',
    auth: 'refresh',
    responses: { 204: { description: 'Signed out' } },
    errors: [403],
  },
  {
    route: 'GET /api/me',
    summary: 'Who is signed in and what they may do',
    access: 'any signed-in user',
    auth: 'bearer',
    responses: { 200: { description: 'The user and their collection-level abilities', schema: meView } },
  },
];
