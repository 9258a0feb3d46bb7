import { z } from 'zod';

export const qualityQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(7),
  creatorId: z.uuid().optional(),
});

const figures = {
  decided: z.number().int(),
  approved: z.number().int(),
  approvedWithoutEdit: z.number().int(),
  approvalWithoutEditRate: z.number().nullable(),
  editDistance: z.number().nullable(),
  written: z.number().int(),
  replyMedianMs: z.number().nullable(),
  conversations: z.number().int(),
  converted: z.number().int(),
  conversion: z.number().nullable(),
};

export const qualityView = z.strictObject({
  window: z.strictObject({ from: z.string(), to: z.string(), days: z.number().int() }),
  definitions: z.strictObject({
    approvalWithoutEditRate: z.string(),
    editDistance: z.string(),
    written: z.string(),
    replyMedianMs: z.string(),
    conversion: z.string(),
  }),
  chatters: z.array(z.strictObject({ userId: z.uuid(), email: z.string(), ...figures })),
  creators: z.array(z.strictObject({ creatorId: z.uuid(), creatorName: z.string(), ...figures })),
});
