import { z } from 'zod';
import {
  ATTACHMENT_KINDS,
  CONVERSATION_STATUSES,
  ESCALATION_REASONS,
  PLATFORMS,
  REFUND_KINDS,
  ROLES,
} from '../domain';
import { POST_KINDS } from '../publishing/planner';
import { TEXT_COUNTINGS } from '../publishing/text-limits';

/*
 * What the hub answers, as the inbox parses it: the presenters are typed against these
 * (`z.input`), so a field renamed on one side is a compile error on the other.
 */

export const userResponse = z.object({
  id: z.union([z.string(), z.number()]).transform(String),
  email: z.string(),
  role: z.enum(ROLES),
  creatorIds: z.array(z.string()).default([]),
  /** Signed in with a temporary password: the UI sends them to change it first. */
  temporaryLogin: z.boolean().optional(),
});
export type User = z.output<typeof userResponse>;

export const sessionResponse = z.object({
  accessToken: z.string().min(1),
  user: userResponse,
  /** The collection-level actions the user may take (`can()`'s answers), for the UI to show. */
  abilities: z.array(z.string()).default([]),
});
export type Session = z.output<typeof sessionResponse>;

const iso = z.string();

/** Not words the fan typed: a subscription, a tip, or a button they pressed (said in words by the UI). */
const fanEventResponse = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('subscriber') }),
  z.object({ kind: z.literal('tip'), amountCents: z.number(), currency: z.string() }),
  z.object({ kind: z.literal('button'), action: z.string(), score: z.number().int().optional() }),
]);

export const attachmentResponse = z.object({
  index: z.number(),
  kind: z.enum(ATTACHMENT_KINDS),
  mimeType: z.string().optional(),
  fileName: z.string().optional(),
  size: z.number().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  duration: z.number().optional(),
  /** The hub's route for the bytes; needs the Bearer token. */
  url: z.string(),
});
export type Attachment = z.output<typeof attachmentResponse>;

export const messageResponse = z.object({
  id: z.string(),
  direction: z.enum(['in', 'out']),
  sender: z.enum(['fan', 'bot', 'human']),
  text: z.string(),
  attachments: z.array(attachmentResponse).optional(),
  intent: z.string().nullish(),
  status: z.string().nullish(),
  error: z.string().nullish(),
  editedAt: iso.nullish(),
  event: fanEventResponse.optional(),
  createdAt: iso,
});
export type Message = z.output<typeof messageResponse>;

export const conversationResponse = z.object({
  id: z.string(),
  creatorId: z.string(),
  creatorName: z.string().default(''),
  accountId: z.string(),
  platform: z.string(),
  status: z.enum(CONVERSATION_STATUSES),
  assignedTo: z.string().nullable(),
  assigneeEmail: z.string().nullish(),
  unreadCount: z.number(),
  lastMessageAt: iso,
  /** Out of the open inbox until then (a fan message wakes it earlier). */
  snoozedUntil: iso.nullish(),
  /** When a person resolved it (`status: closed`). */
  resolvedAt: iso.nullish(),
  /** The first fan message still unanswered, when the fan is waiting. */
  waitingSince: iso.nullish(),
  /** Why it is escalated (a rule, a minor signal, a person); null otherwise. */
  escalationReason: z.enum(ESCALATION_REASONS).nullish(),
  fan: z.object({
    id: z.string(),
    displayName: z.string(),
    username: z.string().nullable(),
    language: z.string().nullable(),
  }),
  lastMessage: z
    .object({
      text: z.string(),
      direction: z.string(),
      sender: z.string(),
      attachment: z.string().nullish(),
      event: fanEventResponse.optional(),
    })
    .nullable(),
});
export type Conversation = z.output<typeof conversationResponse>;

export const conversationPageResponse = z.object({
  conversations: z.array(conversationResponse),
  nextCursor: z.string().nullable(),
});

export const draftResponse = z.object({
  id: z.string(),
  conversationId: z.string(),
  messageId: z.string(),
  status: z.string(),
  text: z.string(),
  intent: z.string().nullish(),
  model: z.string().nullish(),
  reasons: z.array(z.string()).default([]),
  preview: z
    .object({
      disclosure: z.string().optional(),
      offer: z
        .object({ pack: z.string(), amountCents: z.number(), currency: z.string(), how: z.string() })
        .optional(),
    })
    .optional(),
});
export type Draft = z.output<typeof draftResponse>;

