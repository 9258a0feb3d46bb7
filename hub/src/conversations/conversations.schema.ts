import { z } from 'zod';
import { CONVERSATION_STATUSES, CONVERSATION_VIEWS, PLATFORMS } from '@velvet/shared';

const limit = z.coerce.number().int().min(1).max(200).default(50);

export const listConversationsQuery = z.object({
  creatorId: z.uuid().optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  /** `open` (neither resolved nor snoozed), `snoozed` or `resolved`; all when absent. */
  view: z.enum(CONVERSATION_VIEWS).optional(),
  /** `me`, `none`, or a user id. */
  assigned: z.union([z.enum(['me', 'none']), z.uuid()]).optional(),
  unread: z.enum(['true', 'false']).optional(),
  platform: z.enum(PLATFORMS).optional(),
  /** Fan name, username or message text. */
  q: z.string().trim().max(100).optional(),
  cursor: z.string().max(200).optional(),
  limit,
});
export type ListConversationsQuery = z.output<typeof listConversationsQuery>;

export const listMessagesQuery = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type ListMessagesQuery = z.output<typeof listMessagesQuery>;
