import { calendarQuery, calendarResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const calendarApi: ApiRoute[] = [
  {
    route: 'GET /api/calendar',
    summary: 'Posts placed between two times, and the daily reel each day owes',
    description:
      'One creator with `creatorId`, else every creator the user works for. At most 62 days per request. `reels` lists, from today on, each local day (in the creator’s zone) and platform that needs a reel, and whether one is planned.',
    action: 'post:read',
    auth: 'bearer',
    query: calendarQuery,
    responses: { 200: { description: 'The calendar', schema: calendarResponse } },
  },
];
