import { z } from 'zod';
import {
  createPostBody,
  patchPostBody,
  postListQuery,
  postSearchQuery,
  postView,
  schedulePostBody,
  unschedulePostBody,
} from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

export const postsApi: ApiRoute[] = [
  {
    route: 'GET /api/creators/:id/posts',
    summary: 'A creator’s posts, newest first, each target with what stops it',
    action: 'post:read',
    auth: 'bearer',
    query: postListQuery,
    responses: { 200: { description: 'The posts', schema: z.object({ posts: z.array(postView) }) } },
  },
  {
    route: 'GET /api/posts',
    summary: 'A creator’s posts, newest first: those with a target due in a window, in a state',
    description:
      'The same posts as `GET /api/creators/:id/posts`, the creator given as `creatorId`. With `from`/`to` (end excluded) and/or `status`, only posts having a target scheduled in that window and in that state.',
    action: 'post:read',
    auth: 'bearer',
    query: postSearchQuery,
    responses: { 200: { description: 'The posts', schema: z.object({ posts: z.array(postView) }) } },
  },
  {
    route: 'POST /api/creators/:id/posts',
    summary: 'Write a post for some of the creator’s accounts (a draft)',
    action: 'post:write',
    auth: 'bearer',
    body: createPostBody,
    responses: { 201: { description: 'The post', schema: postView } },
  },
  {
    route: 'GET /api/posts/:id',
    summary: 'One post',
    action: 'post:read',
    auth: 'bearer',
    responses: { 200: { description: 'The post', schema: postView } },
  },
  {
    route: 'PATCH /api/posts/:id',
    summary: 'Change a post (on the version it was read at)',
    description:
      'Someone changed it meanwhile: `409 conflict`; a target is being published: `409 publishing`; removing a target that left the draft state: `409 target_locked`.',
    action: 'post:write',
    auth: 'bearer',
    body: patchPostBody,
    responses: { 200: { description: 'The post as changed', schema: postView } },
    errors: [409],
  },
  {
    route: 'DELETE /api/posts/:id',
    summary: 'Delete a post that is live nowhere',
    action: 'post:write',
    auth: 'bearer',
    responses: { 204: { description: 'Deleted' } },
    errors: [409],
  },
  {
    route: 'POST /api/posts/:id/schedule',
    summary: 'Put the post’s ready targets on the calendar, or move them',
    description:
      'A target not ready: `422` with each problem at `targets.<accountId>.<field>` (nothing is scheduled); already published or being published: `409 target_locked`.',
    action: 'post:write',
    auth: 'bearer',
    body: schedulePostBody,
    responses: { 200: { description: 'The post, its targets scheduled', schema: postView } },
    errors: [409],
  },
  {
    route: 'POST /api/posts/:id/cancel',
    summary: 'Cancel targets that have not gone out (all by default)',
    description:
      'Draft, scheduled and failed targets become `cancelled` and are never published; published and unconfirmed ones stay as they are. A target being published: `409 publishing`, nothing changes.',
    action: 'post:write',
    auth: 'bearer',
    body: unschedulePostBody,
    responses: { 200: { description: 'The post', schema: postView } },
    errors: [409],
  },
  {
    route: 'POST /api/posts/:id/unschedule',
    summary: 'Take scheduled targets back to draft',
    action: 'post:write',
    auth: 'bearer',
    body: unschedulePostBody,
    responses: { 200: { description: 'The post', schema: postView } },
    errors: [409],
  },
];
