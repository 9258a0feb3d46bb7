/** Labelled intent examples stored as JSONL: one `{"text", "intent", "lang"}` object per line. */
import { existsSync, readFileSync } from 'node:fs';
import { INTENTS, type Intent } from '@velvet/shared';
import { detectLanguage, type DetectedLanguage } from './language';
import { normalizeText } from './text.normalize';

export interface IntentExample {
  text: string;
  intent: Intent;
  /** Only hand-written lines are sure of it; a correction without one gets the detected language. */
  lang: DetectedLanguage;
}

export interface ParseOptions {
  /** Operator corrections exported by the hub carry only text and intent. */
  detectMissingLang?: boolean;
}

const intents = new Set<string>(INTENTS);

export function parseIntentJsonl(
  content: string,
  source = 'jsonl',
  options: ParseOptions = {},
): IntentExample[] {
  const examples: IntentExample[] = [];
  content.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    const where = `${source}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not JSON`);
    }
    const { text, intent, lang } = (value ?? {}) as Record<string, unknown>;
    if (typeof text !== 'string' || !text.trim())
      throw new Error(`${where}: "text" must be a non-empty string`);
    if (typeof intent !== 'string' || !intents.has(intent))
      throw new Error(`${where}: unknown intent ${String(intent)}`);
    if (lang === undefined && options.detectMissingLang) {
      examples.push({ text, intent: intent as Intent, lang: detectLanguage(text) });
      return;
    }
    if (lang !== 'fr' && lang !== 'en') throw new Error(`${where}: "lang" must be "fr" or "en"`);
    examples.push({ text, intent: intent as Intent, lang });
  });
  return examples;
}

export function readIntentJsonl(path: string, options: ParseOptions = {}): IntentExample[] {
  return parseIntentJsonl(readFileSync(path, 'utf8'), path, options);
}

/** Operator corrections are optional: the file only exists once someone has exported some. */
export function readCorrectionsJsonl(path: string): IntentExample[] {
  return existsSync(path) ? readIntentJsonl(path, { detectMissingLang: true }) : [];
}

export interface MergedExamples {
  examples: IntentExample[];
  /** Training lines dropped because an operator relabelled the same text. */
  replaced: number;
  /** Corrections left out because their text is in the held-out split: evaluation must stay unseen. */
  heldOut: number;
}

/** Operator corrections win over the hand-written training lines for the same (normalised) text. */
export function mergeCorrections(
  train: readonly IntentExample[],
  corrections: readonly IntentExample[],
  evaluation: readonly IntentExample[],
): MergedExamples {
  const key = (example: IntentExample) => normalizeText(example.text);
  const held = new Set(evaluation.map(key));
  const kept = corrections.filter((correction) => !held.has(key(correction)));
  const corrected = new Set(kept.map(key));
  const examples = train.filter((example) => !corrected.has(key(example)));
  return {
    examples: [...examples, ...kept],
    replaced: train.length - examples.length,
    heldOut: corrections.length - kept.length,
  };
}
