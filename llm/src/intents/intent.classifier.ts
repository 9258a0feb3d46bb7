/** In-process intent classification: hashed-feature linear model + minor-signal rules + language cues. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Intent } from '@velvet/shared';
import { extractFeatures } from './features.hash';
import { compileModel, parseModel, type IntentModelFile } from './intent.model';
import { detectLanguage, type DetectedLanguage } from './language';
import { detectMinorSignal } from './minor-signal.rule';

export interface ClassifyHint {
  /** The conversation's known language, used when the message itself gives no cue ("ok", "😍"). */
  lang?: 'fr' | 'en';
}

export interface IntentResult {
  intent: Intent;
  /** Softmax probability of `intent`, or at least {@link RULE_CONFIDENCE} when a minor rule fired. */
  confidence: number;
  lang: DetectedLanguage;
  /** The model's probability for every intent, before any rule. */
  scores: Record<Intent, number>;
  /** The minor-signal rule family that overrode the model, if any. */
  rule?: string;
}

export interface IntentClassifier {
  classify(text: string, hint?: ClassifyHint): IntentResult;
  readonly labels: readonly Intent[];
}

export const RULE_CONFIDENCE = 0.95;

export const DEFAULT_MODEL_URL = new URL('../../models/intents.json', import.meta.url);

export function loadIntentClassifier(modelPath: string | URL = DEFAULT_MODEL_URL): IntentClassifier {
  const path = modelPath instanceof URL ? fileURLToPath(modelPath) : modelPath;
  return createIntentClassifier(parseModel(readFileSync(path, 'utf8'), path));
}

export function createIntentClassifier(file: IntentModelFile): IntentClassifier {
  const model = compileModel(file);
  const { labels } = model;
  const other = labels.indexOf('other');

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
        return { intent: 'other', confidence: 1, lang: 'other', scores: scoresOf(empty) };
      }
      const detected = detectLanguage(text.slice(0, model.features.maxChars));
      const lang = detected === 'other' && hint?.lang ? hint.lang : detected;
      const probabilities = model.predict(extractFeatures(text, model.features));
      const scores = scoresOf(probabilities);

      const minor = detectMinorSignal(text);
      if (minor) {
        return {
          intent: 'minor_signal',
          confidence: Math.max(RULE_CONFIDENCE, scores.minor_signal ?? 0),
          lang,
          scores,
          rule: minor.rule,
        };
      }
      let best = 0;
      for (let i = 1; i < probabilities.length; i++) {
        if ((probabilities[i] as number) > (probabilities[best] as number)) best = i;
      }
      return { intent: labels[best] as Intent, confidence: probabilities[best] as number, lang, scores };
    },
  };
}
