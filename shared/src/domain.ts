/** Names that cross process boundaries: roles, platforms, statuses, intents (CONTRACT.md). */

export const ROLES = ['admin', 'manager', 'chatter', 'model'] as const;
export type Role = (typeof ROLES)[number];

export const PLATFORMS = [
  'telegram',
  'discord',
  'fanvue',
  'onlyfans',
  'instagram',
  'tiktok',
  'x',
  'bluesky',
  'sandbox',
] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Where posts are published (chat platforms are elsewhere). */
export const PUBLISH_PLATFORMS = ['instagram', 'tiktok', 'x', 'bluesky', 'onlyfans', 'sandbox'] as const;
export type PublishPlatform = (typeof PUBLISH_PLATFORMS)[number];

/** `needs_attention`: connected, but the platform needs a human (expired session, a code). */
export const ACCOUNT_STATUSES = ['active', 'needs_attention', 'disconnected'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const CONVERSATION_STATUSES = ['bot', 'human', 'escalated', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/**
 * Why a conversation is escalated, shown in the inbox: a minor signal (certain or not), one of the
 * escalation rules (a technical issue, a complaint or refund request, a fan asking for a person,
 * three template fallbacks in a row), or a person's own choice.
 */
export const ESCALATION_REASONS = [
  'minor_signal',
  'minor_uncertain',
  'technical_issue',
  'complaint_refund',
  'human_request',
  'fallbacks',
  'manual',
] as const;
export type EscalationReason = (typeof ESCALATION_REASONS)[number];

/**
 * Why a fan got a satisfaction question: a purchase (the feedback request), or a person handed
 * the conversation back after handling it.
 */
export const SATISFACTION_TRIGGERS = ['purchase', 'handled'] as const;
export type SatisfactionTrigger = (typeof SATISFACTION_TRIGGERS)[number];
export const SATISFACTION_STATUSES = ['pending', 'sent', 'answered', 'cancelled'] as const;
export type SatisfactionStatus = (typeof SATISFACTION_STATUSES)[number];

export const MESSAGE_DIRECTIONS = ['in', 'out'] as const;
export type MessageDirection = (typeof MESSAGE_DIRECTIONS)[number];

export const MESSAGE_SENDERS = ['fan', 'bot', 'human'] as const;
export type MessageSender = (typeof MESSAGE_SENDERS)[number];

export const DRAFT_STATUSES = [
  'drafting',
  'pending_approval',
  'auto_sent',
  'approved',
  'rejected',
  'blocked',
  'superseded',
] as const;
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

export const INTENTS = [
  'greeting',
  'compliment',
  'pack_request_feet',
  'pack_request_lingerie',
  'pack_request_nude',
  'custom_request',
  'pricing_question',
  'purchase_confirmation',
  'technical_issue',
  'complaint_refund',
  'meet_request',
  'opt_out',
  'minor_signal',
  'spam',
  'other',
] as const;
export type Intent = (typeof INTENTS)[number];

/** Intents that get a drafted reply (and so can be experimented on): opt-outs, minor signals
 * and spam never reach the model. */
export const DRAFTED_INTENTS = INTENTS.filter(
  (intent): intent is Exclude<Intent, 'opt_out' | 'minor_signal' | 'spam'> =>
    intent !== 'opt_out' && intent !== 'minor_signal' && intent !== 'spam',
);

/** Markets a creator publishes for; extend as agencies open new ones. */
export const MARKETS = ['FR', 'US', 'UK', 'BE', 'CH', 'CA', 'DE', 'ES', 'IT'] as const;
export type Market = (typeof MARKETS)[number];

/** What a pack holds; request intents map onto these (`pack_request_nude` → `nude_art`). */
export const PACK_TYPES = ['feet', 'lingerie', 'nude_art', 'custom', 'other'] as const;
export type PackType = (typeof PACK_TYPES)[number];

export const OFFER_STATUSES = ['open', 'paid', 'expired', 'cancelled'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** How a paid charge was reversed: the provider refunded it, or the fan's bank took it back. */
export const REFUND_KINDS = ['refund', 'chargeback'] as const;
export type RefundKind = (typeof REFUND_KINDS)[number];

export const FOLLOW_UP_KINDS = ['offer', 'thank_you', 'suggestion', 'welcome'] as const;
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

export const FOLLOW_UP_STATUSES = ['pending', 'sent', 'cancelled'] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];

/** Who sends a draft: the policy alone, a human, or nobody (no draft). */
export const SEND_POLICIES = ['auto', 'approve', 'off'] as const;
export type SendPolicy = (typeof SEND_POLICIES)[number];

/** Files a message can carry, whatever the platform called them. */
export const ATTACHMENT_KINDS = ['photo', 'voice', 'audio', 'video', 'document', 'sticker'] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/** Who did something in the activity log: a signed-in person, or Velvet on its own. */
export const ACTIVITY_ACTOR_KINDS = ['user', 'automation'] as const;
export type ActivityActorKind = (typeof ACTIVITY_ACTOR_KINDS)[number];

/** Alerts (something a person should look at) and notices of what automation did. */
export const ALERT_KINDS = [
  'minor_signal',
  'minor_uncertain',
  'escalation',
  'llm_down',
  'platform_error',
  'response_time',
  'conversion',
  'account_attention',
  'backup_failed',
  'reel_missing',
  'memory_down',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const NOTICE_KINDS = ['followup_sent'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];
export const NOTIFICATION_KINDS = [...ALERT_KINDS, ...NOTICE_KINDS] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
/** What can reach a person as web push: every notification kind, and drafts waiting for them. */
export const PUSH_KINDS = ['draft', ...NOTIFICATION_KINDS] as const;
export type PushKind = (typeof PUSH_KINDS)[number];
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
/**
 * Web push a person gets until they choose: waiting drafts and what needs a person now
 * (a minor, an account or a backup in trouble, the model or a platform failing).
 */
export const DEFAULT_PUSH: Record<PushKind, boolean> = {
  draft: true,
  minor_signal: true,
  minor_uncertain: true,
  escalation: true,
  llm_down: true,
  platform_error: true,
  response_time: false,
  conversion: false,
  account_attention: true,
  backup_failed: true,
  reel_missing: true,
  memory_down: false,
  followup_sent: false,
};
