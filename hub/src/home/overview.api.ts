import { overviewQuery, overviewResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const overviewApi: ApiRoute[] = [
  {
    route: 'GET /api/overview',
    summary: 'Home and studio: creators, waiting approvals, open alerts, 7-day figures, automation',
    access: 'admins and managers (their creators), models (their own)',
    auth: 'bearer',
    query: overviewQuery,
    responses: { 200: { description: 'The overview', schema: overviewResponse } },
  },
];
