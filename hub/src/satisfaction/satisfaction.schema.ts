import { z } from 'zod';

export const satisfactionQuery = z.strictObject({
  days: z.coerce.number().int().min(1).max(90).default(30),
  creatorId: z.uuid().optional(),
});

const figures = {
  /** Questions sent to fans in the window. */
  asked: z.number().int(),
  /** Of those, answered with a score. */
  answered: z.number().int(),
  /** answered / asked; null when nothing was asked. */
  responseRate: z.number().nullable(),
  /** Mean score (1–5) of the answers; null when none. */
  average: z.number().nullable(),
  /** How many answers gave 1, 2, 3, 4 and 5. */
  scores: z.array(z.number().int()).length(5),
};

export const satisfactionView = z.strictObject({
  window: z.strictObject({ from: z.string(), to: z.string(), days: z.number().int() }),
  total: z.strictObject(figures),
  creators: z.array(z.strictObject({ creatorId: z.uuid(), creatorName: z.string(), ...figures })),
  chatters: z.array(z.strictObject({ userId: z.uuid(), email: z.string(), ...figures })),
});
export type SatisfactionView = z.infer<typeof satisfactionView>;
