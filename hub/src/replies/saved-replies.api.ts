import type { ApiRoute } from '../http/openapi';
import {
  renderedRepliesView,
  savedRepliesQuery,
  savedReplyCreateBody,
  savedReplyUpdateBody,
  savedReplyView,
  savedRepliesView,
} from './saved-replies.schema';

const VARIABLES =
  'Variables: `{fan_name}`, `{fan_username}`, `{creator_name}`; any other `{name}` is a `422`.';

export const savedRepliesApi: ApiRoute[] = [
  {
    route: 'GET /api/saved-replies',
    summary: 'Saved replies: a creator’s and the shared ones (all creators in scope without `creatorId`)',
    action: 'conversation:reply',
    auth: 'bearer',
    query: savedRepliesQuery,
    responses: { 200: { description: 'The replies', schema: savedRepliesView } },
  },
  {
    route: 'POST /api/saved-replies',
    summary: 'Add a saved reply for one creator, or shared (`creatorId: null`)',
    description: VARIABLES,
    action: 'saved_reply:write',
    auth: 'bearer',
    body: savedReplyCreateBody,
    responses: { 201: { description: 'The reply', schema: savedReplyView } },
  },
  {
    route: 'PATCH /api/saved-replies/:id',
    summary: 'Change a saved reply',
    description: VARIABLES,
    action: 'saved_reply:write',
    auth: 'bearer',
    body: savedReplyUpdateBody,
    responses: { 200: { description: 'The reply', schema: savedReplyView } },
  },
  {
    route: 'DELETE /api/saved-replies/:id',
    summary: 'Delete a saved reply',
    action: 'saved_reply:write',
    auth: 'bearer',
    responses: { 204: { description: 'Deleted' } },
  },
  {
    route: 'GET /api/conversations/:id/saved-replies',
    summary: 'The saved replies usable in a conversation, each with its variables filled (`text`)',
    action: 'conversation:reply',
    auth: 'bearer',
    responses: { 200: { description: 'The replies', schema: renderedRepliesView } },
  },
];
