import { z } from 'zod';

export const strategy = z.enum(['round_robin', 'least_loaded']);

export const teamBody = z.strictObject({
  strategy,
  /** Empty: no team, so no auto-assignment for this creator. */
  members: z
    .array(
      z.strictObject({
        userId: z.uuid(),
        /** Open conversations this person holds at most (for every creator they work). */
        capacity: z.number().int().min(1).max(100).optional(),
      }),
    )
    .max(200)
    .refine((list) => new Set(list.map((m) => m.userId)).size === list.length, 'lists someone twice'),
});
export type TeamBody = z.infer<typeof teamBody>;

export const teamView = z.strictObject({
  creatorId: z.uuid(),
  strategy,
  /** Auto-assignment runs: the team has at least one member. */
  enabled: z.boolean(),
  members: z.array(
    z.strictObject({
      userId: z.uuid(),
      email: z.string(),
      role: z.string(),
      capacity: z.number().int(),
      onDuty: z.boolean(),
      /** On duty and an inbox open (a connected socket on any hub): may be assigned now. */
      online: z.boolean(),
      load: z.number().int(),
    }),
  ),
});

export const shiftBody = z.strictObject({ onDuty: z.boolean() });

export const shiftView = z.strictObject({
  onDuty: z.boolean(),
  capacity: z.number().int(),
  load: z.number().int(),
  /** Conversations handed back to the queue by going off duty. */
  released: z.number().int().optional(),
});

const queued = z.strictObject({
  conversationId: z.uuid(),
  creatorId: z.uuid(),
  creatorName: z.string(),
  fanName: z.string(),
  status: z.enum(['human', 'escalated']),
  escalationReason: z.string().nullable(),
  since: z.string(),
});

export const queueView = z.strictObject({
  /** Nobody holds them yet, oldest first. */
  waiting: z.array(queued),
  /** Held by a person and not resolved yet (to see who has what, and hand it to someone else). */
  assigned: z.array(queued.extend({ assignedTo: z.strictObject({ userId: z.uuid(), email: z.string() }) })),
  /** Per creator with a team: how many wait and how many members are on duty and online. */
  creators: z.array(
    z.strictObject({
      creatorId: z.uuid(),
      creatorName: z.string(),
      waiting: z.number().int(),
      onDuty: z.number().int(),
      online: z.number().int(),
    }),
  ),
});

/** A person hands a conversation that needs one to someone, by hand. */
export const handAssignBody = z.strictObject({
  userId: z.uuid(),
  /** Who holds it as the caller saw it (null: waiting): refused with 409 if that changed since. */
  from: z.uuid().nullable(),
});
export type HandAssignBody = z.infer<typeof handAssignBody>;

export const handAssignView = z.strictObject({
  conversationId: z.uuid(),
  status: z.enum(['human', 'escalated']),
  assignedTo: z.uuid(),
  /** Open conversations the person now holds, and their capacity (a hand assignment may pass it). */
  load: z.number().int(),
  capacity: z.number().int(),
});
