import { z } from 'zod';

/** The text fields of `POST /api/conversations/:id/attachments`, beside its `file`. */
export const attachmentUploadFields = z.object({
  /** The shortest caption limit of the chat platforms (1,024 characters). */
  caption: z.string().trim().max(1024, 'must be at most 1024 characters').default(''),
  /** Lets a client retry after a lost answer without sending twice (like `message:send`). */
  clientMessageId: z.string().min(8).max(64).optional(),
});
