/** Hashed bag of word uni/bigrams and in-word character n-grams: the intent model's only input. */
import { normalizeText, tokenize } from './text.normalize';

export interface FeatureConfig {
  /** The table has 2^hashBits slots; only the slots seen in training are stored. */
  hashBits: number;
  charMin: number;
  charMax: number;
  /** Longer messages are cut: the opening is what carries the intent, and this bounds the cost. */
  maxChars: number;
}

export const DEFAULT_FEATURE_CONFIG: FeatureConfig = { hashBits: 18, charMin: 2, charMax: 4, maxChars: 2000 };

/** Feature slots sorted ascending with their L2-normalised values. */
export interface SparseFeatures {
  indices: number[];
  values: number[];
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// One namespace per feature kind so the word "slt" and the trigram "slt" are different features.
const WORD_SEED = Math.imul(FNV_OFFSET ^ 0x77, FNV_PRIME);
const BIGRAM_SEED = Math.imul(FNV_OFFSET ^ 0x62, FNV_PRIME);
const CHAR_SEED = Math.imul(FNV_OFFSET ^ 0x63, FNV_PRIME);

function fnv(hash: number, text: string, from: number, to: number): number {
  let h = hash;
  for (let i = from; i < to; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

function slot(hash: number, mask: number): number {
  // Fold the high bits in: FNV's low bits alone collide more than they should.
  return ((hash ^ (hash >>> 15)) >>> 0) & mask;
}

const WORD_LIKE = /^[\p{L}\d]+$/u;

function numberRange(token: string): string | null {
  if (!/^\d{1,4}$/.test(token)) return null;
  const n = Number(token);
  if (n < 10) return '<n:0-9>';
  if (n < 18) return '<n:10-17>';
  return n < 100 ? '<n:18-99>' : '<n:100+>';
}

export function extractFeatures(text: string, config: FeatureConfig): SparseFeatures {
  const tokens = tokenize(normalizeText(text.slice(0, config.maxChars)));
  const mask = (1 << config.hashBits) - 1;
  const counts = new Map<number, number>();
  const add = (index: number) => counts.set(index, (counts.get(index) ?? 0) + 1);

  const word = (token: string) => add(slot(fnv(WORD_SEED, token, 0, token.length), mask));
  const bigram = (left: string, right: string) => {
    const leftHash = Math.imul(fnv(BIGRAM_SEED, left, 0, left.length) ^ 0x20, FNV_PRIME);
    add(slot(fnv(leftHash, right, 0, right.length), mask));
  };

  let previous = '<s>';
  tokens.forEach((token, i) => {
    word(token);
    bigram(previous, token);
    // Numbers also count by range, so "j'ai 25 ans" learns from "j'ai 32 ans" and not from "j'ai 15 ans".
    const range = numberRange(token);
    if (range) {
      word(range);
      bigram(previous, range);
      bigram(range, tokens[i + 1] ?? '</s>');
    }
    previous = token;
    if (!WORD_LIKE.test(token)) return;
    const padded = `<${token}>`;
    for (let n = config.charMin; n <= config.charMax; n++) {
      for (let at = 0; at + n <= padded.length; at++) add(slot(fnv(CHAR_SEED, padded, at, at + n), mask));
    }
  });

  // Unit length: a long message must not out-vote a short one just by having more n-grams.
  const indices = [...counts.keys()].sort((a, b) => a - b);
  let norm = 0;
  for (const index of indices) norm += (counts.get(index) ?? 0) ** 2;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return { indices, values: indices.map((index) => (counts.get(index) ?? 0) * scale) };
}
