import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  check,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type {
  AccountStatus,
  ActivityActorKind,
  ConversationStatus,
  DraftStatus,
  EscalationReason,
  Intent,
  MessageDirection,
  MessageSender,
  NotificationKind,
  Platform,
  PushKind,
  RefundKind,
  Role,
  SatisfactionStatus,
  SatisfactionTrigger,
  Severity,
} from '../domain';
import type { MessageAttachment, MessageRaw } from '../platform';
import type { CreatorAutomation } from '../schemas/creators.schema';
import type { ExperimentStatus, ExperimentVariant, GuidanceMode } from '../experiments/experiment';
import type { MarketProfile, PlatformPlan } from '../publishing/planner';

const id = () => uuid('id').primaryKey().defaultRandom();
// Millisecond precision, like JavaScript dates: keyset cursors compare exactly.
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const createdAt = () => ts('created_at').notNull().defaultNow();
/** A required reference to the row this one belongs to, deleted with it. */
const owner = (name: string, target: () => AnyPgColumn) =>
  uuid(name).notNull().references(target, { onDelete: 'cascade' });

export const users = pgTable(
  'users',
  {
    id: id(),
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role').$type<Role>().notNull(),
    disabledAt: ts('disabled_at'),
    /** Set by an admin's password reset: the temporary password must be changed at sign-in. */
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    check('users_role_check', sql`${t.role} in ('admin','manager','chatter','model')`),
  ],
);

