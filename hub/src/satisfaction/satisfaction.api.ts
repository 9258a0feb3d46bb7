import type { ApiRoute } from '../http/openapi';
import { satisfactionQuery, satisfactionView } from './satisfaction.schema';

export const satisfactionApi: ApiRoute[] = [
  {
    route: 'GET /api/satisfaction',
    summary: 'Fans’ satisfaction scores per creator and per person: average, answers, response rate',
    description:
      'Over the satisfaction questions sent to fans in the last `days` (1–90, 30): a question follows a purchase (credited to the seller) or a person handing a conversation back (credited to them), at most one a month per fan.',
    action: 'metrics:read',
    auth: 'bearer',
    query: satisfactionQuery,
    responses: { 200: { description: 'The figures', schema: satisfactionView } },
  },
];
