import { z } from 'zod';
import { conversationDetailResponse, conversationPageResponse, messagePageResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';
import { attachmentUploadFields } from './attachments.schema';
import { listConversationsQuery, listMessagesQuery } from './conversations.schema';

const sent = z.object({ messageId: z.uuid() });

export const conversationsApi: ApiRoute[] = [
  {
    route: 'GET /api/conversations',
    summary: 'The inbox: conversations the caller may see, newest activity first',
    action: 'conversation:read',
    auth: 'bearer',
    query: listConversationsQuery,
    responses: {
      200: { description: 'One page; `nextCursor` fetches the next', schema: conversationPageResponse },
    },
  },
  {
    route: 'GET /api/conversations/:id',
    summary: 'A conversation with its pending draft and what the caller may do in it',
    action: 'conversation:read',
    auth: 'bearer',
    responses: { 200: { description: 'The conversation', schema: conversationDetailResponse } },
  },
  {
    route: 'POST /api/conversations/:id/read',
    summary: 'Mark a conversation read',
    action: 'conversation:read',
    auth: 'bearer',
    responses: { 204: { description: 'Marked read' } },
  },
  {
    route: 'POST /api/conversations/:id/mark-minor',
    summary: 'Say the fan is under 18: selling stops until an admin clears it',
    action: 'fan:mark_minor',
    auth: 'bearer',
    responses: { 204: { description: 'Marked' } },
  },
  {
    route: 'POST /api/messages/:id/retry',
    summary: 'Send again a reply the platform refused',
    action: 'conversation:reply',
    auth: 'bearer',
    responses: { 201: { description: 'The new outgoing message', schema: sent } },
    errors: [409],
  },
  {
    route: 'GET /api/conversations/:id/messages',
    summary: 'The thread, oldest first',
    action: 'conversation:read',
    auth: 'bearer',
    query: listMessagesQuery,
    responses: {
      200: { description: 'One page; `nextCursor` fetches older messages', schema: messagePageResponse },
    },
  },
  {
    route: 'GET /api/messages/:id/attachments/:index',
    summary: 'The bytes of a message’s attachment',
    description:
      'Streamed through the hub, never a platform URL. Over the platform’s download limit: `422 file_too_large`; account disconnected: `409`; the platform failing: `502`.',
    action: 'conversation:read',
    auth: 'bearer',
    params: z.object({ id: z.uuid(), index: z.string().regex(/^\d{1,3}$/) }),
    responses: {
      200: {
        description: 'The file, with its type; served in a sandbox (CSP `sandbox`, nosniff)',
        contentType: '*/*',
      },
    },
    errors: [502],
  },
  {
    route: 'POST /api/conversations/:id/attachments',
    summary: 'Send a file to the fan (one file, with an optional caption)',
    action: 'conversation:reply',
    auth: 'bearer',
    body: {
      contentType: 'multipart/form-data',
      description: 'One `file` part, and the text fields `caption` and `clientMessageId`',
      schema: {
        type: 'object',
        properties: {
          file: { type: 'string', contentMediaType: 'application/octet-stream' },
          ...(z.toJSONSchema(attachmentUploadFields, { io: 'input' }).properties as object),
        },
        required: ['file'],
      },
    },
    responses: { 201: { description: 'The outgoing message', schema: sent } },
    errors: [400, 409, 413, 422],
  },
];
