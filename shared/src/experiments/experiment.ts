import { createHash } from 'node:crypto';

/** How a text changes an intent's guidance: added after it, or in its place. */
export type GuidanceMode = 'append' | 'replace';
export type ExperimentStatus = 'running' | 'stopped' | 'promoted';

/** One arm of an experiment: `key` is its letter (A, B, …), `weight` its share of fans. */
export interface ExperimentVariant {
  key: string;
  text: string;
  weight: number;
}

/** What a creator's drafts for one intent are told beyond the configured template. */
export interface Guidance {
  mode: GuidanceMode;
  text: string;
}

export const VARIANT_KEYS = ['A', 'B', 'C', 'D', 'E'] as const;

/**
 * The variant a fan sees, the same for every draft of that fan: a hash of the experiment and
 * the fan places the fan on [0, 1), cut into the variants' shares by weight.
 */
export function assignVariant(
  experimentId: string,
  fanId: string,
  variants: readonly ExperimentVariant[],
): ExperimentVariant {
  const digest = createHash('sha256').update(`${experimentId}:${fanId}`).digest();
  const point = digest.readUInt32BE(0) / 2 ** 32;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let edge = 0;
  for (const variant of variants) {
    edge += variant.weight / total;
    if (point < edge) return variant;
  }
  return variants.at(-1)!;
}

/** `next` applied over `current`: appended texts add up, a replacement starts afresh. */
export function composeGuidance(current: Guidance | undefined, next: Guidance): Guidance | undefined {
  const text = next.text.trim();
  if (!text) return current;
  if (next.mode === 'replace' || !current) return { mode: next.mode, text };
  return { mode: current.mode, text: `${current.text}\n${text}` };
}

/** The instruction the model reads: the template's, then the guidance over it. */
export function instructionFor(template: string, guidance: Guidance | undefined): string {
  if (!guidance) return template;
  return guidance.mode === 'replace' ? guidance.text : `${template}\n${guidance.text}`;
}

/** Standard normal cumulative distribution (Abramowitz and Stegun 7.1.26, error < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Two-sided p-value of a two-proportion z-test (pooled), or null when it cannot be computed. */
export function twoProportionTest(
  a: { successes: number; trials: number },
  b: { successes: number; trials: number },
): { z: number; pValue: number } | null {
  if (a.trials === 0 || b.trials === 0) return null;
  const pooled = (a.successes + b.successes) / (a.trials + b.trials);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.trials + 1 / b.trials));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (a.successes / a.trials - b.successes / b.trials) / se;
  return { z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}

export type Verdict =
  | { status: 'not_enough_data'; needed: number }
  | { status: 'no_clear_winner' | 'significant'; leader: string; pValue: number };

/**
 * Whether the leading variant's rate stands apart from the runner-up's (p < 0.05), once
 * every variant has at least `minSample` trials.
 */
export function verdict(
  arms: readonly { key: string; successes: number; trials: number }[],
  minSample: number,
): Verdict {
  const fewest = Math.min(...arms.map((a) => a.trials));
  if (arms.length < 2 || fewest < minSample) return { status: 'not_enough_data', needed: minSample };
  const ranked = [...arms].sort((p, q) => q.successes / q.trials - p.successes / p.trials);
  const test = twoProportionTest(ranked[0]!, ranked[1]!)!;
  const pValue = Math.round(test.pValue * 10_000) / 10_000;
  return { status: test.pValue < 0.05 ? 'significant' : 'no_clear_winner', leader: ranked[0]!.key, pValue };
}
