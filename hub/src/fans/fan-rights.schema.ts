import { z } from 'zod';

/** Erasure is confirmed by typing the fan's display name, as GitHub asks for a repository's. */
export const eraseFanBody = z.strictObject({
  confirm: z
    .string({ error: 'is required: type the fan’s display name' })
    .min(1, 'is required: type the fan’s display name')
    .max(500, 'must be at most 500 characters'),
});
