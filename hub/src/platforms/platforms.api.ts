import { platformListResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const platformsApi: ApiRoute[] = [
  {
    route: 'GET /api/platforms',
    summary: 'What each platform can do and how an account connects',
    access: 'any signed-in user',
    auth: 'bearer',
    responses: { 200: { description: 'The platforms', schema: platformListResponse } },
  },
];
