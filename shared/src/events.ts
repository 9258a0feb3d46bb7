import { z } from 'zod';
import type { InboundAttachment } from './platform';
import type { NotificationView } from './schemas/activity.schema';
import type {
  AlertKind,
  ConversationStatus,
  DraftStatus,
  EscalationReason,
  FollowUpKind,
  FollowUpStatus,
  Intent,
  MessageDirection,
  MessageSender,
  OfferStatus,
  RefundKind,
  Severity,
} from './domain';
import type { PostTargetState } from './schemas/posts.schema';

/** Socket.IO `/inbox` event maps (CONTRACT.md), typed at both ends. */

/** A file of a message, without the platform's file id; its bytes come from `url` (the hub, with the caller's token). */
export type AttachmentView = Omit<InboundAttachment, 'fileId' | 'fileUniqueId'> & {
  index: number;
  /** `/api/messages/:id/attachments/:index` */
  url: string;
};

/** What a button the fan pressed meant: the 18+ question's answers, a pack, or another. */
export type ButtonAction = 'age_confirmed' | 'age_refused' | 'pack' | 'satisfaction' | 'other';

export type FanEvent =
  | { kind: 'subscriber' }
  | { kind: 'tip'; amountCents: number; currency: string }
  /** `score`: the satisfaction score a rating button gave (1 to 5). */
  | { kind: 'button'; action: ButtonAction; score?: number };

export interface MessageView {
  id: string;
  direction: MessageDirection;
  sender: MessageSender;
  /** For a photo or file, its caption ('' when none). */
  text: string;
  intent?: Intent | null;
  status?: string | null;
  /** Present (possibly empty) on every message the hub presents. */
  attachments?: AttachmentView[];
  /** When the fan last edited it on the platform. */
  editedAt?: string;
  /** Not words but an event: the fan subscribed, or tipped (the text is the tip's note). */
  event?: FanEvent;
  createdAt: string;
}

export interface MessageNewPayload {
  conversationId: string;
  creatorId: string;
  message: MessageView;
}

export interface DraftStartPayload {
  draftId: string;
  conversationId: string;
  messageId: string;
  model: string;
}

export interface DraftTokenPayload {
  draftId: string;
  text: string;
}

/** What goes out with a draft besides its text: shown to the person before they approve. */
export interface DraftPreview {
  /** The AI notice placed before the text (the fan's first AI-drafted message). */
  disclosure?: string;
  /** The payment request that follows the text. */
  offer?: {
    pack: string;
    amountCents: number;
    currency: string;
    how: 'invoice' | 'paid_message' | 'checkout_link';
  };
}

export interface DraftDonePayload {
  draftId: string;
  conversationId: string;
  text: string;
  intent: Intent;
  status: Extract<DraftStatus, 'pending_approval' | 'auto_sent' | 'blocked'>;
  reasons?: string[];
  preview?: DraftPreview;
}

export interface DeliveryPayload {
  conversationId: string;
  messageId: string;
  platformMessageId?: string;
  /** On `message:sent`: the text as the fan received it, when it differs (an AI notice added). */
  text?: string;
  error?: string;
}

/** Why a draft gave way: the fan wrote again, or what a person did. */
export type DraftRetiredReason =
  'fan_wrote' | 'human_replied' | 'escalated' | 'assigned' | 'resolved' | 'archived';

export interface DraftSupersededPayload {
  draftId: string;
  conversationId: string;
  reason?: DraftRetiredReason;
}

export interface ConversationUpdatePayload {
  conversationId: string;
  status: ConversationStatus;
  assignedTo?: string | null;
  snoozedUntil?: string | null;
  /** Why it is escalated, when it is (an `EscalationReason`). */
  escalationReason?: EscalationReason | null;
}

/** A fan's data was erased: drop their conversation and anything cached of it. */
export interface FanErasedPayload {
  fanId: string;
  conversationIds: string[];
  creatorId: string;
}

export interface MessageEditedPayload {
  conversationId: string;
  messageId: string;
  text: string;
  editedAt: string;
}

export interface MessageIntentPayload {
  conversationId: string;
  messageId: string;
  intent: Intent;
  confidence: number;
  lang: string;
}

export interface NotificationNewPayload {
  notification: NotificationView;
  unread: number;
}

export interface NotificationReadPayload {
  ids: string[];
  unread: number;
}

export interface AlertPayload {
  /** `backup_failed` is agency-wide: admins only, `creatorId` is null. */
  kind: AlertKind;
  severity: Severity;
  message: string;
  /** The creator the alert is about; null for agency-wide alerts (`backup_failed`). */
  creatorId: string | null;
  /** The platform account the alert is about (`account_attention`). */
  accountId?: string;
  conversationId?: string;
  at: string;
}

