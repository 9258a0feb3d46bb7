import { z } from 'zod';

/** `GET /api/overview`: the home screens' window and, optionally, one creator. */
export const overviewQuery = z.strictObject({
  days: z.coerce
    .number({ message: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(90, 'must be at most 90 days')
    .default(7),
  creatorId: z.uuid('must be a creator id').optional(),
});
export type OverviewQuery = z.infer<typeof overviewQuery>;

const revenue = z.object({ currency: z.string(), cents: z.number() });

const platformFigures = z.object({
  platform: z.string(),
  messagesIn: z.number(),
  messagesOut: z.number(),
  /** Median time from a fan's message to its answer, or null without answers. */
  replyMedianMs: z.number().nullable(),
  replies: z.number(),
  offers: z.number(),
  purchases: z.number(),
  conversion: z.number().nullable(),
  revenue: z.array(revenue),
});
export type PlatformFigures = z.infer<typeof platformFigures>;

/** Posts on one platform: what went out in the window, what failed, what is still to check or to come. */
const publishingFigures = z.object({
  platform: z.string(),
  /** Published during the window. */
  published: z.number(),
  /** Failed during the window. */
  failed: z.number(),
  /** Outcome unknown (the platform did not answer): someone should look, whatever the date. */
  unconfirmed: z.number(),
  /** Scheduled from now on. */
  scheduled: z.number(),
});
export type PublishingFigures = z.infer<typeof publishingFigures>;

export const automationAction = z.object({
  kind: z.enum(['auto_reply', 'offer', 'follow_up']),
  at: z.string(),
  conversationId: z.string(),
  creatorId: z.string(),
  creatorName: z.string(),
  fanName: z.string(),
  platform: z.string(),
  /** The reply's first words, the pack offered, or the follow-up's kind. */
  detail: z.string(),
});
export type AutomationAction = z.infer<typeof automationAction>;

export const overviewResponse = z.object({
  window: z.object({ from: z.string(), to: z.string(), days: z.number() }),
  creators: z.object({ active: z.number(), archived: z.number() }),
  /** Connected (not disconnected) platform accounts: none means "connect your first account". */
  accounts: z.number(),
  performance: z.object({ byPlatform: z.array(platformFigures), totals: platformFigures }),
  /** Scheduled publishing, per platform with at least one post. */
  publishing: z.object({ byPlatform: z.array(publishingFigures) }),
  approvals: z.object({ pending: z.number(), oldestSeconds: z.number().nullable() }),
  alerts: z.object({
    accounts: z.array(
      z.object({
        accountId: z.string(),
        platform: z.string(),
        label: z.string(),
        creatorId: z.string(),
        creatorName: z.string(),
      }),
    ),
    escalated: z.number(),
    minors: z.number(),
    heldDrafts: z.number(),
  }),
  automation: z.array(automationAction),
});
export type OverviewResponse = z.infer<typeof overviewResponse>;
