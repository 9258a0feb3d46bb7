import { z } from 'zod';
import type { ApiRoute } from '../http/openapi';
import { approvalView, draftStatsQuery, draftStatsView, listDraftsQuery } from './drafts.schema';

export const draftsApi: ApiRoute[] = [
  {
    route: 'GET /api/drafts',
    summary: 'Approval cards: drafts waiting for a person, oldest first',
    action: 'draft:decide',
    auth: 'bearer',
    query: listDraftsQuery,
    responses: { 200: { description: 'The cards', schema: z.object({ drafts: z.array(approvalView) }) } },
  },
  {
    route: 'GET /api/drafts/stats',
    summary: 'The approval queue’s figures since a time (default: the last 24 hours)',
    action: 'draft:decide',
    auth: 'bearer',
    query: draftStatsQuery,
    responses: { 200: { description: 'The figures', schema: draftStatsView } },
  },
  {
    route: 'GET /api/drafts/:id',
    summary: 'One approval card',
    action: 'draft:decide',
    auth: 'bearer',
    responses: { 200: { description: 'The card', schema: z.object({ draft: approvalView }) } },
  },
];
