/** The intent model file (JSON) and its compiled, in-memory form used to score messages. */
import { INTENTS, type Intent } from '@velvet/shared';
import type { FeatureConfig, SparseFeatures } from './features.hash';

export const MODEL_FORMAT = 'velvet.intent-model';

export interface TrainingInfo {
  examples: number;
  /** sha256 of the training lines, so a model can be traced back to its data. */
  dataSha256: string;
  l2: number;
  epochs: number;
  learningRate: number;
  decimals: number;
}

export interface IntentModelFile {
  format: typeof MODEL_FORMAT;
  version: 1;
  labels: Intent[];
  features: FeatureConfig;
  training: TrainingInfo;
  /** One weight per label, space-separated like the rows. */
  bias: string;
  /** One string per stored hash slot: "slot w0 w1 …", one weight per label; slots absent weigh 0. */
  rows: string[];
}

export interface CompiledIntentModel {
  labels: readonly Intent[];
  features: FeatureConfig;
  /** Softmax probabilities, in `labels` order. */
  predict(features: SparseFeatures): Float64Array;
}

export function compileModel(file: IntentModelFile): CompiledIntentModel {
  const labels = file.labels;
  const k = labels.length;
  const rowOf = new Int32Array(2 ** file.features.hashBits).fill(-1);
  const weights = new Float32Array(file.rows.length * k);
  file.rows.forEach((row, r) => {
    const parts = row.split(' ');
    rowOf[Number(parts[0])] = r;
    for (let j = 0; j < k; j++) weights[r * k + j] = Number(parts[j + 1]);
  });
  const bias = Float64Array.from(file.bias.split(' '), Number);

  return {
    labels,
    features: file.features,
    predict({ indices, values }) {
      const out = Float64Array.from(bias);
      for (let i = 0; i < indices.length; i++) {
        const r = rowOf[indices[i] as number] as number;
        if (r < 0) continue;
        const value = values[i] as number;
        const base = r * k;
        for (let j = 0; j < k; j++) out[j] = (out[j] as number) + value * (weights[base + j] as number);
      }
      return softmaxInPlace(out);
    },
  };
}

export function softmaxInPlace(logits: Float64Array): Float64Array {
  let max = -Infinity;
  for (const value of logits) if (value > max) max = value;
  let sum = 0;
  for (let j = 0; j < logits.length; j++) {
    const e = Math.exp((logits[j] as number) - max);
    logits[j] = e;
    sum += e;
  }
  for (let j = 0; j < logits.length; j++) logits[j] = (logits[j] as number) / sum;
  return logits;
}

/** Checks the shape of a parsed model file; a wrong file should fail at load, not on the first message. */
export function parseModel(json: string, source = 'model'): IntentModelFile {
  const file = JSON.parse(json) as IntentModelFile;
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  if (file?.format !== MODEL_FORMAT || file.version !== 1) fail(`not a ${MODEL_FORMAT} v1 file`);
  const known = new Set<string>(INTENTS);
  if (!Array.isArray(file.labels) || file.labels.some((label) => !known.has(label))) fail('unknown labels');
  if (typeof file.bias !== 'string' || file.bias.split(' ').length !== file.labels.length)
    fail('bias size differs from labels');
  const bits = file.features?.hashBits;
  if (!Number.isInteger(bits) || bits < 8 || bits > 24) fail('hashBits out of range');
  if (!Array.isArray(file.rows)) fail('rows missing');
  const width = file.labels.length + 1;
  for (const row of file.rows) {
    const parts = row.split(' ');
    const index = Number(parts[0]);
    if (parts.length !== width || !Number.isInteger(index) || index < 0 || index >= 2 ** bits) {
      fail(`bad row "${row.slice(0, 40)}"`);
    }
  }
  return file;
}

/**
 * JSON laid out the way Prettier prints it (the repo's lint checks every .json): objects expanded, one
 * row per line, so the file stays greppable and its diffs readable.
 */
export function serializeModel(file: IntentModelFile): string {
  return `${print(file, '')}\n`;
}

function print(value: unknown, indent: string): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((item) => inner + print(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(
      ([key, item]) => `${inner}${JSON.stringify(key)}: ${print(item, inner)}`,
    );
    return `{\n${entries.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}