export const creators = pgTable('creators', {
  id: id(),
  name: text('name').notNull(),
  pseudonym: text('pseudonym').notNull(),
  timezone: text('timezone').notNull(),
  market: text('market').notNull(),
  persona: text('persona').notNull().default(''),
  constraints: jsonb('constraints').$type<string[]>().notNull().default([]),
  /** AI disclosure wording and switch; null fields fall back to config defaults. */
  disclosure: jsonb('disclosure')
    .$type<{ enabled?: boolean; fr?: string; en?: string }>()
    .notNull()
    .default({}),
  /** Local "HH:MM" window with no automated outbound; null → the market default. */
  quietHours: jsonb('quiet_hours').$type<{ start: string; end: string } | null>(),
  /** Selling rules; unset fields fall back to config `sales`. */
  sales: jsonb('sales')
    .$type<{ followUpBudgetPerWeek?: number; suggestionDelay?: string; offerTtl?: string }>()
    .notNull()
    .default({}),
  /** platform → intent (or "*") → auto | approve | off; unset → config default. */
  sendPolicy: jsonb('send_policy')
    .$type<Partial<Record<string, Partial<Record<string, 'auto' | 'approve' | 'off'>>>>>()
    .notNull()
    .default({}),
  /** Automation timings and thresholds; unset fields fall back to config (see creator-automation.ts). */
  automation: jsonb('automation').$type<CreatorAutomation>().notNull().default({}),
  /** Archived: out of the default lists, no automated message; fans' messages are still stored. */
  archivedAt: ts('archived_at'),
  createdAt: createdAt(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Which creators a user may see; admins see all and need no rows here. */
export const userCreators = pgTable(
  'user_creators',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    creatorId: owner('creator_id', () => creators.id),
  },
  (t) => [primaryKey({ columns: [t.userId, t.creatorId] })],
);

/** Rotating refresh tokens, stored as SHA-256 hashes; one family per sign-in. */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    familyId: uuid('family_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    expiresAt: ts('expires_at').notNull(),
    rotatedAt: ts('rotated_at'),
    revokedAt: ts('revoked_at'),
    userAgent: text('user_agent'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('refresh_tokens_hash_key').on(t.tokenHash),
    index('refresh_tokens_family_idx').on(t.familyId),
  ],
);

export const platformAccounts = pgTable(
  'platform_accounts',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    platform: text('platform').$type<Platform>().notNull(),
    label: text('label').notNull().default(''),
    /** AES-256-GCM sealed JSON; never leaves the server. */
    credentialsEnc: text('credentials_enc').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** `disconnected`: credentials wiped and the platform told; history kept. */
    status: text('status').$type<AccountStatus>().notNull().default('active'),
    createdAt: createdAt(),
  },
  (t) => [index('platform_accounts_creator_idx').on(t.creatorId)],
);

export const fans = pgTable(
  'fans',
  {
    id: id(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => platformAccounts.id, { onDelete: 'cascade' }),
    platformUserId: text('platform_user_id').notNull(),
    displayName: text('display_name').notNull().default(''),
    username: text('username'),
    language: text('language'),
    ageVerifiedAt: ts('age_verified_at'),
    ageVerifiedMethod: text('age_verified_method'),
    optedOutAt: ts('opted_out_at'),
    /** Set when the fan or a rule signals a minor; only an admin clears it. */
    minorSignalAt: ts('minor_signal_at'),
    /** When the fan first received the creator's AI disclosure. */
    disclosedAt: ts('disclosed_at'),
    spamCooldownUntil: ts('spam_cooldown_until'),
    spamStrikes: integer('spam_strikes').notNull().default(0),
    /** Repeated spam: no automated message at all until a human unmutes. */
    mutedAt: ts('muted_at'),
    profile: jsonb('profile').$type<Record<string, unknown>>().notNull().default({}),
    /** Operators' notes and tags, edited in the fan panel. */
    notes: text('notes').notNull().default(''),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    /** Subscription tier on the platform when it has one (subscription platforms). */
    subscriptionLevel: text('subscription_level'),
    /** Sum of purchases in cents of `spendCurrency` (the creator's catalog currency). */
    lifetimeSpendCents: integer('lifetime_spend_cents').notNull().default(0),
    spendCurrency: text('spend_currency').notNull().default('EUR'),
    purchaseCount: integer('purchase_count').notNull().default(0),
    lastPurchaseAt: ts('last_purchase_at'),
    lastSeenAt: ts('last_seen_at'),
    /** Set by an erasure: personal data is gone, only aggregate figures remain. */
    erasedAt: ts('erased_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('fans_account_user_key').on(t.accountId, t.platformUserId)],
);

export const conversations = pgTable(
  'conversations',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => platformAccounts.id, { onDelete: 'cascade' }),
    fanId: owner('fan_id', () => fans.id),
    /** Where replies go on the platform (a chat or DM channel id). */
    platformChatId: text('platform_chat_id').notNull(),
    status: text('status').$type<ConversationStatus>().notNull().default('bot'),
    assignedTo: uuid('assigned_to').references(() => users.id, { onDelete: 'set null' }),
    unreadCount: integer('unread_count').notNull().default(0),
    lastMessageAt: ts('last_message_at'),
    /** Out of the open inbox until then; a fan message wakes it earlier. */
    snoozedUntil: ts('snoozed_until'),
    /** When a person resolved it (status `closed`); a fan message reopens it. */
    resolvedAt: ts('resolved_at'),
    /** Why it is escalated (an `EscalationReason`); cleared when it leaves `escalated`. */
    escalationReason: text('escalation_reason').$type<EscalationReason>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('conversations_account_fan_key').on(t.accountId, t.fanId),
    index('conversations_creator_last_idx').on(t.creatorId, t.lastMessageAt),
    check('conversations_status_check', sql`${t.status} in ('bot','human','escalated','closed')`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: id(),
    conversationId: owner('conversation_id', () => conversations.id),
    accountId: uuid('account_id')
      .notNull()
      .references(() => platformAccounts.id, { onDelete: 'cascade' }),
    /** The platform's own id; a repeated webhook delivery hits the unique key below. */
    platformMessageId: text('platform_message_id'),
    direction: text('direction').$type<MessageDirection>().notNull(),
    sender: text('sender').$type<MessageSender>().notNull(),
    text: text('text').notNull(),
    intent: text('intent').$type<Intent>(),
    intentConfidence: real('intent_confidence'),
    lang: text('lang'),
    /** Outbound delivery: queued → sending → sent | failed | unconfirmed. */
    status: text('status'),
    /** Set just before the platform call; found set on a retry, it means the outcome is unknown. */
    sendingAt: ts('sending_at'),
    sentAt: ts('sent_at'),
    /** The fan edited this message on the platform; `text` is the latest version. */
    editedAt: ts('edited_at'),
    keyboard: jsonb('keyboard').$type<{ text: string; url?: string; callbackData?: string }[][]>(),
    /** text, or what else the connector sends: an invoice or a pack's media for `offerId`. */
    kind: text('kind').notNull().default('text'),
    offerId: uuid('offer_id'),
    /** Files the fan sent (platform file ids) or an operator uploaded (under MEDIA_DIR). */
    attachments: jsonb('attachments').$type<MessageAttachment[]>().notNull().default([]),
    idempotencyKey: text('idempotency_key'),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    raw: jsonb('raw').$type<MessageRaw>(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    // Inbound only: a platform may number its own and the fan's messages in one sequence.
    uniqueIndex('messages_inbound_platform_id_key')
      .on(t.accountId, t.platformMessageId)
      .where(sql`${t.direction} = 'in'`),
    uniqueIndex('messages_idempotency_key').on(t.idempotencyKey),
    index('messages_conversation_created_idx').on(t.conversationId, t.createdAt),
    check('messages_direction_check', sql`${t.direction} in ('in','out')`),
    check('messages_sender_check', sql`${t.sender} in ('fan','bot','human')`),
  ],
);

export const drafts = pgTable(
  'drafts',
  {
    id: id(),
    conversationId: owner('conversation_id', () => conversations.id),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    text: text('text').notNull().default(''),
    model: text('model'),
    intent: text('intent').$type<Intent>(),
    template: text('template'),
    status: text('status').$type<DraftStatus>().notNull().default('drafting'),
    reasons: jsonb('reasons').$type<string[]>().notNull().default([]),
    generatedBy: text('generated_by').notNull().default('llm'),
    timings: jsonb('timings').$type<Record<string, number>>().notNull().default({}),
    intentConfidence: real('intent_confidence'),
    /** The offer this reply presents; sending the reply sends its payment request. */
    offerId: uuid('offer_id'),
    /** The text a human sent instead, kept for learning. */
    editedText: text('edited_text'),
    rejectReason: text('reject_reason'),
    decidedBy: uuid('decided_by').references(() => users.id, { onDelete: 'set null' }),
    decidedAt: ts('decided_at'),
    /** The prompt experiment this draft took part in, and the variant its fan is assigned to. */
    experimentId: uuid('experiment_id').references((): AnyPgColumn => experiments.id, {
      onDelete: 'set null',
    }),
    variant: text('variant'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('drafts_conversation_idx').on(t.conversationId, t.createdAt),
    index('drafts_experiment_idx')
      .on(t.experimentId, t.variant)
      .where(sql`${t.experimentId} is not null`),
  ],
);

/** Work committed with a state change, relayed to the queue after commit. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** Last time the relay handed it to the queue. */
    enqueuedAt: ts('enqueued_at'),
    /** Set by the job that did the work; until then the relay keeps re-enqueueing it. */
    processedAt: ts('processed_at'),
    attempts: integer('attempts').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('outbox_pending_idx')
      .on(t.id)
      .where(sql`${t.processedAt} is null`),
    // The relay's sweep reads only what is stale, however many rows are held until later
    // (a post scheduled for next week waits here all week).
    index('outbox_stale_idx')
      .on(sql`coalesce(${t.enqueuedAt}, ${t.createdAt})`)
      .where(sql`${t.processedAt} is null`),
  ],
);

/**
 * The activity log: what people and automation did. `creatorId` scopes an entry to the
 * people of that creator (null: agency-wide, admins only); `actorKind` is `automation` for
 * what Velvet did on its own (workers, platform callbacks), with no `actorId`.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    actorKind: text('actor_kind').$type<ActivityActorKind>().notNull().default('user'),
    action: text('action').notNull(),
    creatorId: uuid('creator_id').references(() => creators.id, { onDelete: 'set null' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    targetType: text('target_type'),
    targetId: text('target_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_log_created_idx').on(t.createdAt),
    index('audit_log_creator_idx').on(t.creatorId, t.id),
    check('audit_log_actor_kind_check', sql`${t.actorKind} in ('user','automation')`),
  ],
);

/**
 * What reached one person: an alert, or a notice of something automation did. The fan and
 * post are named when read (never copied here), so an erased fan's name does not linger.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    userId: owner('user_id', () => users.id),
    kind: text('kind').$type<NotificationKind>().notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    message: text('message').notNull(),
    creatorId: uuid('creator_id').references(() => creators.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    accountId: uuid('account_id').references(() => platformAccounts.id, { onDelete: 'set null' }),
    readAt: ts('read_at'),
    acknowledgedAt: ts('acknowledged_at'),
    createdAt: createdAt(),
  },
  (t) => [
    index('notifications_user_idx').on(t.userId, t.id),
    index('notifications_unread_idx')
      .on(t.userId)
      .where(sql`${t.readAt} is null`),
    check('notifications_severity_check', sql`${t.severity} in ('info','warning','critical')`),
  ],
);

/** Which notification kinds reach a person as web push; a kind not named takes its default. */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  push: jsonb('push').$type<Partial<Record<PushKind, boolean>>>().notNull().default({}),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** Operators' fixes to a message's intent, exported for the next training run. */
export const intentCorrections = pgTable(
  'intent_corrections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: uuid('message_id')
      .notNull()
      .references(() => messages.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    oldIntent: text('old_intent'),
    newIntent: text('new_intent').notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('intent_corrections_message_idx').on(t.messageId)],
);

/** What a creator sells: a pack of media at a price, on the platforms it names. */
export const packs = pgTable(
  'packs',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    name: text('name').notNull(),
    /** feet | lingerie | nude_art | custom | other: which request intents it answers. */
    type: text('type').notNull(),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull().default('EUR'),
    /** Price in Stars (XTR); null → converted from the price with config `payments.stars_per_unit`. */
    priceStars: integer('price_stars'),
    description: text('description').notNull().default(''),
    media: jsonb('media')
      /** A URL the platform fetches, or a `file` uploaded to MEDIA_DIR/packs/<creator id>/. */
      .$type<
        (
          | { kind: 'photo' | 'video' | 'document'; url: string; caption?: string }
          | { kind: 'photo' | 'video'; file: string; caption?: string }
        )[]
      >()
      .notNull()
      .default([]),
    /** Platforms allowed to sell it; empty → every platform the creator is on. */
    platforms: jsonb('platforms').$type<string[]>().notNull().default([]),
    /** Where fans on platforms without native payments pay; a signed single-use token is appended. */
    checkoutUrl: text('checkout_url'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('packs_creator_idx').on(t.creatorId), check('packs_price_check', sql`${t.priceCents} >= 0`)],
);

export const promoCodes = pgTable(
  'promo_codes',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    /** Stored upper-case; unique per creator. */
    code: text('code').notNull(),
    kind: text('kind').notNull(),
    /** Percent (1–100) or cents off, by kind. */
    value: integer('value').notNull(),
    expiresAt: ts('expires_at'),
    maxUses: integer('max_uses'),
    maxUsesPerFan: integer('max_uses_per_fan').notNull().default(1),
    uses: integer('uses').notNull().default(0),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('promo_codes_creator_code_key').on(t.creatorId, t.code),
    check('promo_codes_kind_check', sql`${t.kind} in ('percent','fixed')`),
  ],
);

/** A pack proposed to a fan at a price, open until paid, expired or cancelled. */
export const offers = pgTable(
  'offers',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    conversationId: owner('conversation_id', () => conversations.id),
    fanId: owner('fan_id', () => fans.id),
    packId: uuid('pack_id')
      .notNull()
      .references(() => packs.id, { onDelete: 'cascade' }),
    /** The fan message that led to it. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    intent: text('intent'),
    listPriceCents: integer('list_price_cents').notNull(),
    priceCents: integer('price_cents').notNull(),
    currency: text('currency').notNull(),
    priceStars: integer('price_stars'),
    promoCodeId: uuid('promo_code_id').references(() => promoCodes.id, { onDelete: 'set null' }),
    status: text('status').notNull().default('open'),
    /** `ai` when the pipeline made it, else the user who did. */
    offeredBy: text('offered_by').notNull().default('ai'),
    offeredByUserId: uuid('offered_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** SHA-256 of the single-use checkout token (platforms without native payments). */
    checkoutTokenHash: text('checkout_token_hash'),
    expiresAt: ts('expires_at').notNull(),
    closedAt: ts('closed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    // One open offer per pack per fan.
    uniqueIndex('offers_open_fan_pack_key')
      .on(t.fanId, t.packId)
      .where(sql`${t.status} = 'open'`),
    uniqueIndex('offers_checkout_token_key').on(t.checkoutTokenHash),
    index('offers_conversation_idx').on(t.conversationId, t.createdAt),
    index('offers_creator_created_idx').on(t.creatorId, t.createdAt),
    check('offers_status_check', sql`${t.status} in ('open','paid','expired','cancelled')`),
  ],
);

/** Money received for an offer; one row per provider charge. */
export const purchases = pgTable(
  'purchases',
  {
    id: id(),
    offerId: uuid('offer_id').references(() => offers.id, { onDelete: 'set null' }),
    creatorId: owner('creator_id', () => creators.id),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    fanId: owner('fan_id', () => fans.id),
    packId: uuid('pack_id').references(() => packs.id, { onDelete: 'set null' }),
    /** The in-chat payment provider (its connector names it), or a checkout provider's name. */
    provider: text('provider').notNull(),
    providerChargeId: text('provider_charge_id').notNull(),
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull(),
    /** What the platform charged in its own unit (Stars for XTR). */
    providerAmount: integer('provider_amount'),
    providerCurrency: text('provider_currency'),
    deliveredAt: ts('delivered_at'),
    /** The charge was reversed: it no longer counts in revenue or the fan's spend. */
    refundedAt: ts('refunded_at'),
    refundKind: text('refund_kind').$type<RefundKind>(),
    raw: jsonb('raw').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    check('purchases_refund_kind_check', sql`${t.refundKind} in ('refund','chargeback')`),
    uniqueIndex('purchases_provider_charge_key').on(t.provider, t.providerChargeId),
    index('purchases_creator_created_idx').on(t.creatorId, t.createdAt),
    index('purchases_fan_idx').on(t.fanId, t.createdAt),
  ],
);

/** A message planned for later: a nudge on an open offer, a thank-you, a suggestion. */
export const followUps = pgTable(
  'follow_ups',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    conversationId: owner('conversation_id', () => conversations.id),
    fanId: owner('fan_id', () => fans.id),
    offerId: uuid('offer_id').references(() => offers.id, { onDelete: 'cascade' }),
    packId: uuid('pack_id').references(() => packs.id, { onDelete: 'set null' }),
    kind: text('kind').notNull(),
    dueAt: ts('due_at').notNull(),
    status: text('status').notNull().default('pending'),
    cancelReason: text('cancel_reason'),
    /** The outbound message it became. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // At most one pending follow-up per offer.
    uniqueIndex('follow_ups_pending_offer_key')
      .on(t.offerId)
      .where(sql`${t.status} = 'pending' and ${t.offerId} is not null`),
    index('follow_ups_conversation_idx').on(t.conversationId, t.status),
    index('follow_ups_fan_created_idx').on(t.fanId, t.createdAt),
    check('follow_ups_kind_check', sql`${t.kind} in ('offer','thank_you','suggestion','welcome')`),
    check('follow_ups_status_check', sql`${t.status} in ('pending','sent','cancelled')`),
  ],
);

/** Web push endpoints of a user's devices (VAPID), for drafts waiting on them. */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: id(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint),
    index('push_subscriptions_user_idx').on(t.userId),
  ],
);

/** A creator's publishing library: images and videos uploaded for posts, probed on upload. */
export const mediaAssets = pgTable(
  'media_assets',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    kind: text('kind').$type<'image' | 'video'>().notNull(),
    mime: text('mime').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    durationMs: integer('duration_ms'),
    /** Where the bytes are, in the media store; the thumbnail beside them (images). */
    storageKey: text('storage_key').notNull(),
    thumbnailKey: text('thumbnail_key'),
    fileName: text('file_name').notNull(),
    alt: text('alt').notNull().default(''),
    /** The same file uploaded twice for one creator is one asset. */
    sha256: text('sha256').notNull(),
    uploadedBy: uuid('uploaded_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('media_assets_creator_sha_key').on(t.creatorId, t.sha256),
    index('media_assets_creator_created_idx').on(t.creatorId, t.createdAt),
    check('media_assets_kind_check', sql`${t.kind} in ('image','video')`),
  ],
);

/** A post: one body and its media, per-platform variants where limits differ. */
export const posts = pgTable(
  'posts',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    /** text | text_photo | reel | carousel */
    kind: text('kind').notNull(),
    text: text('text').notNull().default(''),
    hashtags: jsonb('hashtags').$type<string[]>().notNull().default([]),
    /** Media library ids, in the order they are shown. */
    mediaIds: jsonb('media_ids').$type<string[]>().notNull().default([]),
    /** Platform → its own text or hashtags, where they differ from the body. */
    variants: jsonb('variants')
      .$type<Record<string, { text?: string; hashtags?: string[] }>>()
      .notNull()
      .default({}),
    /** Bumped by every change: an edit made on an older version is refused. */
    version: integer('version').notNull().default(1),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('posts_creator_created_idx').on(t.creatorId, t.createdAt),
    check('posts_kind_check', sql`${t.kind} in ('text','text_photo','reel','carousel')`),
  ],
);

