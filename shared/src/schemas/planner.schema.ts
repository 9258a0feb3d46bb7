import { z } from 'zod';
import { POST_KINDS, PUBLISH_PLATFORMS } from '../publishing/planner';
import { isIanaZone } from './creators.schema';

const clock = z
  .string({ message: 'must be a time such as 07:30' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time such as 07:30 (24 h, HH:MM)');

const window = z
  .strictObject({ start: clock, end: clock })
  .refine((w) => w.start !== w.end, { message: 'start and end must differ', path: ['end'] });

const whole = (min: number, max: number, unit: string) =>
  z
    .number({ message: `must be a number of ${unit}` })
    .int(`must be a whole number of ${unit}`)
    .min(min, `must be at least ${min} ${unit}`)
    .max(max, `must be at most ${max} ${unit}`);

export const marketProfileBody = z.strictObject({
  /** Named by slot rules (`FR`, `US-East`). */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1 to 40 letters, digits, - or _ (such as US-East)'),
  /** The market it belongs to: a market may span several zones. */
  market: z.string().regex(/^[A-Z]{2,8}$/, 'must be a market code in capitals such as FR or US'),
  timeZone: z.string().refine(isIanaZone, 'must be an IANA time zone such as Europe/Paris'),
  active: window,
  quiet: window.optional(),
});

export const slotRuleBody = z.strictObject({
  profile: z.string().min(1, 'must name a market profile'),
  start: clock,
  end: clock,
  posts: whole(1, 12, 'posts'),
  jitterMinutes: whole(0, 180, 'minutes'),
});

export const platformPlanBody = z
  .strictObject({
    platform: z.enum(PUBLISH_PLATFORMS, { message: `must be one of ${PUBLISH_PLATFORMS.join(', ')}` }),
    slots: z.array(slotRuleBody).max(24, 'at most 24 slots per platform'),
    /** Content types allowed, with their weight in the mix (0 or absent: not allowed). */
    mix: z.partialRecord(z.enum(POST_KINDS), whole(0, 100, 'shares')),
    dailyReel: z.boolean({ message: 'must be true or false' }),
  })
  .refine((plan) => Object.values(plan.mix).some((w) => (w ?? 0) > 0), {
    message: 'allow at least one content type (a share above 0)',
    path: ['mix'],
  })
  .refine((plan) => plan.slots.every((s) => s.start !== s.end), {
    message: 'a slot’s start and end must differ',
    path: ['slots'],
  });

export const plannerRulesBody = z
  .strictObject({
    markets: z.array(marketProfileBody).min(1, 'keep at least one market').max(12, 'at most 12 markets'),
    platforms: z.array(platformPlanBody).max(PUBLISH_PLATFORMS.length),
  })
  .superRefine((rules, context) => {
    const ids = new Set<string>();
    rules.markets.forEach((market, i) => {
      if (ids.has(market.id))
        context.addIssue({
          code: 'custom',
          path: ['markets', i, 'id'],
          message: 'is used by another market',
        });
      ids.add(market.id);
    });
    const platforms = new Set<string>();
    rules.platforms.forEach((plan, i) => {
      if (platforms.has(plan.platform))
        context.addIssue({
          code: 'custom',
          path: ['platforms', i, 'platform'],
          message: 'has rules twice: keep one',
        });
      platforms.add(plan.platform);
      plan.slots.forEach((slot, j) => {
        if (!ids.has(slot.profile))
          context.addIssue({
            code: 'custom',
            path: ['platforms', i, 'slots', j, 'profile'],
            message: `is not one of the markets (${[...ids].join(', ')})`,
          });
      });
    });
  });
export type PlannerRulesBody = z.infer<typeof plannerRulesBody>;

export const plannerView = z.object({
  creatorId: z.uuid(),
  /** False while the creator plans from the defaults shown. */
  saved: z.boolean(),
  updatedAt: z.string().nullable(),
  markets: z.array(marketProfileBody),
  platforms: z.array(platformPlanBody),
  /** Publishing platforms the creator has a connected account on: the ones a plan can fill. */
  connected: z.array(z.enum(PUBLISH_PLATFORMS)),
});
export type PlannerView = z.infer<typeof plannerView>;

export const planWeekBody = z.strictObject({
  /** First local day (`YYYY-MM-DD`); today in the first market's zone when absent. */
  start: z.iso.date({ message: 'must be a date such as 2027-03-29' }).optional(),
  days: whole(1, 14, 'days').default(7),
});

/** `post:<id>` (a draft post) or `media:<id>` (a library file no post uses yet). */
const contentId = z
  .string()
  .regex(
    /^(post|media):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    'must be post:<id> or media:<id>',
  );

export const planItem = z.object({
  contentId,
  kind: z.enum(POST_KINDS),
  platform: z.enum(PUBLISH_PLATFORMS),
  accountId: z.uuid(),
  at: z.string(),
  timeZone: z.string(),
  profile: z.string(),
  /** The local date and time in the slot's market. */
  date: z.string(),
  localTime: z.string(),
  /** This post is the day's reel/short. */
  reel: z.boolean(),
  /** The post's first words, or the file's name. */
  label: z.string(),
});

export const planView = z.object({
  creatorId: z.uuid(),
  start: z.string(),
  days: z.number().int(),
  items: z.array(planItem),
  /** Free slots nothing ready could fill. */
  unfilled: z.array(
    z.object({
      platform: z.enum(PUBLISH_PLATFORMS),
      at: z.string(),
      timeZone: z.string(),
      profile: z.string(),
      date: z.string(),
      localTime: z.string(),
    }),
  ),
  /** Days that would still lack their reel once accepted. */
  reelGaps: z.array(z.object({ platform: z.enum(PUBLISH_PLATFORMS), date: z.string() })),
  /** Platforms with rules but no connected account: nothing is planned there. */
  unconnected: z.array(z.enum(PUBLISH_PLATFORMS)),
});
export type PlanView = z.infer<typeof planView>;

export const acceptPlanBody = z.strictObject({
  items: z
    .array(
      z.strictObject({
        contentId,
        platform: z.enum(PUBLISH_PLATFORMS, { message: `must be one of ${PUBLISH_PLATFORMS.join(', ')}` }),
        accountId: z.uuid('must be an account id'),
        at: z.iso.datetime({ offset: true, message: 'must be a date and time with its offset' }),
        timeZone: z.string().refine(isIanaZone, 'must be an IANA time zone such as Europe/Paris'),
      }),
    )
    .min(1, 'accept at least one item')
    .max(300, 'at most 300 items at once'),
});
export type AcceptPlanBody = z.infer<typeof acceptPlanBody>;

export const acceptPlanView = z.object({
  scheduled: z.array(
    z.object({
      contentId: z.string(),
      platform: z.enum(PUBLISH_PLATFORMS),
      postId: z.uuid(),
      at: z.string(),
    }),
  ),
  /** Items that could not be placed any more, each with why: nothing is dropped silently. */
  notPlaced: z.array(
    z.object({
      contentId: z.string(),
      platform: z.enum(PUBLISH_PLATFORMS),
      at: z.string(),
      reason: z.string(),
    }),
  ),
});
export type AcceptPlanView = z.infer<typeof acceptPlanView>;

/**
 * The analytics' best times as the planner's slots: per platform, the slots it has and the
 * ones the best hours would give (nothing is written; saving the rules applies them).
 */
export const plannerBestTimesView = z.object({
  creatorId: z.uuid(),
  /** The creator's zone, in which the best hours were measured. */
  timeZone: z.string(),
  /** The market profile in that zone the new slots name; null when the creator has none. */
  profile: z.string().nullable(),
  from: z.string(),
  to: z.string(),
  platforms: z.array(
    z.object({
      platform: z.enum(PUBLISH_PLATFORMS),
      /** Where the hours come from: the TensorFlow.js model where it beat the baseline. */
      used: z.enum(['tfjs', 'baseline']),
      posts: z.number().int(),
      trainedAt: z.string(),
      /** The chosen hours on the creator's clock, best first, with their expected engagement rate. */
      hours: z.array(z.object({ hour: z.number().int().min(0).max(23), expectedRate: z.number() })),
      current: z.array(slotRuleBody),
      proposed: z.array(slotRuleBody),
      changed: z.boolean(),
    }),
  ),
  /** Platforms of the rules left as they are, and why. */
  skipped: z.array(
    z.object({
      platform: z.enum(PUBLISH_PLATFORMS),
      reason: z.enum(['no_history', 'too_few_posts', 'no_market_in_zone', 'no_open_hours']),
    }),
  ),
  /** The rules with the proposed slots: what `PUT /api/creators/:id/planner` takes to apply them. */
  rules: plannerRulesBody,
});
export type PlannerBestTimesView = z.infer<typeof plannerBestTimesView>;
