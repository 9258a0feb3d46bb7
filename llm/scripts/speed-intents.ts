// node --import tsx llm/scripts/speed-intents.ts [calls] — in-process classify latency (p50/p99) over the
// eval messages, cycled, plus the model load time.
import { fileURLToPath } from 'node:url';
import { loadIntentClassifier } from '../src/intents/intent.classifier';
import { readIntentJsonl } from '../src/intents/intent.dataset';

const calls = Number(process.argv[2] ?? 10_000);
const texts = readIntentJsonl(fileURLToPath(new URL('../datasets/intents/eval.jsonl', import.meta.url))).map(
  (e) => e.text,
);

const loadStarted = performance.now();
const classifier = loadIntentClassifier();
const loadMs = performance.now() - loadStarted;

// Warm-up so the JIT has compiled the hot path before we time it.
for (let i = 0; i < 2_000; i++) classifier.classify(texts[i % texts.length] as string);

const timings = new Float64Array(calls);
for (let i = 0; i < calls; i++) {
  const text = texts[i % texts.length] as string;
  const started = performance.now();
  classifier.classify(text);
  timings[i] = performance.now() - started;
}
timings.sort();
const at = (q: number) => (timings[Math.min(calls - 1, Math.floor(q * calls))] as number).toFixed(4);
const long = 'je voudrais savoir combien coûte le pack lingerie, '.repeat(100);
const longStarted = performance.now();
for (let i = 0; i < 100; i++) classifier.classify(long);
const longMs = (performance.now() - longStarted) / 100;

console.log(`model load ${loadMs.toFixed(1)} ms`);
console.log(
  `${calls} classify calls on ${texts.length} eval messages: p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, max ${at(1)} ms`,
);
console.log(`${long.length}-character message: ${longMs.toFixed(3)} ms per call`);
