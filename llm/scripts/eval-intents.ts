// node --import tsx llm/scripts/eval-intents.ts [model.json] [examples.jsonl] [--errors] — scores the committed
// intent model (or the given one) on the held-out split without retraining.
import { fileURLToPath } from 'node:url';
import { loadIntentClassifier } from '../src/intents/intent.classifier';
import { readIntentJsonl } from '../src/intents/intent.dataset';
import { evaluateClassifier } from '../src/intents/intent.evaluate';
import { printEvaluation, printMinorGate } from './intents.report';

const [modelArg, dataArg] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const dataPath = dataArg ?? fileURLToPath(new URL('../datasets/intents/eval.jsonl', import.meta.url));
const classifier = modelArg ? loadIntentClassifier(modelArg) : loadIntentClassifier();
const examples = readIntentJsonl(dataPath);
printEvaluation(dataPath, evaluateClassifier(classifier, examples), process.argv.includes('--errors'));
printMinorGate(classifier, examples, process.argv.includes('--errors'));
