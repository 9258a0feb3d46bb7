import { z } from 'zod';
import { INTENTS, MARKETS, PLATFORMS, SEND_POLICIES } from '../domain';

/** An IANA zone name Node knows (`Europe/Paris`, `UTC`), not an abbreviation or offset. */
export function isIanaZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.includes('/') || zone === 'UTC';
  } catch {
    return false;
  }
}

const text = (max: number) =>
  z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const creatorFields = {
  name: text(120),
  pseudonym: text(80),
  timezone: z.string().refine(isIanaZone, 'must be an IANA time zone such as Europe/Paris'),
  market: z.enum(MARKETS, { message: `must be one of ${MARKETS.join(', ')}` }),
  persona: z.string().max(4000, 'must be at most 4000 characters'),
  constraints: z.array(text(300)).max(50),
  /** Local window without automated messages; null → the market's default. */
  quietHours: z
    .strictObject({
      start: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 23:00'),
      end: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 08:00'),
    })
    .nullable(),
  /** Who sends drafts: platform (or "*") → intent (or "*") → auto | approve | off. */
  sendPolicy: z.partialRecord(
    z.union([z.enum(PLATFORMS), z.literal('*')]),
    z.partialRecord(z.union([z.enum(INTENTS), z.literal('*')]), z.enum(SEND_POLICIES)),
  ),
  /** AI disclosure switch and wording (defaults: on in EU markets, config wording). */
  disclosure: z.strictObject({
    enabled: z.boolean().optional(),
    fr: z.string().trim().min(1).max(500).optional(),
    en: z.string().trim().min(1).max(500).optional(),
  }),
};

export const createCreatorBody = z.strictObject({
  ...creatorFields,
  persona: creatorFields.persona.default(''),
  constraints: creatorFields.constraints.default([]),
  quietHours: creatorFields.quietHours.default(null),
  disclosure: creatorFields.disclosure.default({}),
  sendPolicy: creatorFields.sendPolicy.default({}),
});
export type CreateCreatorBody = z.infer<typeof createCreatorBody>;

export const patchCreatorBody = z
  .strictObject(creatorFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');
export type PatchCreatorBody = z.infer<typeof patchCreatorBody>;

export const creatorView = z.object({
  id: z.uuid(),
  name: z.string(),
  pseudonym: z.string(),
  timezone: z.string(),
  market: z.string(),
  persona: z.string(),
  constraints: z.array(z.string()),
  quietHours: z.object({ start: z.string(), end: z.string() }).nullable(),
  disclosure: z.object({
    enabled: z.boolean().optional(),
    fr: z.string().optional(),
    en: z.string().optional(),
  }),
  sendPolicy: z.record(z.string(), z.record(z.string(), z.enum(SEND_POLICIES))),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CreatorView = z.infer<typeof creatorView>;
