/** Scores a classifier on labelled examples: the numbers the training script prints and the tests floor. */
import type { Intent } from '@velvet/shared';
import type { IntentClassifier } from './intent.classifier';
import type { IntentExample } from './intent.dataset';
import { evaluatePredictions, type EvaluationReport } from './intent.metrics';

export interface Misclassified {
  text: string;
  truth: Intent;
  predicted: Intent;
  confidence: number;
}

export interface ClassifierEvaluation {
  /** Model and minor rules together, as `classify` answers. */
  report: EvaluationReport;
  /** The model alone (argmax of its scores), to see what the rules add. */
  modelOnly: EvaluationReport;
  /** Share of `minor_signal` examples the minor gate sends to a human (clear or uncertain). */
  minorRecall: number;
  /** Detected language equal to the labelled one; "other" counts as wrong. */
  languageAccuracy: number;
  errors: Misclassified[];
}

export function evaluateClassifier(
  classifier: IntentClassifier,
  examples: readonly IntentExample[],
): ClassifierEvaluation {
  const predicted: Intent[] = [];
  const modelOnly: Intent[] = [];
  const errors: Misclassified[] = [];
  let languageHits = 0;
  let minors = 0;
  let minorsFound = 0;
  for (const example of examples) {
    const result = classifier.classify(example.text);
    predicted.push(result.intent);
    modelOnly.push(argmax(result.scores));
    if (result.lang === example.lang) languageHits++;
    if (example.intent === 'minor_signal') {
      minors++;
      if (result.minor.outcome !== 'none') minorsFound++;
    }
    if (result.intent !== example.intent) {
      errors.push({
        text: example.text,
        truth: example.intent,
        predicted: result.intent,
        confidence: result.confidence,
      });
    }
  }
  const truths = examples.map((example) => example.intent);
  const report = evaluatePredictions(classifier.labels, truths, predicted);
  return {
    report,
    modelOnly: evaluatePredictions(classifier.labels, truths, modelOnly),
    minorRecall: minors ? minorsFound / minors : 0,
    languageAccuracy: examples.length ? languageHits / examples.length : 0,
    errors,
  };
}

function argmax(scores: Record<Intent, number>): Intent {
  let best: Intent = 'other';
  for (const [intent, score] of Object.entries(scores) as [Intent, number][]) {
    if (score > (scores[best] ?? -1)) best = intent;
  }
  return best;
}