/** A pack proposed to a fan, as the inbox shows it. */
export interface OfferView {
  id: string;
  conversationId: string;
  creatorId: string;
  fanId: string;
  packId: string;
  packName: string;
  priceCents: number;
  listPriceCents: number;
  currency: string;
  priceStars: number | null;
  promoCode: string | null;
  status: OfferStatus;
  offeredBy: 'ai' | 'human';
  expiresAt: string;
  createdAt: string;
}

export interface PurchaseView {
  id: string;
  offerId: string | null;
  conversationId: string | null;
  creatorId: string;
  fanId: string;
  packId: string | null;
  packName: string | null;
  amountCents: number;
  currency: string;
  provider: string;
  /** Set when the charge was reversed: it no longer counts. */
  refundedAt: string | null;
  refundKind: RefundKind | null;
  createdAt: string;
}

export interface FollowUpView {
  id: string;
  conversationId: string;
  creatorId: string;
  offerId: string | null;
  packId: string | null;
  kind: FollowUpKind;
  status: FollowUpStatus;
  dueAt: string;
  cancelReason: string | null;
}

/** A human approved or rejected a draft: every open approval card for it can go. */
export interface DraftDecidedPayload {
  draftId: string;
  conversationId: string;
  status: 'approved' | 'rejected';
  decidedBy: string;
}

export interface QuantilesView {
  p50: number | null;
  p90: number | null;
  count: number;
}

/** The supervisor dashboard's figures for one creator scope (`metrics:update`). */
export interface MetricsSnapshot {
  at: string;
  /** Creators these figures cover; `all` for admins. */
  scope: 'all' | string[];
  windowMinutes: number;
  /** Fan messages in and replies out per minute, oldest minute first. */
  perMinute: { minute: string; in: number; out: number }[];
  responseTimeMs: QuantilesView;
  goals: { responseTimeMs: number; alertResponseTimeMs: number; conversionBelow: number; minOffers: number };
  /** Drafts waiting for a human; `ages` (seconds) of the oldest few, oldest first. */
  pending: { count: number; oldestSeconds: number | null; ages: number[] };
  escalations: { open: number };
  /** Conversations by state now (open: neither resolved nor snoozed), and resolved in the window. */
  conversations: { open: number; escalated: number; snoozed: number; resolved: number };
  /** Offers made over `windowHours` and how many were paid; `rate` null with no offers. */
  conversion: {
    windowHours: number;
    offers: number;
    paid: number;
    rate: number | null;
    revenue: { currency: string; amountCents: number }[];
  };
  chatters: {
    userId: string;
    email: string;
    replies: number;
    approvals: number;
    responseTimeMs: QuantilesView;
  }[];
  llm: { ttftMs: QuantilesView; tokensPerSecond: QuantilesView; drafts: number; fallbacks: number };
  /** Outbound messages a platform refused over the window. */
  failedSends: number;
  queues: Record<string, { waiting: number; active: number; delayed: number; failed: number }>;
}

/**
 * One target of a post changed (scheduled, moved, claimed, published, failed, unconfirmed,
 * taken back to draft), or the post was created, edited or deleted: sent to the creator's
 * room once committed. Small on purpose: a view re-reads the post (or its period) over HTTP.
 */
export interface PostUpdatePayload {
  postId: string;
  creatorId: string;
  targetId: string;
  accountId: string;
  platform: string;
  status: PostTargetState;
  scheduledAt: string | null;
  /** Once published: the post on the platform. */
  url?: string | null;
  /** Why it failed or is unconfirmed. */
  error?: string | null;
  /** The post (or this target of it) no longer exists. */
  deleted?: true;
}

export interface ServerToClientEvents {
  /** A post's target changed state or time, or the post was created, edited or deleted. */
  'post:update': (payload: PostUpdatePayload) => void;
  'draft:decided': (payload: DraftDecidedPayload) => void;
  /** Live dashboard figures, every few seconds, to sockets that asked (`metrics:subscribe`). */
  'metrics:update': (payload: MetricsSnapshot) => void;
  /** An offer was made, paid, expired or cancelled. */
  'offer:update': (payload: OfferView) => void;
  /** A fan paid; the fan's lifetime spend changed. */
  'purchase:new': (payload: PurchaseView) => void;
  /** A purchase was refunded or charged back; the fan's lifetime spend went down. */
  'purchase:refunded': (payload: PurchaseView) => void;
  /** A follow-up was planned, sent or cancelled. */
  'followup:update': (payload: FollowUpView) => void;
  /** The classifier's (or an operator's) intent for a fan message. */
  'message:intent': (payload: MessageIntentPayload) => void;
  /** Something a supervisor should look at now. */
  alert: (payload: AlertPayload) => void;
  /** A notification stored for this person (an alert, or a notice of what automation did). */
  'notification:new': (payload: NotificationNewPayload) => void;
  /** Some of this person's notifications were read (on any of their devices). */
  'notification:read': (payload: NotificationReadPayload) => void;
  'message:new': (payload: MessageNewPayload) => void;
  /** The fan edited a message on the platform: its latest text replaces the old one. */
  'message:edited': (payload: MessageEditedPayload) => void;
  'draft:start': (payload: DraftStartPayload) => void;
  'draft:token': (payload: DraftTokenPayload) => void;
  'draft:done': (payload: DraftDonePayload) => void;
  /**
   * The draft can no longer be approved: a newer fan message replaced it, or a person took
   * the conversation over (replied, escalated, assigned, resolved). Its stream is aborted.
   */
  'draft:superseded': (payload: DraftSupersededPayload) => void;
  'message:sent': (payload: DeliveryPayload) => void;
  'message:failed': (payload: DeliveryPayload) => void;
  'conversation:update': (payload: ConversationUpdatePayload) => void;
  /** An admin erased a fan (GDPR): their messages' texts and media are gone. */
  'fan:erased': (payload: FanErasedPayload) => void;
  /**
   * Sent once on a fresh connection, the log offset after it: a client that drops before any
   * other event still recovers what it missed (clients echo the last offset they got).
   */
  'sync:offset': (payload: Record<string, never>) => void;
}
export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

