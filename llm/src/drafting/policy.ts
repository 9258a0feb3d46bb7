import type { Intent, Platform, SendPolicy } from '@velvet/shared';

/** Per creator: platform → intent (or "*") → policy. */
export type CreatorSendPolicy = Partial<Record<Platform | '*', Partial<Record<Intent | '*', SendPolicy>>>>;

export interface PolicyInput {
  platform: Platform;
  /** The platform's terms allow an AI-written reply to go out without a human (its connector says). */
  aiAutoSend: boolean;
  intent: Intent;
  confidence: number;
  creator: CreatorSendPolicy;
  defaults: { default: SendPolicy; auto_min_confidence: number };
}

/**
 * Who sends a draft. The most specific setting wins (platform+intent, platform, intent,
 * creator-wide, config default); `auto` needs a confident intent, and a platform whose
 * terms forbid AI-sent chats is always `approve` whatever the settings say.
 */
export function resolvePolicy(input: PolicyInput): SendPolicy {
  const { creator, platform, intent } = input;
  const chosen =
    creator[platform]?.[intent] ??
    creator[platform]?.['*'] ??
    creator['*']?.[intent] ??
    creator['*']?.['*'] ??
    input.defaults.default;
  if (chosen === 'off') return 'off';
  if (!input.aiAutoSend) return 'approve';
  if (chosen === 'auto' && input.confidence < input.defaults.auto_min_confidence) return 'approve';
  return chosen;
}
