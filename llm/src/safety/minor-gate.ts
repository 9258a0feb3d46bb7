/**
 * The minor decision, its own stage before any intent: explicit rules first, the learned model only for
 * what they leave open. `clear` stops selling and answers neutrally; `uncertain` hands the conversation
 * to a person without telling the fan anything or flagging them; `none` goes on.
 */
import { detectAdultAge } from './adult-age.rule';
import { detectMinorSignal } from './minor-signal.rule';

export type MinorOutcome = 'clear' | 'uncertain' | 'none';

export interface MinorDecision {
  outcome: MinorOutcome;
  /** What settled it: a clear or weak minor rule, a stated adult age, the model, or nothing. */
  by: 'rule' | 'adult_age' | 'model' | 'none';
  /** The rule family (`age`, `school`, `not_adult`, `parents`) when a minor rule fired. */
  rule?: string;
  /** The normalised words that decided, for the audit trail. */
  match?: string;
  /** The model's `minor_signal` probability. */
  score: number;
}

/**
 * The model's `minor_signal` probability from which a message no rule settles goes to a human.
 * Calibrated by `npm run train:intents` on the held-out intent split (llm/datasets/intents/eval.jsonl):
 * the highest threshold at which the model alone still finds 90% of its minors' messages, so that it
 * stays a net for phrasings the rules miss. It can only ask, never decide: on ordinary adult messages
 * it never saw, the model is over-confident (llm/datasets/minor-gate/ measures what that costs).
 */
export const MINOR_UNCERTAIN_THRESHOLD = 0.83;

export function decideMinor(
  text: string,
  modelScore: number,
  threshold: number = MINOR_UNCERTAIN_THRESHOLD,
): MinorDecision {
  const score = Number.isFinite(modelScore) ? modelScore : 0;
  const signal = detectMinorSignal(text);
  if (signal?.strength === 'clear') {
    return { outcome: 'clear', by: 'rule', rule: signal.rule, match: signal.match, score };
  }
  const adult = detectAdultAge(text);
  if (adult !== null) return { outcome: 'none', by: 'adult_age', match: adult, score };
  if (signal) return { outcome: 'uncertain', by: 'rule', rule: signal.rule, match: signal.match, score };
  if (score >= threshold) return { outcome: 'uncertain', by: 'model', score };
  return { outcome: 'none', by: 'none', score };
}