export type Ack<T extends object = object> =
  ({ ok: true } & T) | { ok: false; error: { code: string; message: string } };

export const messageSendPayload = z.strictObject({
  conversationId: z.uuid(),
  text: z.string().trim().min(1, 'is required').max(4096, 'must be at most 4096 characters'),
  /** Lets a client retry after a lost ack without sending twice. */
  clientMessageId: z.string().min(8).max(64).optional(),
});
export type MessageSendPayload = z.input<typeof messageSendPayload>;

export const conversationActionPayload = z.strictObject({
  conversationId: z.uuid(),
  userId: z.uuid().optional(),
});
export type ConversationActionPayload = z.input<typeof conversationActionPayload>;

/** Snoozed up to 30 days ahead; a fan message wakes the conversation earlier. */
export const conversationSnoozePayload = z.strictObject({
  conversationId: z.uuid(),
  until: z.iso
    .datetime({ offset: true, message: 'must be a date and time' })
    .refine((v) => Date.parse(v) > Date.now(), 'must be in the future')
    .refine((v) => Date.parse(v) <= Date.now() + 30 * 24 * 3600 * 1000, 'must be within 30 days'),
});
export type ConversationSnoozePayload = z.input<typeof conversationSnoozePayload>;

export const draftApprovePayload = z.strictObject({
  draftId: z.uuid(),
  text: z.string().trim().min(1).max(4096).optional(),
  /** A draft held by the checks goes out unedited only when the person says so explicitly. */
  sendAnyway: z.literal(true).optional(),
});
export const draftRejectPayload = z.strictObject({
  draftId: z.uuid(),
  reason: z.string().max(500).optional(),
});

export interface ClientToServerEvents {
  /** Admins and managers: start receiving `metrics:update`; the ack carries the first snapshot. */
  'metrics:subscribe': (
    payload: Record<string, never>,
    ack: (result: Ack<{ snapshot: MetricsSnapshot }>) => void,
  ) => void;
  'metrics:unsubscribe': (payload: Record<string, never>, ack: (result: Ack) => void) => void;
  'draft:approve': (
    payload: z.input<typeof draftApprovePayload>,
    ack: (result: Ack<{ messageId: string }>) => void,
  ) => void;
  'draft:reject': (payload: z.input<typeof draftRejectPayload>, ack: (result: Ack) => void) => void;
  'message:send': (payload: MessageSendPayload, ack: (result: Ack<{ messageId: string }>) => void) => void;
  'conversation:assign': (payload: ConversationActionPayload, ack: (result: Ack) => void) => void;
  'conversation:escalate': (payload: ConversationActionPayload, ack: (result: Ack) => void) => void;
  'conversation:release': (payload: ConversationActionPayload, ack: (result: Ack) => void) => void;
  /** Done for now: pending drafts and follow-ups stop; the fan's next message reopens it. */
  'conversation:resolve': (payload: ConversationActionPayload, ack: (result: Ack) => void) => void;
  /** Back to the open inbox: to its assignee if it has one, else to the AI. Also unsnoozes. */
  'conversation:reopen': (payload: ConversationActionPayload, ack: (result: Ack) => void) => void;
  'conversation:snooze': (payload: ConversationSnoozePayload, ack: (result: Ack) => void) => void;
}

/** Room names: every event goes to its creator's room and, when it has one, its conversation's. */
export const rooms = {
  /** Admins see every creator, including ones created after they connected. */
  admins: 'admins',
  creator: (creatorId: string) => `creator:${creatorId}`,
  /** Those of a creator's people who may see the posts and calendar (not chatters). */
  publishing: (creatorId: string) => `publishing:${creatorId}`,
  conversation: (conversationId: string) => `conversation:${conversationId}`,
  user: (userId: string) => `user:${userId}`,
  /** Every socket of one sign-in, so signing out ends them all. */
  session: (sessionId: string) => `session:${sessionId}`,
};
