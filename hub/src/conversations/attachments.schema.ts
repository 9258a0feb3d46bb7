import { z } from 'zod';

/** The text fields of `POST /api/conversations/:id/attachments`, beside its `file`. */
export const attachmentUploadFields = z.object({
  /** Telegram's caption limit. */
  caption: z.string().trim().max(1024, 'must be at most 1024 characters').default(''),
  /** Lets a client retry after a lost answer without sending twice (like `message:send`). */
  clientMessageId: z.string().min(8).max(64).optional(),
});
