import type { VelvetConfig } from '../config/velvet-config';
import type { CreatorRecord } from '../db/repositories/creators.repo';
import {
  AUTO_LIKE_DEFAULT_BUDGET,
  ESCALATION_RULES,
  type AutomationDefaults,
  type EscalationRule,
} from '../schemas/creators.schema';

const MINUTE = 60_000;
const SECOND = 1000;

type AutomationSource = Pick<CreatorRecord, 'automation' | 'sales'>;

/**
 * The one reading of a creator's automation settings over the config, used by the workers
 * and the hub alike, so what the panel saves is what runs.
 */
export function creatorAutomationRules(
  creator: AutomationSource | undefined,
  config: Pick<VelvetConfig, 'sales'>,
) {
  const own = creator?.automation ?? {};
  return {
    /** Milliseconds from an offer to its follow-up, for a pack of this type. */
    followUpDelayMs(packType: string): number {
      // A type of its own (in the creator's settings or the config) first, then `default`.
      const mine = own.followUpDelayMinutes as Partial<Record<string, number>> | undefined;
      const typed = mine?.[packType];
      if (typed !== undefined) return typed * MINUTE;
      const configured = config.sales.follow_ups[packType as 'feet'];
      if (configured) return configured.after;
      const fallback = mine?.default;
      return fallback !== undefined ? fallback * MINUTE : config.sales.follow_ups.default!.after;
    },
    followUpBudgetPerWeek:
      own.followUpBudgetPerWeek ??
      creator?.sales.followUpBudgetPerWeek ??
      config.sales.follow_up_budget_per_week,
    welcomeDelayMs(platform: string): number {
      if (own.welcomeDelaySeconds !== undefined) return own.welcomeDelaySeconds * SECOND;
      const after = config.sales.welcome.after as Partial<Record<string, number>>;
      return after[platform] ?? after.default!;
    },
  };
}

/** Which escalation rules hold for this creator's conversations: each one unless switched off. */
export function creatorEscalationRules(
  creator: AutomationSource | undefined,
): Record<EscalationRule, boolean> {
  const own = creator?.automation?.escalation ?? {};
  return Object.fromEntries(ESCALATION_RULES.map((rule) => [rule, own[rule] !== false])) as Record<
    EscalationRule,
    boolean
  >;
}

/** The safety rules the gates apply to this creator's fans: its spam threshold and cooldown. */
export function creatorSafetyRules(creator: AutomationSource | undefined, safety: VelvetConfig['safety']) {
  const own = creator?.automation ?? {};
  return {
    ...safety,
    escalation: creatorEscalationRules(creator),
    min_confidence: { ...safety.min_confidence, spam: own.spamThreshold ?? safety.min_confidence.spam },
    spam_cooldown:
      own.spamCooldownSeconds !== undefined ? own.spamCooldownSeconds * SECOND : safety.spam_cooldown,
  };
}

/** What a creator without settings gets, in the panel's units. */
export function automationDefaultsOf(config: VelvetConfig): AutomationDefaults {
  const followUps = config.sales.follow_ups;
  return {
    followUpDelayMinutes: {
      feet: Math.round((followUps.feet ?? followUps.default!).after / MINUTE),
      lingerie: Math.round((followUps.lingerie ?? followUps.default!).after / MINUTE),
      nude_art: Math.round((followUps.nude_art ?? followUps.default!).after / MINUTE),
      default: Math.round(followUps.default!.after / MINUTE),
    },
    followUpBudgetPerWeek: config.sales.follow_up_budget_per_week,
    autoLikeDailyBudget: AUTO_LIKE_DEFAULT_BUDGET,
    spamThreshold: config.safety.min_confidence.spam,
    spamCooldownSeconds: Math.round(config.safety.spam_cooldown / SECOND),
    welcomeDelaySeconds: Object.fromEntries(
      Object.entries(config.sales.welcome.after).map(([k, ms]) => [k, Math.round(ms / SECOND)]),
    ),
    quietHours: config.safety.quiet_hours,
  };
}
