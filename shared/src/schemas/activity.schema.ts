import { z } from 'zod';
import { ACTIVITY_ACTOR_KINDS, NOTIFICATION_KINDS, PUSH_KINDS, SEVERITIES } from '../domain';

/* The activity log and notifications: what the hub reads from a request, and what it answers. */

const when = z.iso.datetime({ offset: true, message: 'must be an ISO date-time with its offset' });
const action = z
  .string()
  .trim()
  .regex(/^[a-z_]+[.:][a-z_]+$/, 'must be an action name like draft.approve');

export const activityQuery = z
  .object({
    creatorId: z.uuid().optional(),
    /** A user id, or `automation`. */
    actor: z
      .union([z.literal('automation'), z.uuid({ message: 'must be a user id or "automation"' })])
      .optional(),
    /** One action, or several separated by commas. */
    action: z
      .string()
      .max(400)
      .transform((v) => v.split(',').filter((a) => a.trim() !== ''))
      .pipe(z.array(action).max(20, 'at most 20 actions'))
      .optional(),
    from: when.optional(),
    to: when.optional(),
    /** The previous page's `nextCursor`; `before` is the same (`GET /api/audit`). */
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, 'is not a cursor this server issued')
      .optional(),
    before: z
      .string()
      .regex(/^\d{1,18}$/, 'is not a cursor this server issued')
      .optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), {
    path: ['to'],
    message: 'must be after from',
  });
export type ActivityQuery = z.output<typeof activityQuery>;

export const activityEntryResponse = z.object({
  id: z.string(),
  at: z.string(),
  action: z.string(),
  actor: z.object({
    kind: z.enum(ACTIVITY_ACTOR_KINDS),
    id: z.string().nullable(),
    /** Null for automation, and for a person since deleted. */
    email: z.string().nullable(),
  }),
  creatorId: z.string().nullable(),
  creatorName: z.string().nullable(),
  conversationId: z.string().nullable(),
  /** The fan the entry is about, by their conversation; null once erased. */
  fan: z.object({ id: z.string(), name: z.string() }).nullable(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type ActivityEntry = z.output<typeof activityEntryResponse>;

export const activityPageResponse = z.object({
  entries: z.array(activityEntryResponse),
  nextCursor: z.string().nullable(),
});

export const notificationsQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  cursor: z
    .string()
    .regex(/^\d{1,18}$/, 'is not a cursor this server issued')
    .optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

const notificationId = z.coerce.number().int().positive();

/** Either the listed ids, or everything up to now. */
export const markNotificationsBody = z.union([
  z.strictObject({ ids: z.array(notificationId).min(1).max(200) }),
  z.strictObject({ all: z.literal(true) }),
]);
export type MarkNotificationsBody = z.input<typeof markNotificationsBody>;

export const pushPreferencesBody = z.strictObject({
  push: z.partialRecord(z.enum(PUSH_KINDS), z.boolean()),
});
export type PushPreferencesBody = z.input<typeof pushPreferencesBody>;

export const notificationResponse = z.object({
  id: z.string(),
  kind: z.enum(NOTIFICATION_KINDS),
  severity: z.enum(SEVERITIES),
  message: z.string(),
  creatorId: z.string().nullable(),
  creatorName: z.string().nullable(),
  conversationId: z.string().nullable(),
  accountId: z.string().nullable(),
  /** The fan it is about, when it is about a conversation (null once erased). */
  fan: z.object({ id: z.string(), name: z.string() }).nullable(),
  /** Where to look: the conversation, the account, the backups… */
  url: z.string().nullable(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
  acknowledgedAt: z.string().nullable(),
});
export type NotificationView = z.output<typeof notificationResponse>;

export const notificationsPageResponse = z.object({
  notifications: z.array(notificationResponse),
  unread: z.number(),
  nextCursor: z.string().nullable(),
});

export const pushPreferencesResponse = z.object({
  push: z.record(z.enum(PUSH_KINDS), z.boolean()),
});