/** Where a post goes: one account, with its own state, time and outcome. */
export const postTargets = pgTable(
  'post_targets',
  {
    id: id(),
    postId: owner('post_id', () => posts.id),
    accountId: owner('account_id', () => platformAccounts.id),
    platform: text('platform').$type<Platform>().notNull(),
    /** draft → scheduled → publishing → published | failed | unconfirmed; cancelled. */
    state: text('state').notNull().default('draft'),
    scheduledAt: ts('scheduled_at'),
    /** The IANA zone the time was chosen in (the planner's market, or the creator's). */
    timeZone: text('time_zone'),
    remoteId: text('remote_id'),
    remoteUrl: text('remote_url'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('post_targets_post_account_key').on(t.postId, t.accountId),
    index('post_targets_due_idx').on(t.state, t.scheduledAt),
    check(
      'post_targets_state_check',
      sql`${t.state} in ('draft','scheduled','publishing','published','failed','unconfirmed','cancelled')`,
    ),
  ],
);

/**
 * Every reply to a creator's own post that auto-like decided about, once per account and
 * reply: `liking` is claimed before the platform is called (so a reply is never liked twice,
 * even across a crash), then `liked`, `refused` by the platform, or `skipped` (not friendly).
 */
export const autoLikes = pgTable(
  'auto_likes',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    creatorId: owner('creator_id', () => creators.id),
    accountId: owner('account_id', () => platformAccounts.id),
    platform: text('platform').$type<Platform>().notNull(),
    /** The creator's post the reply answers, as the platform names it. */
    postRemoteId: text('post_remote_id').notNull(),
    replyId: text('reply_id').notNull(),
    decision: text('decision').$type<'liking' | 'liked' | 'skipped' | 'refused'>().notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('auto_likes_account_reply_key').on(t.accountId, t.replyId),
    index('auto_likes_creator_created_idx').on(t.creatorId, t.createdAt),
    check('auto_likes_decision_check', sql`${t.decision} in ('liking','liked','skipped','refused')`),
  ],
);

