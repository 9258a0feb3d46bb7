import { z } from 'zod';
import { DRAFTED_INTENTS } from '@velvet/shared';

export const experimentCreateBody = z
  .strictObject({
    intent: z.enum(DRAFTED_INTENTS),
    name: z.string().trim().min(1).max(80),
    /** `append`: each variant's text goes after the intent's guidance; `replace`: instead of it. */
    mode: z.enum(['append', 'replace']).default('append'),
    variants: z
      .array(
        z.strictObject({
          /** An empty text in `append` mode is the control: today's guidance unchanged. */
          text: z.string().trim().max(1000),
          weight: z.number().int().min(1).max(100).default(50),
        }),
      )
      .min(2)
      .max(5),
    minSample: z.number().int().min(5).max(10_000).default(30),
  })
  .superRefine((body, issue) => {
    const seen = new Set<string>();
    body.variants.forEach((variant, index) => {
      if (body.mode === 'replace' && !variant.text)
        issue.addIssue({
          code: 'custom',
          path: ['variants', index, 'text'],
          message: 'A variant that replaces the guidance needs a text',
        });
      if (seen.has(variant.text))
        issue.addIssue({
          code: 'custom',
          path: ['variants', index, 'text'],
          message: 'Two variants have the same text',
        });
      seen.add(variant.text);
    });
  });

export const experimentsQuery = z.strictObject({
  creatorId: z.uuid().optional(),
  status: z.enum(['running', 'stopped', 'promoted']).optional(),
});

export const promoteBody = z.strictObject({ variant: z.string().regex(/^[A-E]$/) });

const verdictView = z.strictObject({
  status: z.enum(['not_enough_data', 'no_clear_winner', 'significant']),
  /** The variant with the best rate, once there is enough data. */
  leader: z.string().nullable(),
  /** Two-sided p-value of a two-proportion z-test, leader against runner-up. */
  pValue: z.number().nullable(),
  /** Trials each variant needs before a verdict. */
  minSample: z.number().int(),
});

export const variantView = z.strictObject({
  key: z.string(),
  text: z.string(),
  weight: z.number().int(),
  drafts: z.number().int(),
  blocked: z.number().int(),
  decided: z.number().int(),
  approved: z.number().int(),
  approvalRate: z.number().nullable(),
  approvedWithoutEdit: z.number().int(),
  approvalWithoutEditRate: z.number().nullable(),
  editDistance: z.number().nullable(),
  conversations: z.number().int(),
  converted: z.number().int(),
  conversion: z.number().nullable(),
  revenue: z.array(z.strictObject({ currency: z.string(), cents: z.number().int() })),
});

export const experimentView = z.strictObject({
  id: z.uuid(),
  creatorId: z.uuid(),
  creatorName: z.string(),
  intent: z.enum(DRAFTED_INTENTS),
  name: z.string(),
  mode: z.enum(['append', 'replace']),
  status: z.enum(['running', 'stopped', 'promoted']),
  winner: z.string().nullable(),
  minSample: z.number().int(),
  createdAt: z.string(),
  endedAt: z.string().nullable(),
  variants: z.array(variantView),
  significance: z.strictObject({ approval: verdictView, conversion: verdictView }),
  /** What the caller may do with this experiment. */
  can: z.strictObject({ stop: z.boolean(), promote: z.boolean() }),
});

export const guidanceView = z.strictObject({
  creatorId: z.uuid(),
  intent: z.string(),
  mode: z.enum(['append', 'replace']),
  text: z.string(),
  experimentId: z.uuid().nullable(),
  updatedAt: z.string(),
});

export const experimentsView = z.strictObject({
  experiments: z.array(experimentView),
  /** Each creator's standing guidance per intent (from promoted variants). */
  guidance: z.array(guidanceView),
  definitions: z.record(z.string(), z.string()),
});

export type ExperimentView = z.output<typeof experimentView>;
export type VariantView = z.output<typeof variantView>;
