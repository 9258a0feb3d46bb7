import { activityPageResponse, activityQuery } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const list = (route: string, summary: string): ApiRoute => ({
  route,
  summary,
  description:
    'Newest first, filtered by creator, actor (a user id or `automation`), actions and dates; managers see their creators’ entries only; entries hold no message text and no secret.',
  action: 'audit:read',
  auth: 'bearer',
  query: activityQuery,
  responses: {
    200: { description: 'A page of entries; `nextCursor` fetches the next', schema: activityPageResponse },
  },
});

export const activityApi: ApiRoute[] = [
  list('GET /api/activity', 'The activity log: what people and automation did'),
  list('GET /api/audit', 'The activity log, by the contract’s name'),
];
