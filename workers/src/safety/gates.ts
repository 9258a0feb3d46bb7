import type { MinorOutcome } from '@velvet/llm';
import {
  BUTTON_DATA,
  type AlertPayload,
  type EscalationReason,
  type EscalationRule,
  type InboundMessage,
  type Intent,
  type VelvetConfig,
} from '@velvet/shared';

export interface FanSafetyState {
  ageVerifiedAt: Date | null;
  optedOutAt: Date | null;
  minorSignalAt: Date | null;
  spamCooldownUntil: Date | null;
  spamStrikes: number;
  mutedAt: Date | null;
}

export type SafetyReply =
  'minor_neutral' | 'opt_out_confirmed' | 'opt_in_confirmed' | 'spam_cooldown' | 'age_gate' | 'age_confirmed';

export interface GateInput {
  text: string;
  kind: InboundMessage['kind'];
  command?: string;
  intent: Intent;
  /** The classifier's probability for `intent`. */
  confidence: number;
  /** The minor gate's decision for this message (`none` for what is not prose). */
  minor: MinorOutcome;
  /** The platform verifies its users' age itself; elsewhere fans confirm 18+ with a button. */
  platformVerifiesAge: boolean;
  /** A group chat: its members cannot be age-checked one by one, so nothing is automated there. */
  inGroup?: boolean;
  /** The fan asked for a person in so many words (the classifier's rule). */
  humanRequest?: boolean;
  fan: FanSafetyState;
  now: Date;
  rules: Pick<VelvetConfig['safety'], 'spam_cooldown' | 'spam_mute_after' | 'min_confidence'> & {
    /** The creator's escalation rules, on unless switched off. */
    escalation: Record<EscalationRule, boolean>;
  };
}

export interface GateDecision {
  /** Changes to the fan's safety state, written with the decision. */
  fan: Partial<FanSafetyState> & { ageVerifiedMethod?: string };
  /** Hand the conversation to a human now. */
  escalate: boolean;
  /** Why, when escalating: recorded on the conversation and shown in the inbox. */
  escalationReason?: EscalationReason;
  alert?: {
    kind: 'minor_signal' | 'minor_uncertain' | 'escalation';
    severity: AlertPayload['severity'];
    message: string;
  };
  /** The one automated reply the gates allow for this message, if any. */
  reply?: SafetyReply;
  /** May an LLM draft or a template answer this message? */
  automated: boolean;
  /** May a reply mention packs, prices or adult wording? */
  selling: boolean;
  reasons: string[];
}

export const AGE_YES = BUTTON_DATA.ageYes;
export const AGE_NO = BUTTON_DATA.ageNo;
/** Callback data of a catalog button: `pack:<pack id>` opens that pack's offer. */
export const PACK_BUTTON = BUTTON_DATA.packPrefix;

const SELLING_INTENTS: ReadonlySet<Intent> = new Set([
  'pack_request_feet',
  'pack_request_lingerie',
  'pack_request_nude',
  'custom_request',
  'pricing_question',
]);
const SELLING_COMMANDS = new Set(['packs', 'pricing']);

/**
 * A typed 18+ answer, the whole message: "18+", "oui 18+", "j'ai 18 ans", "j'ai plus de 18
 * ans", "yes I'm over 18", "I am 18 or older". Nothing vaguer ("bientôt 18", "presque") and
 * nothing more: the minor gate has already read the message.
 */
