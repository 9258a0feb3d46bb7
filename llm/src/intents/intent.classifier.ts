/** In-process intent classification: hashed-feature linear model + the minor gate + language cues. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Intent } from '@velvet/shared';
import { decideMinor, MINOR_UNCERTAIN_THRESHOLD, type MinorDecision } from '../safety/minor-gate';
import { detectHumanRequest } from '../safety/human-request.rule';
import { detectOptOut } from '../safety/opt-out.rule';
import { extractFeatures } from './features.hash';
import { compileModel, parseModel, type IntentModelFile } from './intent.model';
import { detectLanguage, type DetectedLanguage } from './language';
import { emojiIntent, messageShape, type MessageShapeKind } from './message-shape';

export interface ClassifyHint {
  /** The conversation's known language, used when the message itself gives no cue ("ok", "😍"). */
  lang?: 'fr' | 'en';
}

export interface IntentResult {
  /**
   * `minor_signal` when the minor gate is clear, or uncertain with the model agreeing; `opt_out` only
   * for explicit opt-out words; otherwise the model's best other intent (never `spam` for a reply as
   * short as "k" or "100", which the keyboard-mash examples would otherwise pull there).
   */
  intent: Intent;
  /** Softmax probability of `intent`, or at least {@link RULE_CONFIDENCE} when a minor rule was clear. */
  confidence: number;
  lang: DetectedLanguage;
  /** The model's probability for every intent, before any rule. */
  scores: Record<Intent, number>;
  /** The minor-signal rule family that overrode the model, if any. */
  rule?: string;
  /** The minor gate's decision: what the safety gates act on, rather than `intent`. */
  minor: MinorDecision;
  /**
   * Not plain prose: a forwarded text or a media placeholder (no words of the fan's own, so
   * `other`), or emoji only (a compliment when warm). The minor gate still reads all of it.
   */
  shape?: Exclude<MessageShapeKind, 'plain'>;
  /**
   * The fan's words asking for a person ("je veux parler à un humain"), whatever the intent: a rule
   * beside the taxonomy, which the escalation gate reads.
   */
  humanRequest?: string;
}

/** How sure a shape rule is that a message asks for nothing (below the auto-send bar on purpose). */
export const SHAPE_CONFIDENCE = 0.75;

export interface IntentClassifier {
  classify(text: string, hint?: ClassifyHint): IntentResult;
  readonly labels: readonly Intent[];
}

export interface ClassifierOptions {
  /** Model probability from which a message no rule settles is `uncertain` (calibrated default). */
  minorThreshold?: number;
}

export const RULE_CONFIDENCE = 0.95;

export const DEFAULT_MODEL_URL = new URL('../../models/intents.json', import.meta.url);

export function loadIntentClassifier(
  modelPath: string | URL = DEFAULT_MODEL_URL,
  options: ClassifierOptions = {},
): IntentClassifier {
  const path = modelPath instanceof URL ? fileURLToPath(modelPath) : modelPath;
  return createIntentClassifier(parseModel(readFileSync(path, 'utf8'), path), options);
}

export function createIntentClassifier(
  file: IntentModelFile,
  options: ClassifierOptions = {},
): IntentClassifier {
  const model = compileModel(file);
  const { labels } = model;
  const other = labels.indexOf('other');
  const minorIndex = labels.indexOf('minor_signal');
  const optOutIndex = labels.indexOf('opt_out');
  const spamIndex = labels.indexOf('spam');
  const minorThreshold = options.minorThreshold ?? MINOR_UNCERTAIN_THRESHOLD;

  const scoresOf = (probabilities: ArrayLike<number>) => {
    const scores = {} as Record<Intent, number>;
    labels.forEach((label, i) => (scores[label] = probabilities[i] as number));
    return scores;
  };

  return {
    labels,
    classify(text, hint) {
      if (!text.trim()) {
        const empty = labels.map((_, i) => (i === other ? 1 : 0));
        const minor: MinorDecision = { outcome: 'none', by: 'none', score: 0 };
        return { intent: 'other', confidence: 1, lang: 'other', scores: scoresOf(empty), minor };
      }
      const detected = detectLanguage(text.slice(0, model.features.maxChars));
      const lang = detected === 'other' && hint?.lang ? hint.lang : detected;
      const probabilities = model.predict(extractFeatures(text, model.features));
      const scores = scoresOf(probabilities);

      const minor = decideMinor(text, scores.minor_signal ?? 0, minorThreshold);
      if (minor.outcome === 'clear') {
        return {
          intent: 'minor_signal',
          confidence: Math.max(RULE_CONFIDENCE, minor.score),
          lang,
          scores,
          rule: minor.rule,
          minor,
        };
      }
      // A forwarded text or a media placeholder asks for nothing; emoji alone say little.
      const shape = messageShape(text);
      if (shape.kind !== 'plain' && (shape.kind === 'emoji' || shape.own === '')) {
        const intent = shape.kind === 'emoji' ? emojiIntent(shape.own) : 'other';
        return { intent, confidence: SHAPE_CONFIDENCE, lang, scores, minor, shape: shape.kind };
      }
      // Opting out silences the fan's automation: only explicit words do it, never the model alone.
      if (detectOptOut(shape.own) !== null) {
        const confidence = Math.max(RULE_CONFIDENCE, scores.opt_out ?? 0);
        return { intent: 'opt_out', confidence, lang, scores, minor };
      }
      const humanRequest = detectHumanRequest(shape.own) ?? undefined;
      let best = -1;
      for (let i = 0; i < probabilities.length; i++) {
        if (i === minorIndex && minor.outcome === 'none') continue;
        if (i === optOutIndex) continue;
        if (i === spamIndex && tooShortForSpam(text)) continue;
        if (best < 0 || (probabilities[i] as number) > (probabilities[best] as number)) best = i;
      }
      return {
        intent: labels[best] as Intent,
        confidence: probabilities[best] as number,
        lang,
        scores,
        minor,
        ...(humanRequest ? { humanRequest } : {}),
      };
    },
  };
}

/** Three letters or digits or fewer carry no spam, and the spam gate would answer and count a strike. */
function tooShortForSpam(text: string): boolean {
  return (text.match(/[\p{L}\p{N}]/gu)?.length ?? 0) <= 3;
}
