// npm run train:intents [-- --cv] — trains llm/models/intents.json from llm/datasets/intents/train.jsonl (plus
// operator corrections when present), then scores it on the held-out eval.jsonl. --cv: 5-fold CV only.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { INTENTS, type Intent } from '@velvet/shared';
import { createIntentClassifier, loadIntentClassifier } from '../src/intents/intent.classifier';
import {
  mergeCorrections,
  readIntentJsonl,
  readCorrectionsJsonl,
  type IntentExample,
} from '../src/intents/intent.dataset';
import { evaluateClassifier } from '../src/intents/intent.evaluate';
import { evaluatePredictions, formatReport } from '../src/intents/intent.metrics';
import { serializeModel } from '../src/intents/intent.model';
import { DEFAULT_TRAIN_OPTIONS, trainIntentModel } from '../src/intents/intent.train';
import { printEvaluation, printMinorGate } from './intents.report';

const path = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));
const modelPath = path('../models/intents.json');
const train = readIntentJsonl(path('../datasets/intents/train.jsonl'));
const corrections = readCorrectionsJsonl(path('../datasets/intents/corrections.jsonl'));
const evaluation = readIntentJsonl(path('../datasets/intents/eval.jsonl'));
const { examples, replaced, heldOut } = mergeCorrections(train, corrections, evaluation);

console.log(`training examples: ${train.length} hand-written, ${corrections.length} corrections`);
if (replaced) console.log(`  ${replaced} hand-written lines replaced by a correction of the same text`);
if (heldOut) console.log(`  ${heldOut} corrections skipped: their text is in eval.jsonl`);

if (process.argv.includes('--cv')) {
  crossValidate(examples, 5);
} else {
  const started = performance.now();
  const model = trainIntentModel(examples, DEFAULT_TRAIN_OPTIONS);
  const trainingMs = performance.now() - started;
  const json = serializeModel(model);
  mkdirSync(dirname(modelPath), { recursive: true });
  writeFileSync(modelPath, json);

  const bytes = Buffer.byteLength(json);
  const sha = createHash('sha256').update(json).digest('hex');
  console.log(
    `trained in ${(trainingMs / 1000).toFixed(2)} s (${DEFAULT_TRAIN_OPTIONS.epochs} full-batch epochs)`,
  );
  console.log(
    `wrote ${modelPath}: ${(bytes / 1024).toFixed(0)} KiB, ${model.rows.length} weight rows, sha256 ${sha}`,
  );

  const classifier = loadIntentClassifier(modelPath);
  printEvaluation(
    'eval.jsonl',
    evaluateClassifier(classifier, evaluation),
    process.argv.includes('--errors'),
  );
  const realShaped = readIntentJsonl(path('../datasets/intents/real-shaped.jsonl'));
  printEvaluation(
    'real-shaped.jsonl (captions, one word, emoji, forwarded, "stop" in a sentence)',
    evaluateClassifier(classifier, realShaped),
    process.argv.includes('--errors'),
  );
  const shapes = readIntentJsonl(path('../datasets/intents/shapes-holdout.jsonl'));
  printEvaluation(
    'shapes-holdout.jsonl (placeholders, file names, forwards, captions, emoji, one word; never trained on)',
    evaluateClassifier(classifier, shapes),
    process.argv.includes('--errors'),
  );
  printMinorGate(classifier, evaluation, process.argv.includes('--errors'));
}

/** Macro-F1 of the model alone over k folds of the training data: how the hyper-parameters were chosen. */
function crossValidate(data: readonly IntentExample[], folds: number): void {
  const truths: Intent[] = [];
  const predictions: Intent[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const classifier = createIntentClassifier(trainIntentModel(data.filter((_, i) => i % folds !== fold)));
    for (const example of data.filter((_, i) => i % folds === fold)) {
      const { scores } = classifier.classify(example.text);
      truths.push(example.intent);
      predictions.push(INTENTS.reduce((best, intent) => (scores[intent] > scores[best] ? intent : best)));
    }
  }
  const report = evaluatePredictions(INTENTS, truths, predictions);
  console.log(formatReport(report));
  console.log(`${folds}-fold CV on the training data, model alone: macro-F1 ${report.macroF1.toFixed(4)}`);
}
