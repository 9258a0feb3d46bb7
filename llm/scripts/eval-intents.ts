// node --import tsx llm/scripts/eval-intents.ts [model.json] [examples.jsonl] [--errors] — scores the committed
// intent model (or the given one) on the held-out split without retraining.
import { fileURLToPath } from 'node:url';
import { loadIntentClassifier } from '../src/intents/intent.classifier';
import { readIntentJsonl } from '../src/intents/intent.dataset';
import { evaluateClassifier } from '../src/intents/intent.evaluate';
import { printEvaluation } from './intents.report';

const [modelArg, dataArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const dataPath = dataArg ?? fileURLToPath(new URL('../datasets/intents/eval.jsonl', import.meta.url));
const classifier = modelArg ? loadIntentClassifier(modelArg) : loadIntentClassifier();
printEvaluation(
  dataPath,
  evaluateClassifier(classifier, readIntentJsonl(dataPath)),
  process.argv.includes('--errors'),
);