/**
 * A creator's planner: the market profiles (zones, active and quiet hours) and, per
 * publishing platform, its slots, mix and daily reel. One row per creator; a creator
 * without one plans from the defaults.
 */
export const plannerRules = pgTable('planner_rules', {
  creatorId: uuid('creator_id')
    .primaryKey()
    .references(() => creators.id, { onDelete: 'cascade' }),
  markets: jsonb('markets').$type<MarketProfile[]>().notNull(),
  platforms: jsonb('platforms').$type<PlatformPlan[]>().notNull(),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/*
 * Analytics (migration 0011). `post_metrics` is a time series PARTITIONED BY RANGE
 * (captured_at), one partition a month created ahead by the maintenance job plus a default
 * partition; drizzle cannot declare partitioning, so the migration's SQL is the truth and
 * this declaration only types the queries.
 */

/** One snapshot of a published target's counters, as its platform reported them. */
export const postMetrics = pgTable(
  'post_metrics',
  {
    targetId: uuid('target_id')
      .notNull()
      .references(() => postTargets.id, { onDelete: 'cascade' }),
    creatorId: uuid('creator_id').notNull(),
    platform: text('platform').$type<Platform>().notNull(),
    capturedAt: ts('captured_at').notNull(),
    likes: integer('likes').notNull(),
    comments: integer('comments').notNull(),
    shares: integer('shares').notNull(),
    views: integer('views').notNull(),
    reach: integer('reach'),
    saves: integer('saves'),
  },
  (t) => [
    index('post_metrics_creator_platform_time_idx').on(t.creatorId, t.platform, t.capturedAt),
    index('post_metrics_target_time_idx').on(t.targetId, t.capturedAt),
  ],
);

/** Rollup: each published target's latest counters and its attributed conversions. */
export const postMetricsLatest = pgTable(
  'post_metrics_latest',
  {
    targetId: uuid('target_id')
      .primaryKey()
      .references(() => postTargets.id, { onDelete: 'cascade' }),
    creatorId: owner('creator_id', () => creators.id),
    platform: text('platform').$type<Platform>().notNull(),
    kind: text('kind').notNull(),
    publishedAt: ts('published_at').notNull(),
    capturedAt: ts('captured_at').notNull(),
    likes: integer('likes').notNull().default(0),
    comments: integer('comments').notNull().default(0),
    shares: integer('shares').notNull().default(0),
    views: integer('views').notNull().default(0),
    reach: integer('reach'),
    saves: integer('saves'),
    conversions: integer('conversions').notNull().default(0),
    conversionCents: integer('conversion_cents').notNull().default(0),
  },
  (t) => [index('post_metrics_latest_creator_platform_idx').on(t.creatorId, t.platform, t.publishedAt)],
);

/** Rollup: what a creator's posts gained on a platform each day (deltas of the counters). */
export const metricsDaily = pgTable(
  'metrics_daily',
  {
    creatorId: owner('creator_id', () => creators.id),
    platform: text('platform').$type<Platform>().notNull(),
    day: date('day').notNull(),
    likes: bigint('likes', { mode: 'number' }).notNull().default(0),
    comments: bigint('comments', { mode: 'number' }).notNull().default(0),
    shares: bigint('shares', { mode: 'number' }).notNull().default(0),
    views: bigint('views', { mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ name: 'metrics_daily_pkey', columns: [t.creatorId, t.platform, t.day] })],
);

/** An account's followers (and their countries where the platform says) once a day. */
export const accountMetrics = pgTable(
  'account_metrics',
  {
    accountId: owner('account_id', () => platformAccounts.id),
    creatorId: owner('creator_id', () => creators.id),
    platform: text('platform').$type<Platform>().notNull(),
    day: date('day').notNull(),
    followers: integer('followers').notNull(),
    /** ISO country code → followers. */
    geography: jsonb('geography').$type<Record<string, number>>(),
    capturedAt: ts('captured_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'account_metrics_pkey', columns: [t.accountId, t.day] }),
    index('account_metrics_creator_day_idx').on(t.creatorId, t.platform, t.day),
  ],
);

/** When each published target's counters are next read: hourly, then daily, then weekly. */
export const metricsSchedule = pgTable(
  'metrics_schedule',
  {
    targetId: uuid('target_id')
      .primaryKey()
      .references(() => postTargets.id, { onDelete: 'cascade' }),
    creatorId: owner('creator_id', () => creators.id),
    publishedAt: ts('published_at').notNull(),
    nextAt: ts('next_at').notNull(),
    lastAt: ts('last_at'),
    failures: integer('failures').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [index('metrics_schedule_due_idx').on(t.nextAt)],
);

export type ConversionMethod = 'link' | 'promo_code' | 'chat_window';

/** A purchase credited to a post, and how: its link, its promo code, or a chat sale soon after. */
export const postConversions = pgTable(
  'post_conversions',
  {
    purchaseId: uuid('purchase_id')
      .primaryKey()
      .references(() => purchases.id, { onDelete: 'cascade' }),
    targetId: owner('target_id', () => postTargets.id),
    creatorId: owner('creator_id', () => creators.id),
    method: text('method').$type<ConversionMethod>().notNull(),
    amountCents: integer('amount_cents').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('post_conversions_target_idx').on(t.targetId),
    check('post_conversions_method_check', sql`${t.method} in ('link','promo_code','chat_window')`),
  ],
);

/** Auto-assignment for a creator: how conversations needing a person are shared out. */
export const creatorTeams = pgTable(
  'creator_teams',
  {
    creatorId: uuid('creator_id')
      .primaryKey()
      .references(() => creators.id, { onDelete: 'cascade' }),
    strategy: text('strategy').$type<'round_robin' | 'least_loaded'>().notNull().default('round_robin'),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [check('creator_teams_strategy_check', sql`${t.strategy} in ('round_robin','least_loaded')`)],
);

/** Who works a creator's conversations; round robin takes the one assigned longest ago. */
export const teamMembers = pgTable(
  'team_members',
  {
    creatorId: owner('creator_id', () => creators.id),
    userId: owner('user_id', () => users.id),
    lastAssignedAt: ts('last_assigned_at'),
  },
  (t) => [primaryKey({ columns: [t.creatorId, t.userId] }), index('team_members_user_idx').on(t.userId)],
);

/** A person's shift: on duty or not, and how many open conversations they hold at most. */
export const chatterShifts = pgTable(
  'chatter_shifts',
  {
    userId: uuid('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    onDuty: boolean('on_duty').notNull().default(false),
    capacity: integer('capacity').notNull().default(5),
    changedAt: ts('changed_at').notNull().defaultNow(),
  },
  (t) => [check('chatter_shifts_capacity_check', sql`${t.capacity} between 1 and 100`)],
);

/** Canned answers with `{variables}`: one creator's (creatorId) or shared by all (null). */
export const savedReplies = pgTable(
  'saved_replies',
  {
    id: id(),
    creatorId: uuid('creator_id').references(() => creators.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    body: text('body').notNull(),
    lang: text('lang').$type<'fr' | 'en'>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('saved_replies_creator_idx').on(t.creatorId),
    check('saved_replies_lang_check', sql`${t.lang} in ('fr','en')`),
  ],
);

/**
 * A one-tap satisfaction question to a fan (after a purchase, or after a person handled the
 * conversation), and the fan's score once answered. At most one a month per fan.
 */
export const satisfactionSurveys = pgTable(
  'satisfaction_surveys',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    conversationId: owner('conversation_id', () => conversations.id),
    fanId: owner('fan_id', () => fans.id),
    /** The person credited with the score: who sold the pack, or who handled the conversation. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    purchaseId: uuid('purchase_id').references(() => purchases.id, { onDelete: 'set null' }),
    trigger: text('trigger').$type<SatisfactionTrigger>().notNull(),
    status: text('status').$type<SatisfactionStatus>().notNull().default('pending'),
    dueAt: ts('due_at').notNull(),
    questionMessageId: uuid('question_message_id').references(() => messages.id, { onDelete: 'set null' }),
    sentAt: ts('sent_at'),
    score: integer('score'),
    answerMessageId: uuid('answer_message_id').references(() => messages.id, { onDelete: 'set null' }),
    answeredAt: ts('answered_at'),
    cancelReason: text('cancel_reason'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // One question waiting per fan: two triggers at once plan one.
    uniqueIndex('satisfaction_surveys_pending_fan_key')
      .on(t.fanId)
      .where(sql`${t.status} = 'pending'`),
    index('satisfaction_surveys_fan_sent_idx').on(t.fanId, t.sentAt),
    index('satisfaction_surveys_creator_sent_idx').on(t.creatorId, t.sentAt),
    check('satisfaction_surveys_trigger_check', sql`${t.trigger} in ('purchase','handled')`),
    check('satisfaction_surveys_status_check', sql`${t.status} in ('pending','sent','answered','cancelled')`),
    check('satisfaction_surveys_score_check', sql`${t.score} between 1 and 5`),
  ],
);

/** An A/B test of prompt variants for one creator's intent; at most one runs per intent. */
export const experiments = pgTable(
  'experiments',
  {
    id: id(),
    creatorId: owner('creator_id', () => creators.id),
    intent: text('intent').$type<Intent>().notNull(),
    name: text('name').notNull(),
    /** How each variant's text changes the intent's guidance: added after it, or in its place. */
    mode: text('mode').$type<GuidanceMode>().notNull().default('append'),
    variants: jsonb('variants').$type<ExperimentVariant[]>().notNull(),
    /** Below this many trials per variant the figures say "not enough data yet". */
    minSample: integer('min_sample').notNull().default(30),
    status: text('status').$type<ExperimentStatus>().notNull().default('running'),
    winner: text('winner'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    endedAt: ts('ended_at'),
  },
  (t) => [
    uniqueIndex('experiments_running_key')
      .on(t.creatorId, t.intent)
      .where(sql`${t.status} = 'running'`),
    index('experiments_creator_idx').on(t.creatorId, t.createdAt),
    check('experiments_mode_check', sql`${t.mode} in ('append','replace')`),
    check('experiments_status_check', sql`${t.status} in ('running','stopped','promoted')`),
  ],
);

/** A creator's standing guidance for an intent (a promoted variant), over the configured prompt. */
export const intentGuidance = pgTable(
  'intent_guidance',
  {
    creatorId: owner('creator_id', () => creators.id),
    intent: text('intent').$type<Intent>().notNull(),
    mode: text('mode').$type<GuidanceMode>().notNull(),
    text: text('text').notNull(),
    experimentId: uuid('experiment_id').references(() => experiments.id, { onDelete: 'set null' }),
    updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.creatorId, t.intent] }),
    check('intent_guidance_mode_check', sql`${t.mode} in ('append','replace')`),
  ],
);
