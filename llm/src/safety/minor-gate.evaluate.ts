/** Scores the minor gate on the independent set (llm/datasets/minor-gate/) and calibrates its threshold. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MinorDecision, MinorOutcome } from './minor-gate';

export interface MinorGateExample {
  text: string;
  lang: 'fr' | 'en';
  /** Written as a minor stating their age or school level. */
  minor: boolean;
}

export const MINOR_GATE_DATASET = {
  adults: new URL('../../datasets/minor-gate/adults.jsonl', import.meta.url),
  minors: new URL('../../datasets/minor-gate/minors.jsonl', import.meta.url),
};

export function parseMinorGateJsonl(content: string, source = 'jsonl'): MinorGateExample[] {
  return content
    .split('\n')
    .map((line, index) => ({ line, where: `${source}:${index + 1}` }))
    .filter(({ line }) => line.trim())
    .map(({ line, where }) => {
      const { text, lang, minor } = JSON.parse(line) as Record<string, unknown>;
      if (typeof text !== 'string' || !text.trim()) throw new Error(`${where}: "text" must be a string`);
      if (lang !== 'fr' && lang !== 'en') throw new Error(`${where}: "lang" must be "fr" or "en"`);
      if (typeof minor !== 'boolean') throw new Error(`${where}: "minor" must be a boolean`);
      return { text, lang, minor };
    });
}

export function readMinorGateSet(): MinorGateExample[] {
  return [MINOR_GATE_DATASET.adults, MINOR_GATE_DATASET.minors].flatMap((url) => {
    const path = fileURLToPath(url);
    return parseMinorGateJsonl(readFileSync(path, 'utf8'), path);
  });
}

export interface MinorGateMistake {
  text: string;
  minor: boolean;
  decision: MinorDecision;
}

export interface MinorGateEvaluation {
  minors: number;
  adults: number;
  /** Minors sent to a human, clear or uncertain: the figure that must stay at 1. */
  recall: number;
  /** Minors the gate answered as clear on its own. */
  clearRecall: number;
  /** Adults refused and flagged as minors. */
  clearFalseFlagRate: number;
  /** Adults whose conversation was paused for a human look. */
  uncertainRate: number;
  /** Missed minors, and adults not answered `none`. */
  mistakes: MinorGateMistake[];
}

export function evaluateMinorGate(
  decide: (text: string) => MinorDecision,
  examples: readonly MinorGateExample[],
): MinorGateEvaluation {
  const count = { minor: { clear: 0, uncertain: 0, none: 0 }, adult: { clear: 0, uncertain: 0, none: 0 } };
  const mistakes: MinorGateMistake[] = [];
  for (const example of examples) {
    const decision = decide(example.text);
    const outcome: MinorOutcome = decision.outcome;
    count[example.minor ? 'minor' : 'adult'][outcome]++;
    if (example.minor ? outcome === 'none' : outcome !== 'none') {
      mistakes.push({ text: example.text, minor: example.minor, decision });
    }
  }
  const minors = count.minor.clear + count.minor.uncertain + count.minor.none;
  const adults = count.adult.clear + count.adult.uncertain + count.adult.none;
  const ratio = (part: number, whole: number) => (whole ? part / whole : 0);
  return {
    minors,
    adults,
    recall: ratio(count.minor.clear + count.minor.uncertain, minors),
    clearRecall: ratio(count.minor.clear, minors),
    clearFalseFlagRate: ratio(count.adult.clear, adults),
    uncertainRate: ratio(count.adult.uncertain, adults),
    mistakes,
  };
}

export function formatMinorGateEvaluation(evaluation: MinorGateEvaluation): string {
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  return [
    `minors: ${evaluation.minors}, recall ${pct(evaluation.recall)} (clear on their own ${pct(evaluation.clearRecall)})`,
    `adults: ${evaluation.adults}, clear false flags ${pct(evaluation.clearFalseFlagRate)}, sent to a human as uncertain ${pct(evaluation.uncertainRate)}`,
  ].join('\n');
}

/**
 * The highest model threshold (in hundredths) at which the model alone still finds `recall` of the
 * minors' messages in `minorScores`: as precise as it can be while remaining a net for phrasings the
 * rules do not know.
 */
/** Share of the held-out minors' messages the model alone must still find at the calibrated threshold. */
export const MINOR_MODEL_RECALL = 0.9;

export function calibrateMinorThreshold(minorScores: readonly number[], recall: number): number {
  const sorted = [...minorScores].sort((a, b) => b - a);
  const needed = Math.ceil(sorted.length * recall);
  const boundary = sorted[Math.max(0, needed - 1)];
  if (boundary === undefined) return 0;
  return Math.floor(boundary * 100) / 100;
}
