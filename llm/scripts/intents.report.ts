/** Console report shared by the training and evaluation scripts. */
import type { ClassifierEvaluation } from '../src/intents/intent.evaluate';
import { formatReport } from '../src/intents/intent.metrics';

export function printEvaluation(title: string, evaluation: ClassifierEvaluation, showErrors: boolean): void {
  const { report, modelOnly, minorRecall, languageAccuracy, errors } = evaluation;
  console.log(`\n== ${title}: ${report.confusion.flat().reduce((a, b) => a + b, 0)} examples ==`);
  console.log(formatReport(report));
  console.log(`\nmacro-F1 ${report.macroF1.toFixed(4)} (model alone ${modelOnly.macroF1.toFixed(4)})`);
  const minorAlone = modelOnly.perClass.find((metrics) => metrics.label === 'minor_signal')?.recall ?? 0;
  console.log(`minor_signal recall ${minorRecall.toFixed(4)} (model alone ${minorAlone.toFixed(4)})`);
  console.log(`language accuracy ${languageAccuracy.toFixed(4)}`);
  if (!showErrors) return;
  console.log(`\n${errors.length} misclassified:`);
  for (const error of errors) {
    console.log(
      `  ${error.truth} → ${error.predicted} (${error.confidence.toFixed(2)})  ${JSON.stringify(error.text)}`,
    );
  }
}