const ADULT_CONFIRMATION =
  /^[\s"'«»“”]*(?:(?:oui|yes|yep|yeah|ouais|ok|bien s[uû]r|of course|sure)[\s,!.]*)?(?:(?:je confirme|i confirm|confirm[ée]?d?)[\s,:]*)?(?:(?:j['’]?ai|i['’]?m|i am)\s+)?(?:(?:plus de|over|above|at least|au moins)\s+)?18\s*(?:\+|ans|years?(?:\s+old)?|yo|y\/o)?\s*(?:\+|ou plus|et plus|or older|or over|or more)?[\s"'«»“”!.🙂😊😉😄]*$/iu;

/** STOP and its usual French and English spellings, alone or leading the message. */
const OPT_OUT =
  /^\s*(stop+|arr[eê]te?r?|arret|unsubscribe|d[ée]sabonne(r|-moi)?|desinscri(s|re|ption)|opt[ -]?out)\b[\s!.]*$/i;
const OPT_IN = /^\s*(start|unstop|reprendre|opt[ -]?in|je reviens|i'?m back)\b/i;

const ESCALATION_MESSAGES: Record<'technical_issue' | 'complaint_refund' | 'human_request', string> = {
  technical_issue: 'A fan reports a technical issue: conversation escalated, automation paused.',
  complaint_refund: 'A fan complains or asks for a refund: conversation escalated, automation paused.',
  human_request: 'A fan asks to talk to a person: conversation escalated, automation paused.',
};

/** The escalation rule this message fires, if the creator has it on. */
function escalationRule(input: GateInput): keyof typeof ESCALATION_MESSAGES | undefined {
  const { escalation, min_confidence } = input.rules;
  if (input.kind !== 'text') return undefined;
  if (escalation.human_request && input.humanRequest) return 'human_request';
  for (const intent of ['technical_issue', 'complaint_refund'] as const) {
    if (escalation[intent] && input.intent === intent && input.confidence >= min_confidence[intent])
      return intent;
  }
  return undefined;
}

/**
 * The safety gates, in order: minor signal, opt-out (and opting back in), mute, spam
 * cooldown, escalation rules, age gate. A pure decision; the inbound job applies it. Runs before any draft
 * or automated message.
 */
export function evaluateGates(input: GateInput): GateDecision {
  const { fan, now, rules } = input;
  const sure = (intent: 'opt_out' | 'spam') =>
    input.intent === intent && input.confidence >= rules.min_confidence[intent];
  const no = (reasons: string[], extra: Partial<GateDecision> = {}): GateDecision => ({
    fan: {},
    escalate: false,
    automated: false,
    selling: false,
    reasons,
    ...extra,
  });

  // 1. Minor signal: permanent until an admin clears it.
  if (input.minor === 'clear' || (input.kind === 'callback' && input.text === AGE_NO) || fan.minorSignalAt) {
    if (fan.minorSignalAt) return no(['minor_signal'], { escalate: true, escalationReason: 'minor_signal' });
    return no(['minor_signal'], {
      fan: { minorSignalAt: now },
      escalate: true,
      escalationReason: 'minor_signal',
      // Not said into a group: its other members did not write it.
      ...(input.inGroup ? {} : { reply: 'minor_neutral' as const }),
      alert: {
        kind: 'minor_signal',
        severity: 'critical',
        message: 'A fan may be under 18: selling stopped, conversation escalated.',
      },
    });
  }

  // 1b. A hint the rules do not settle: a person looks before anything else is said or sold. Nothing
  // is told to the fan and nothing is written on them; escalating the conversation is the pause.
  if (input.minor === 'uncertain') {
    return no(['minor_uncertain'], {
      escalate: true,
      escalationReason: 'minor_uncertain',
      alert: {
        kind: 'minor_uncertain',
        severity: 'warning',
        message: 'A message might come from someone under 18: automation paused until a person looks.',
      },
    });
  }

  // A group chat is for humans only: no automated reply, no selling.
  if (input.inGroup) return no(['group_chat']);

  // 2. Opt-out, confirmed once; later messages get nothing automated until the fan opts back in.
  if (sure('opt_out') || OPT_OUT.test(input.text)) {
    return fan.optedOutAt
      ? no(['opted_out'])
      : no(['opt_out'], { fan: { optedOutAt: now }, reply: 'opt_out_confirmed' });
  }
  if (fan.optedOutAt) {
    const optIn = OPT_IN.test(input.text) || (input.kind === 'command' && input.command === 'start');
    return optIn
      ? no(['opt_in'], { fan: { optedOutAt: null }, reply: 'opt_in_confirmed' })
      : no(['opted_out']);
  }

  // 3. Muted after repeated spam: only a human answers.
  if (fan.mutedAt) return no(['muted']);

  // 4. Spam: one polite message, then silence (and no LLM call) while cooling down.
  const cooling = fan.spamCooldownUntil !== null && fan.spamCooldownUntil > now;
  if (sure('spam')) {
    const strikes = fan.spamStrikes + 1;
    if (strikes >= rules.spam_mute_after)
      return no(['spam_muted'], { fan: { spamStrikes: strikes, mutedAt: now } });
    if (cooling) return no(['spam_cooldown'], { fan: { spamStrikes: strikes } });
    return no(['spam'], {
      fan: { spamStrikes: strikes, spamCooldownUntil: new Date(now.getTime() + rules.spam_cooldown) },
      reply: 'spam_cooldown',
    });
  }
  if (cooling) return no(['spam_cooldown']);

  // 4b. Escalation rules: what the automation should not handle alone. A person takes over at once;
  // nothing automated answers, so the fan is not told "my team is looking" by a bot that is not.
  const rule = escalationRule(input);
  if (rule) {
    return no([rule], {
      escalate: true,
      escalationReason: rule,
      alert: { kind: 'escalation', severity: 'warning', message: ESCALATION_MESSAGES[rule] },
    });
  }

  // 5. Age gate where the platform does not verify age: the 18+ button, or typed where
  // the platform has no buttons ("18+", "j'ai plus de 18 ans", "yes I'm over 18").
  const gated = !input.platformVerifiesAge && !fan.ageVerifiedAt;
  const button = input.kind === 'callback' && input.text === AGE_YES;
  const typed =
    !button && input.kind === 'text' && input.minor === 'none' && ADULT_CONFIRMATION.test(input.text);
  if (button || (typed && gated)) {
    return gated
      ? no(['age_confirmed'], {
          fan: { ageVerifiedAt: now, ageVerifiedMethod: button ? 'button' : 'typed' },
          reply: 'age_confirmed',
        })
      : no(['age_already_confirmed']);
  }
  const wantsOffer =
    SELLING_INTENTS.has(input.intent) ||
    (input.kind === 'command' && SELLING_COMMANDS.has(input.command ?? '')) ||
    (input.kind === 'callback' && input.text.startsWith(PACK_BUTTON));
  if (gated && (wantsOffer || (input.kind === 'command' && input.command === 'age'))) {
    return no(['age_gate'], { reply: 'age_gate' });
  }
  return {
    fan: {},
    escalate: false,
    automated: true,
    selling: !gated,
    reasons: gated ? ['age_unverified'] : [],
  };
}
