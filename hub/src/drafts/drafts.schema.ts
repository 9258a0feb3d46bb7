import { z } from 'zod';
import { attachmentResponse, DRAFT_STATUSES, PLATFORMS } from '@velvet/shared';

export const listDraftsQuery = z.strictObject({
  /** `waiting`: everything a person has to decide, ready (`pending_approval`) or held (`blocked`). */
  status: z.enum(['waiting', 'pending_approval', 'blocked']).default('waiting'),
  creatorId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListDraftsQuery = z.output<typeof listDraftsQuery>;

/** `since`: the start of the caller's day, in their own time zone; at most a week back. */
export const draftStatsQuery = z.strictObject({
  since: z.iso
    .datetime({ offset: true })
    .optional()
    .refine((v) => v === undefined || Date.now() - Date.parse(v) <= 7 * 86_400_000, 'must be within a week'),
});

/** An approval card: the fan's words, the draft, and how long it has waited. */
export const approvalView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  creatorId: z.uuid(),
  creatorName: z.string(),
  platform: z.enum(PLATFORMS),
  fanName: z.string(),
  fanMessages: z.array(
    z.object({
      id: z.uuid(),
      text: z.string(),
      attachments: z.array(attachmentResponse),
      createdAt: z.string(),
    }),
  ),
  text: z.string(),
  intent: z.string().nullable(),
  status: z.enum(DRAFT_STATUSES),
  reasons: z.array(z.string()),
  createdAt: z.string(),
  waitingSince: z.string(),
  ageSeconds: z.number().int(),
});

export const draftStatsView = z.object({
  pending: z.number().int(),
  held: z.number().int(),
  oldestPendingSince: z.string().nullable(),
  approvedByMe: z.number().int(),
  rejectedByMe: z.number().int(),
  medianResponseMs: z.number().nullable(),
  replies: z.number().int(),
  sales: z.array(z.object({ currency: z.string(), amountCents: z.number(), count: z.number().int() })),
});
