import { z } from 'zod';
import { POST_KINDS, PUBLISH_PLATFORMS } from '../publishing/planner';
import { isIanaZone } from './creators.schema';

export const POST_TARGET_STATES = [
  'draft',
  'scheduled',
  'publishing',
  'published',
  'failed',
  'unconfirmed',
  'cancelled',
] as const;
export type PostTargetState = (typeof POST_TARGET_STATES)[number];

const hashtag = z
  .string()
  .trim()
  .regex(/^#?[\p{L}\p{N}_]{1,100}$/u, 'must be one word of letters, digits or _ (no spaces)')
  .transform((tag) => tag.replace(/^#/, ''));
const hashtags = z.array(hashtag).max(60, 'at most 60 hashtags');
const postBody = z.string().max(10_000, 'must be at most 10,000 characters');

const postFields = {
  kind: z.enum(POST_KINDS, { message: `must be one of ${POST_KINDS.join(', ')}` }),
  text: postBody,
  hashtags,
  /** Media library ids of the same creator, in order. */
  mediaIds: z.array(z.uuid('must be a media id')).max(35, 'at most 35 media'),
  /** Per platform, the text or hashtags that replace the body's there. */
  variants: z.partialRecord(
    z.enum(PUBLISH_PLATFORMS),
    z.strictObject({ text: postBody.optional(), hashtags: hashtags.optional() }),
  ),
  /** The accounts it goes to. */
  accountIds: z.array(z.uuid('must be an account id')).max(20, 'at most 20 targets'),
};

export const createPostBody = z.strictObject({
  ...postFields,
  text: postFields.text.default(''),
  hashtags: postFields.hashtags.default([]),
  mediaIds: postFields.mediaIds.default([]),
  variants: postFields.variants.default({}),
});
export type CreatePostBody = z.infer<typeof createPostBody>;

export const patchPostBody = z
  .strictObject({ ...postFields, version: z.number().int().min(1) })
  .partial()
  .required({ version: true })
  .refine((body) => Object.keys(body).length > 1, 'send at least one field to change with the version');
export type PatchPostBody = z.infer<typeof patchPostBody>;

export const postListQuery = z.strictObject({
  state: z.enum(POST_TARGET_STATES).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const instant = z.iso.datetime({ offset: true, message: 'must be a date and time with its offset' });

/** `GET /api/posts`: one creator's posts, optionally those with a target due in a window and/or in a state. */
export const postSearchQuery = z
  .strictObject({
    creatorId: z.uuid('must be a creator id'),
    /** Start and end (excluded) of the window a target's scheduled time falls in. */
    from: instant.optional(),
    to: instant.optional(),
    status: z.enum(POST_TARGET_STATES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.to) > Date.parse(q.from), {
    path: ['to'],
    message: 'must be after from',
  });
export type PostSearchQuery = z.infer<typeof postSearchQuery>;

const problem = z.object({ field: z.string(), message: z.string() });

export const postView = z.object({
  id: z.uuid(),
  creatorId: z.uuid(),
  kind: z.enum(POST_KINDS),
  text: z.string(),
  hashtags: z.array(z.string()),
  mediaIds: z.array(z.uuid()),
  variants: z.record(
    z.string(),
    z.object({ text: z.string().optional(), hashtags: z.array(z.string()).optional() }),
  ),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  targets: z.array(
    z.object({
      id: z.uuid(),
      accountId: z.uuid(),
      platform: z.string(),
      accountLabel: z.string(),
      state: z.enum(POST_TARGET_STATES),
      scheduledAt: z.string().nullable(),
      timeZone: z.string().nullable(),
      remoteId: z.string().nullable(),
      remoteUrl: z.string().nullable(),
      error: z.string().nullable(),
      /** What must change before it can be scheduled there; empty when ready. */
      problems: z.array(problem),
    }),
  ),
  /** Every target is free of problems. */
  ready: z.boolean(),
});
export type PostView = z.infer<typeof postView>;

export const schedulePostBody = z.strictObject({
  /** When, with its offset (`2027-06-07T08:00:00+02:00`). */
  at: z.iso.datetime({ offset: true, message: 'must be a date and time with its offset' }),
  /** The zone the time was chosen in, kept with it (the creator's when absent). */
  timeZone: z.string().refine(isIanaZone, 'must be an IANA time zone such as Europe/Paris').optional(),
  /** Which targets; all that can be scheduled when absent. */
  accountIds: z.array(z.uuid('must be an account id')).min(1).max(20).optional(),
});
export type SchedulePostBody = z.infer<typeof schedulePostBody>;

export const unschedulePostBody = z.strictObject({
  accountIds: z.array(z.uuid('must be an account id')).min(1).max(20).optional(),
});
