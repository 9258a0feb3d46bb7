/** Console report shared by the training and evaluation scripts. */
import type { IntentClassifier } from '../src/intents/intent.classifier';
import type { ClassifierEvaluation } from '../src/intents/intent.evaluate';
import type { IntentExample } from '../src/intents/intent.dataset';
import { formatReport } from '../src/intents/intent.metrics';
import { MINOR_UNCERTAIN_THRESHOLD } from '../src/safety/minor-gate';
import {
  calibrateMinorThreshold,
  evaluateMinorGate,
  formatMinorGateEvaluation,
  MINOR_MODEL_RECALL,
  readMinorGateSet,
} from '../src/safety/minor-gate.evaluate';

export function printEvaluation(title: string, evaluation: ClassifierEvaluation, showErrors: boolean): void {
  const { report, modelOnly, minorRecall, languageAccuracy, errors } = evaluation;
  console.log(`\n== ${title}: ${report.confusion.flat().reduce((a, b) => a + b, 0)} examples ==`);
  console.log(formatReport(report));
  console.log(`\nmacro-F1 ${report.macroF1.toFixed(4)} (model alone ${modelOnly.macroF1.toFixed(4)})`);
  const minorAlone = modelOnly.perClass.find((metrics) => metrics.label === 'minor_signal')?.recall ?? 0;
  console.log(
    `minor_signal sent to a human ${minorRecall.toFixed(4)} (model alone labels ${minorAlone.toFixed(4)})`,
  );
  console.log(`language accuracy ${languageAccuracy.toFixed(4)}`);
  const optOut = report.perClass.find((metrics) => metrics.label === 'opt_out');
  if (optOut) {
    console.log(
      `opt_out precision ${optOut.precision.toFixed(4)}, recall ${optOut.recall.toFixed(4)} (${optOut.support} opt-outs)`,
    );
  }
  if (!showErrors) return;
  console.log(`\n${errors.length} misclassified:`);
  for (const error of errors) {
    console.log(
      `  ${error.truth} → ${error.predicted} (${error.confidence.toFixed(2)})  ${JSON.stringify(error.text)}`,
    );
  }
}

/**
 * The minor gate on the independent set (llm/datasets/minor-gate/), and the model threshold that the
 * held-out intent split calibrates, next to the one in use.
 */
export function printMinorGate(
  classifier: IntentClassifier,
  heldOut: readonly IntentExample[],
  showErrors: boolean,
): void {
  const minorScores = heldOut
    .filter((example) => example.intent === 'minor_signal')
    .map((example) => classifier.classify(example.text).minor.score);
  const calibrated = calibrateMinorThreshold(minorScores, MINOR_MODEL_RECALL);
  console.log(`\n== minor gate ==`);
  console.log(
    `model threshold in use ${MINOR_UNCERTAIN_THRESHOLD}; calibrated on eval.jsonl ${calibrated} ` +
      `(model alone finds ${MINOR_MODEL_RECALL * 100}% of its ${minorScores.length} minors)`,
  );
  if (calibrated !== MINOR_UNCERTAIN_THRESHOLD) {
    console.log('  update MINOR_UNCERTAIN_THRESHOLD in llm/src/safety/minor-gate.ts to the calibrated value');
  }
  const evaluation = evaluateMinorGate((text) => classifier.classify(text).minor, readMinorGateSet());
  console.log(`independent set llm/datasets/minor-gate/:\n${formatMinorGateEvaluation(evaluation)}`);
  if (!showErrors) return;
  for (const { text, minor, decision } of evaluation.mistakes) {
    const why =
      decision.by === 'model'
        ? `model ${decision.score.toFixed(2)}`
        : `${decision.by} ${decision.rule ?? ''}`;
    console.log(`  ${minor ? 'minor' : 'adult'} → ${decision.outcome} (${why})  ${JSON.stringify(text)}`);
  }
}
