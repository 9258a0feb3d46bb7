import { z } from 'zod';

/** What a saved reply may say about the conversation it is inserted into. */
export const REPLY_VARIABLES = ['fan_name', 'fan_username', 'creator_name'] as const;

const VARIABLE = /\{([a-z_]+)\}/g;

/** The `{names}` in a text that are not variables Velvet fills. */
export function unknownVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE)]
    .map((m) => m[1]!)
    .filter((name) => !(REPLY_VARIABLES as readonly string[]).includes(name));
}

/** Fills each `{variable}`; one without a value (a fan with no username) becomes empty. */
export function renderReply(text: string, values: Partial<Record<(typeof REPLY_VARIABLES)[number], string>>) {
  return text
    .replace(VARIABLE, (whole, name: string) =>
      (REPLY_VARIABLES as readonly string[]).includes(name)
        ? (values[name as (typeof REPLY_VARIABLES)[number]] ?? '')
        : whole,
    )
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}

const body = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(4096, 'must be at most 4096 characters')
  .refine((text) => unknownVariables(text).length === 0, {
    message: `uses an unknown variable; known: ${REPLY_VARIABLES.map((v) => `{${v}}`).join(', ')}`,
  });

export const savedReplyCreateBody = z.strictObject({
  /** null: shared by every creator. */
  creatorId: z.uuid().nullable(),
  title: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  body,
  lang: z.enum(['fr', 'en']).nullable().optional(),
});

export const savedReplyUpdateBody = z
  .strictObject({
    title: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters').optional(),
    body: body.optional(),
    lang: z.enum(['fr', 'en']).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');

export const savedRepliesQuery = z.strictObject({ creatorId: z.uuid().optional() });

export const savedReplyView = z.strictObject({
  id: z.uuid(),
  creatorId: z.uuid().nullable(),
  title: z.string(),
  body: z.string(),
  lang: z.enum(['fr', 'en']).nullable(),
  updatedAt: z.string(),
});

export const savedRepliesView = z.strictObject({ replies: z.array(savedReplyView) });

export const renderedRepliesView = z.strictObject({
  replies: z.array(savedReplyView.extend({ text: z.string() })),
  variables: z.array(z.string()),
});
