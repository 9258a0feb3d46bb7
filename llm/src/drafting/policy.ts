import type { Intent, Platform, SendPolicy } from '@velvet/shared';

/** Per creator: platform → intent (or "*") → policy. */
export type CreatorSendPolicy = Partial<Record<Platform | '*', Partial<Record<Intent | '*', SendPolicy>>>>;

export interface PolicyInput {
  platform: Platform;
  intent: Intent;
  confidence: number;
  creator: CreatorSendPolicy;
  defaults: { default: SendPolicy; auto_min_confidence: number };
}

/** Platforms whose terms forbid AI-written chats sent without a human. */
const HUMAN_APPROVAL_ONLY: ReadonlySet<Platform> = new Set(['onlyfans']);

/**
 * Who sends a draft. The most specific setting wins (platform+intent, platform, intent,
 * creator-wide, config default); `auto` needs a confident intent, and OnlyFans is always
 * `approve` whatever the settings say.
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
  if (HUMAN_APPROVAL_ONLY.has(platform)) return 'approve';
  if (chosen === 'auto' && input.confidence < input.defaults.auto_min_confidence) return 'approve';
  return chosen;
}
