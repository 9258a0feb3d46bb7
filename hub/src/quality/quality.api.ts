import type { ApiRoute } from '../http/openapi';
import { qualityQuery, qualityView } from './quality.schema';

export const qualityApi: ApiRoute[] = [
  {
    route: 'GET /api/quality',
    summary:
      'Reply quality per person and per creator: approval without edit, edit distance, replies written, reply time, conversion',
    description:
      'Over AI drafts people approved or rejected and replies they typed without a draft in the last `days` (1–90, 7); each figure’s definition is in `definitions`.',
    action: 'metrics:read',
    auth: 'bearer',
    query: qualityQuery,
    responses: { 200: { description: 'The figures', schema: qualityView } },
  },
];
