import { creatorTrendsQuery, creatorTrendsView } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const trendsApi: ApiRoute[] = [
  {
    route: 'GET /api/creators/:id/trends',
    summary: 'What is trending where the creator publishes, and the creator’s own hashtags',
    description:
      'Per platform the creator has an account on whose official API serves trends (Bluesky’s trending topics, X’s trends for `location`, a WOEID, 1 = worldwide): `ok` with the trends, or `unavailable` with the reason. Kept a few minutes; platforms are asked a bounded number of times per window. `ownHashtags`: hashtags of the creator’s published posts (`basis: none`: not ranked by results, not enough data yet).',
    action: 'post:read',
    auth: 'bearer',
    query: creatorTrendsQuery,
    responses: { 200: { description: 'The trends', schema: creatorTrendsView } },
  },
];
