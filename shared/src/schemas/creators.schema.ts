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

const whole = (min: number, max: number, unit: string) =>
  z
    .number({ message: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min} ${unit}`)
    .max(max, `must be at most ${max} ${unit}`);

/**
 * The escalation rules a creator may switch off, each named after the reason it records. Minor
 * signals are not among them: they always escalate.
 */
export const ESCALATION_RULES = [
  'technical_issue',
  'complaint_refund',
  'human_request',
  'fallbacks',
] as const;
export type EscalationRule = (typeof ESCALATION_RULES)[number];

/** Pack types whose offers get a follow-up of their own delay (others use `default`). */
export const FOLLOW_UP_PACK_TYPES = ['feet', 'lingerie', 'nude_art', 'default'] as const;

/**
 * A creator's automation timings and thresholds. Each field left out falls back to
 * `config/velvet.yaml` (`GET /api/automation/defaults` says what that is).
 */
export const creatorAutomation = z.strictObject({
  /** Minutes after an offer before its follow-up, by pack type. */
  followUpDelayMinutes: z
    .strictObject(
      Object.fromEntries(
        FOLLOW_UP_PACK_TYPES.map((t) => [t, whole(5, 10_080, 'minutes').optional()]),
      ) as Record<(typeof FOLLOW_UP_PACK_TYPES)[number], z.ZodOptional<ReturnType<typeof whole>>>,
    )
    .optional(),
  /** Follow-ups (offers and suggestions) per fan per week. */
  followUpBudgetPerWeek: whole(0, 50, 'follow-ups').optional(),
  /** The classifier's confidence from which a message counts as spam. */
  spamThreshold: z
    .number({ message: 'must be a number between 0.5 and 1' })
    .min(0.5, 'must be at least 0.5')
    .max(1, 'must be at most 1')
    .optional(),
  /** Seconds without automated replies after a spam message. */
  spamCooldownSeconds: whole(10, 86_400, 'seconds').optional(),
  /** Seconds after a subscription before the welcome message. */
  welcomeDelaySeconds: whole(0, 86_400, 'seconds').optional(),
  /** Escalation rules switched off for this creator (each is on when left out). */
  escalation: z
    .strictObject(
      Object.fromEntries(
        ESCALATION_RULES.map((rule) => [rule, z.boolean({ message: 'must be true or false' }).optional()]),
      ) as Record<EscalationRule, z.ZodOptional<z.ZodBoolean>>,
    )
    .optional(),
  /**
   * Liking the replies the classifier finds friendly under the creator's own posts, where the
   * platform's official API allows it (X, Bluesky). Off unless switched on.
   */
  autoLike: z
    .strictObject({
      enabled: z.boolean({ message: 'must be true or false' }),
      /** Likes in 24 hours, all accounts together. */
      dailyBudget: whole(1, 500, 'likes').optional(),
    })
    .optional(),
  /**
   * The one-tap satisfaction question (on unless switched off; at most one a month per fan),
   * optionally in the creator's own words, in French and English.
   */
  satisfaction: z
    .strictObject({
      enabled: z.boolean({ message: 'must be true or false' }),
      fr: z.string().trim().min(1).max(300, 'must be at most 300 characters').optional(),
      en: z.string().trim().min(1).max(300, 'must be at most 300 characters').optional(),
    })
    .optional(),
});
export type CreatorAutomation = z.infer<typeof creatorAutomation>;

/** Likes auto-like may give in 24 hours when the creator sets no budget. */
export const AUTO_LIKE_DEFAULT_BUDGET = 50;

/** The config values a creator's automation falls back to, as the panel shows them. */
export const automationDefaults = z.object({
  followUpDelayMinutes: z.record(z.enum(FOLLOW_UP_PACK_TYPES), z.number()),
  followUpBudgetPerWeek: z.number(),
  /** Likes auto-like may give in 24 hours when the creator sets no budget. */
  autoLikeDailyBudget: z.number(),
  spamThreshold: z.number(),
  spamCooldownSeconds: z.number(),
  /** By platform, with `default` for the others. */
  welcomeDelaySeconds: z.record(z.string(), z.number()),
  /** The market's quiet hours when the creator sets none. */
  quietHours: z.record(z.string(), z.object({ start: z.string(), end: z.string() })),
});
export type AutomationDefaults = z.infer<typeof automationDefaults>;

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
  automation: creatorAutomation,
};

export const createCreatorBody = z.strictObject({
  ...creatorFields,
  persona: creatorFields.persona.default(''),
  constraints: creatorFields.constraints.default([]),
  quietHours: creatorFields.quietHours.default(null),
  disclosure: creatorFields.disclosure.default({}),
  sendPolicy: creatorFields.sendPolicy.default({}),
  automation: creatorFields.automation.default({}),
});
export type CreateCreatorBody = z.infer<typeof createCreatorBody>;

export const patchCreatorBody = z
  .strictObject(creatorFields)
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');
export type PatchCreatorBody = z.infer<typeof patchCreatorBody>;

/** `GET /api/creators?archived=`: working creators by default, `only` archived ones, or `all`. */
export const listCreatorsQuery = z.strictObject({
  archived: z
    .enum(['exclude', 'only', 'all'], { message: 'must be exclude, only or all' })
    .default('exclude'),
});

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
  automation: creatorAutomation.default({}),
  /** When it was archived; null for a working creator. */
  archivedAt: z.string().nullable().default(null),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type CreatorView = z.infer<typeof creatorView>;