/** What the caller may do in one conversation (the server's `can()`, per object). */
export const conversationAbilities = z.object({
  reply: z.boolean(),
  assign: z.boolean(),
  /** May hand the conversation to a teammate (`GET /api/creators/:id/team` lists them). */
  assignOthers: z.boolean().default(false),
  escalate: z.boolean(),
  release: z.boolean(),
  /** May resolve, reopen and snooze. */
  resolve: z.boolean().default(false),
  /** May say the fan is under 18 (selling stops for good until an admin clears it). */
  markMinor: z.boolean().default(false),
  /** May clear a minor flag (admins): selling may resume for the fan. */
  clearMinor: z.boolean().default(false),
  correctIntent: z.boolean(),
});
export type ConversationAbilities = z.output<typeof conversationAbilities>;

export const teamResponse = z.object({
  team: z.array(z.object({ id: z.string(), email: z.string(), role: z.string() })),
});
export type TeamMember = z.output<typeof teamResponse>['team'][number];

export const conversationDetailResponse = z.object({
  conversation: conversationResponse,
  draft: draftResponse.nullable(),
  abilities: conversationAbilities,
});

export const messagePageResponse = z.object({
  messages: z.array(messageResponse),
  nextCursor: z.string().nullable(),
});

const money = z.object({ cents: z.number(), currency: z.string() });

export const fanPanelResponse = z.object({
  fan: z.object({
    id: z.string(),
    displayName: z.string(),
    username: z.string().nullable(),
    language: z.string().nullable(),
    platform: z.string(),
    subscriptionLevel: z.string().nullable(),
    lifetimeSpend: money,
    purchaseCount: z.number(),
    lastPurchaseAt: iso.nullable(),
    profile: z.record(z.string(), z.unknown()),
    notes: z.string(),
    tags: z.array(z.string()),
    ageVerifiedAt: iso.nullable(),
    ageVerifiedMethod: z.string().nullable(),
    minorSignalAt: iso.nullable(),
    optedOutAt: iso.nullable(),
    disclosedAt: iso.nullable(),
    mutedAt: iso.nullable(),
  }),
  purchases: z.array(
    z.object({
      id: z.string(),
      packName: z.string().nullable(),
      amount: money,
      /** Refunded or charged back: no longer counted in the fan's spend. */
      refundKind: z.enum(REFUND_KINDS).nullable(),
      createdAt: iso,
    }),
  ),
  openOffers: z.array(
    z.object({
      id: z.string(),
      packName: z.string(),
      price: money,
      status: z.string(),
      expiresAt: iso,
      createdAt: iso,
    }),
  ),
  followUps: z.array(
    z.object({ id: z.string(), kind: z.string(), dueAt: iso, packName: z.string().nullable() }),
  ),
});
export type FanPanel = z.output<typeof fanPanelResponse>;

/** A platform's text limits as data (`PostTextRules`): the post editor counts from it. */
export const postTextRules = z.object({
  counting: z.enum(TEXT_COUNTINGS),
  maxLength: z.number().int().positive().optional(),
  maxLengthWithVideo: z.number().int().positive().optional(),
  maxHashtags: z.number().int().nonnegative().optional(),
});

export const platformListResponse = z.object({
  platforms: z.array(
    z.object({
      platform: z.enum(PLATFORMS),
      /** The platform's name as people write it: the UI names platforms from this alone. */
      label: z.string(),
      chat: z.boolean(),
      /** Velvet can publish there (its publisher exists). */
      publish: z.boolean(),
      /** `none`: known (its posting rules), but no account of it can be connected yet. */
      connect: z.enum(['credentials', 'oauth', 'none']),
      /** A chat platform's webhooks come from the internet (PUBLIC_URL must reach the hub) or this machine. */
      webhooksFrom: z.enum(['internet', 'this_machine']).optional(),
      /** What people must know before posting there (an unaudited TikTok app posts privately), EN and FR. */
      notice: z.object({ en: z.string(), fr: z.string() }).optional(),
      /** Posting rules as data, for a platform posts can target. */
      post: z
        .object({
          text: postTextRules,
          /** A creator's plan may owe a reel/short there every day. */
          dailyReel: z.boolean(),
          /** A new creator's mix of post kinds there (weights). */
          defaultMix: z.partialRecord(z.enum(POST_KINDS), z.number()),
        })
        .optional(),
    }),
  ),
});
export type PlatformInfo = z.output<typeof platformListResponse>['platforms'][number];
