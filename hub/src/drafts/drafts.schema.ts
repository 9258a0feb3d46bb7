import { z } from 'zod';

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
