import { z } from 'zod';

const tag = z.string().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters');

/** What an operator may change on a fan: their own notes and tags, nothing the gates decide. */
export const updateFanBody = z
  .strictObject({
    notes: z.string().max(5000, 'must be at most 5000 characters').optional(),
    tags: z
      .array(tag)
      .max(30, 'must hold at most 30 tags')
      .transform((tags) => [...new Set(tags)])
      .optional(),
  })
  .refine((body) => body.notes !== undefined || body.tags !== undefined, {
    message: 'notes or tags is required',
  });
