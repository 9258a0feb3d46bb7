/** Multinomial logistic regression with L2, trained by full-batch Adam: deterministic for given data. */
import { createHash } from 'node:crypto';
import { INTENTS, type Intent } from '@velvet/shared';
import { DEFAULT_FEATURE_CONFIG, extractFeatures, type FeatureConfig } from './features.hash';
import type { IntentExample } from './intent.dataset';
import { MODEL_FORMAT, softmaxInPlace, type IntentModelFile } from './intent.model';

export interface TrainOptions {
  features: FeatureConfig;
  l2: number;
  epochs: number;
  learningRate: number;
  /** Weights are rounded to this many decimals when written, which also makes the file reproducible. */
  decimals: number;
}

/** Picked by 5-fold cross-validation on the training split only (see llm/scripts/train-intents.ts --cv). */
export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  features: DEFAULT_FEATURE_CONFIG,
  l2: 1e-6,
  epochs: 200,
  learningRate: 0.05,
  decimals: 3,
};

export function trainIntentModel(
  examples: readonly IntentExample[],
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  labels: readonly Intent[] = INTENTS,
): IntentModelFile {
  const k = labels.length;
  const labelIndex = new Map<Intent, number>(labels.map((label, i) => [label, i]));
  const encoded = examples.map((example) => ({
    ...extractFeatures(example.text, options.features),
    y: labelIndex.get(example.intent) ?? -1,
  }));
  if (encoded.some((example) => example.y < 0)) {
    throw new Error('an example has a label outside the model labels');
  }

  // Only slots that occur in the data can get a non-zero weight; train on those, in ascending order.
  const slots = [...new Set(encoded.flatMap((example) => example.indices))].sort((a, b) => a - b);
  const column = new Map(slots.map((slot, c) => [slot, c]));
  const rows = encoded.map((example) => ({
    columns: Int32Array.from(example.indices, (index) => column.get(index) as number),
    values: Float64Array.from(example.values),
    y: example.y,
  }));

  const size = slots.length * k;
  const w = new Float64Array(size);
  const b = new Float64Array(k);
  const gw = new Float64Array(size);
  const gb = new Float64Array(k);
  const adam = {
    mw: new Float64Array(size),
    vw: new Float64Array(size),
    mb: new Float64Array(k),
    vb: new Float64Array(k),
  };
  const beta1 = 0.9;
  const beta2 = 0.999;
  const n = rows.length;

  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    gw.fill(0);
    gb.fill(0);
    for (const row of rows) {
      const p = Float64Array.from(b);
      for (let i = 0; i < row.columns.length; i++) {
        const base = (row.columns[i] as number) * k;
        const value = row.values[i] as number;
        for (let j = 0; j < k; j++) p[j] = (p[j] as number) + value * (w[base + j] as number);
      }
      softmaxInPlace(p);
      p[row.y] = (p[row.y] as number) - 1;
      for (let j = 0; j < k; j++) gb[j] = (gb[j] as number) + (p[j] as number) / n;
      for (let i = 0; i < row.columns.length; i++) {
        const base = (row.columns[i] as number) * k;
        const value = (row.values[i] as number) / n;
        for (let j = 0; j < k; j++) gw[base + j] = (gw[base + j] as number) + value * (p[j] as number);
      }
    }
    for (let t = 0; t < size; t++) gw[t] = (gw[t] as number) + options.l2 * (w[t] as number);
    const step = (options.learningRate * Math.sqrt(1 - beta2 ** epoch)) / (1 - beta1 ** epoch);
    adamStep(w, gw, adam.mw, adam.vw, step, beta1, beta2);
    adamStep(b, gb, adam.mb, adam.vb, step, beta1, beta2);
  }

  const round = (value: number) => formatWeight(value, options.decimals);
  const kept: string[] = [];
  slots.forEach((slot, c) => {
    const weights = Array.from(w.subarray(c * k, c * k + k), round);
    if (weights.some((weight) => weight !== '0')) kept.push(`${slot} ${weights.join(' ')}`);
  });

  return {
    format: MODEL_FORMAT,
    version: 1,
    labels: [...labels],
    features: options.features,
    training: {
      examples: examples.length,
      dataSha256: hashExamples(examples),
      l2: options.l2,
      epochs: options.epochs,
      learningRate: options.learningRate,
      decimals: options.decimals,
    },
    bias: Array.from(b, round).join(' '),
    rows: kept,
  };
}

function adamStep(
  params: Float64Array,
  grad: Float64Array,
  m: Float64Array,
  v: Float64Array,
  step: number,
  beta1: number,
  beta2: number,
): void {
  for (let t = 0; t < params.length; t++) {
    const g = grad[t] as number;
    const mt = beta1 * (m[t] as number) + (1 - beta1) * g;
    const vt = beta2 * (v[t] as number) + (1 - beta2) * g * g;
    m[t] = mt;
    v[t] = vt;
    params[t] = (params[t] as number) - (step * mt) / (Math.sqrt(vt) + 1e-8);
  }
}

/** Shortest text for the rounded weight: "0.25" not "0.250", "-0.1" not "-0.100", "0" not "-0". */
export function formatWeight(value: number, decimals: number): string {
  const rounded = Number(value.toFixed(decimals));
  return rounded === 0 ? '0' : String(rounded);
}

function hashExamples(examples: readonly IntentExample[]): string {
  const hash = createHash('sha256');
  for (const example of examples)
    hash.update(`${JSON.stringify([example.text, example.intent, example.lang])}\n`);
  return hash.digest('hex');
}
