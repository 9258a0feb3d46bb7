import type { Intent } from '@velvet/shared';
import type { IntentResult } from './intent.classifier';

/** The intents a reply may have to be liked on the creator's behalf: warm words, nothing asked. */
export const FRIENDLY_INTENTS: readonly Intent[] = ['compliment', 'greeting'];

/** The classifier's confidence from which a compliment or greeting counts as one. */
export const FRIENDLY_MIN_CONFIDENCE = 0.6;
/** A reply the model finds this likely to be spam is never liked, whatever else it says. */
export const FRIENDLY_MAX_SPAM = 0.2;

export type FriendlyVerdict =
  | { friendly: true; intent: Intent; confidence: number }
  | {
      friendly: false;
      /** `minor`: a minor signal, clear or uncertain; `spam`; `not_friendly`: anything else. */
      reason: 'minor' | 'spam' | 'not_friendly' | 'unsure';
      intent: Intent;
    };

/**
 * Whether a public reply is friendly enough to like: the intent classifier's verdict, read
 * strictly. Any minor signal (even uncertain), any real chance of spam, a request for a person,
 * or an intent other than a compliment or greeting, and the answer is no. In doubt, no.
 */
export function friendlyReply(
  result: IntentResult,
  minConfidence = FRIENDLY_MIN_CONFIDENCE,
): FriendlyVerdict {
  const { intent } = result;
  if (result.minor.outcome !== 'none' || intent === 'minor_signal')
    return { friendly: false, reason: 'minor', intent };
  if (intent === 'spam' || (result.scores.spam ?? 0) >= FRIENDLY_MAX_SPAM)
    return { friendly: false, reason: 'spam', intent };
  if (!FRIENDLY_INTENTS.includes(intent) || result.humanRequest)
    return { friendly: false, reason: 'not_friendly', intent };
  if (result.confidence < minConfidence) return { friendly: false, reason: 'unsure', intent };
  return { friendly: true, intent, confidence: result.confidence };
}
