import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadIntentClassifier, normalizeText } from '@velvet/llm';
import { ROOT } from '../../hub/test/harness';
import { summarize } from './stats';

/** Times `fn` over the texts, round after round, for `seconds`; per-call latency and calls/s. */
function timeLoop(texts: string[], seconds: number, fn: (text: string) => unknown) {
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  const began = performance.now();
  let sink = 0;
  while (performance.now() < end) {
    for (const text of texts) {
      const started = performance.now();
      sink += fn(text) ? 1 : 0;
      latencies.push(performance.now() - started);
    }
  }
  const elapsed = (performance.now() - began) / 1000;
  return {
    perSecond: Math.round(latencies.length / elapsed),
    calls: latencies.length,
    sink,
    latencyMs: summarize(latencies),
  };
}

/**
 * The intent classifier in-process over the held-out FR/EN set, against the text
 * normalisation it starts with (the floor for touching a message at all).
 */
export function classifierBench(seconds: number) {
  const texts = readFileSync(path.join(ROOT, 'llm/datasets/intents/eval.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => (JSON.parse(line) as { text: string }).text);
  const classifier = loadIntentClassifier();
  // Warm up the JIT on both paths before measuring.
  timeLoop(texts, 0.5, (t) => classifier.classify(t));
  const baseline = timeLoop(texts, seconds, (t) => normalizeText(t));
  const classify = timeLoop(texts, seconds, (t) => classifier.classify(t));
  const { sink: _a, ...b } = baseline;
  const { sink: _c, ...c } = classify;
  return { texts: texts.length, baseline: b, classifier: c };
}
