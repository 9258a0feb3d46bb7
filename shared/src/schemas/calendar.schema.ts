import { z } from 'zod';
import { POST_KINDS, PUBLISH_PLATFORMS } from '../publishing/planner';
import { POST_TARGET_STATES } from './posts.schema';

/** The longest span one calendar request covers: a month view with its leading and trailing weeks. */
export const CALENDAR_MAX_DAYS = 62;

export const calendarQuery = z
  .strictObject({
    /** Start and end of the span shown (end excluded), with their offset. */
    from: z.iso.datetime({ offset: true, message: 'must be a date and time with its offset' }),
    to: z.iso.datetime({ offset: true, message: 'must be a date and time with its offset' }),
    /** One creator; every creator the user works for when absent. */
    creatorId: z.uuid('must be a creator id').optional(),
    platform: z.enum(PUBLISH_PLATFORMS).optional(),
  })
  .refine((q) => Date.parse(q.to) > Date.parse(q.from), { path: ['to'], message: 'must be after from' })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= CALENDAR_MAX_DAYS * 86_400_000, {
    path: ['to'],
    message: `must be at most ${CALENDAR_MAX_DAYS} days after from`,
  });
export type CalendarQuery = z.infer<typeof calendarQuery>;

/** One post on the calendar, with the targets whose time falls in the span. */
export const calendarPost = z.object({
  id: z.uuid(),
  creatorId: z.uuid(),
  kind: z.enum(POST_KINDS),
  /** The start of its text, enough to recognise it. */
  excerpt: z.string(),
  version: z.number().int(),
  targets: z.array(
    z.object({
      accountId: z.uuid(),
      platform: z.enum(PUBLISH_PLATFORMS),
      accountLabel: z.string(),
      state: z.enum(POST_TARGET_STATES),
      scheduledAt: z.string(),
      timeZone: z.string().nullable(),
      /** Where the post is on the platform, once published there (absent before). */
      remoteUrl: z.string().optional(),
    }),
  ),
});
export type CalendarPost = z.infer<typeof calendarPost>;

export const calendarResponse = z.object({
  creators: z.array(z.object({ id: z.uuid(), name: z.string(), timeZone: z.string() })),
  posts: z.array(calendarPost),
  /**
   * The daily reel owed from today on, per creator, platform and local day (in the creator's
   * zone): `covered` when a reel is on the calendar that day.
   */
  reels: z.array(
    z.object({
      creatorId: z.uuid(),
      platform: z.enum(PUBLISH_PLATFORMS),
      date: z.string(),
      covered: z.boolean(),
    }),
  ),
});
export type CalendarResponse = z.infer<typeof calendarResponse>;
