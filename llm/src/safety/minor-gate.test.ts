import { describe, expect, it } from 'vitest';
import { loadIntentClassifier } from '../intents/intent.classifier';
import { readIntentJsonl } from '../intents/intent.dataset';
import { fileURLToPath } from 'node:url';
import { decideMinor, MINOR_UNCERTAIN_THRESHOLD } from './minor-gate';
import {
  calibrateMinorThreshold,
  evaluateMinorGate,
  MINOR_MODEL_RECALL,
  parseMinorGateJsonl,
  readMinorGateSet,
} from './minor-gate.evaluate';

const classifier = loadIntentClassifier();
const decide = (text: string) => classifier.classify(text).minor;

describe('the minor gate on the independent set (llm/datasets/minor-gate/)', () => {
  const examples = readMinorGateSet();
  const evaluation = evaluateMinorGate(decide, examples);
  const describeMistakes = () =>
    evaluation.mistakes
      .map((m) => `${m.minor ? 'minor' : 'adult'} → ${m.decision.outcome}: ${m.text}`)
      .join('\n');

  it('is large enough and bilingual, as the issue asks', () => {
    const count = (minor: boolean, lang: string) =>
      examples.filter((e) => e.minor === minor && e.lang === lang).length;
    expect(evaluation.adults).toBeGreaterThanOrEqual(150);
    expect(evaluation.minors).toBeGreaterThanOrEqual(60);
    for (const lang of ['fr', 'en']) {
      expect(count(false, lang)).toBeGreaterThanOrEqual(60);
      expect(count(true, lang)).toBeGreaterThanOrEqual(25);
    }
  });

  it('sends every minor to a human', () => {
    expect(evaluation.recall, describeMistakes()).toBe(1);
  });

  it('refuses and flags at most 1% of ordinary adults', () => {
    expect(evaluation.clearFalseFlagRate, describeMistakes()).toBeLessThanOrEqual(0.01);
  });

  it('pauses few adults for a human look', () => {
    // Measured 3.9% (8 of 204) with the committed model; a regression past this deserves a look.
    expect(evaluation.uncertainRate, describeMistakes()).toBeLessThanOrEqual(0.06);
  });
});

describe('decideMinor', () => {
  it.each([
    "j'ai 16 ans",
    'jai quinze ans',
    'seize ans',
    'i’m 16',
    'im sixteen',
    '15yo',
    '17 y/o',
    'pas encore 18',
    'not 18 yet',
    'almost 18',
    'bientôt 18 ans',
    "j'ai 17",
    'je suis en 3ème',
    'je suis en seconde',
    'je passe le brevet',
    'je suis au collège',
    'je suis au lycée',
    "i'm in 9th grade",
    "i'm a sophomore",
    "i'm in middle school",
    "i'm in high school",
  ])('is clear on %j, whatever the model says', (text) => {
    expect(decideMinor(text, 0)).toMatchObject({ outcome: 'clear', by: 'rule' });
  });

  it.each([
    'my son is 15',
    'I teach 3ème',
    "j'enseigne en 3ème",
    '18 years old',
    '25 ans',
    "I've been a fan for 16 years",
    '16h',
    'la 3ème fois',
    'a 16 oz drink',
    '15€ le pack',
    'rdv à 16h30',
    'le 16/04',
  ])('is never clear on %j', (text) => {
    expect(decideMinor(text, 0).outcome).toBe('none');
    expect(decide(text).outcome).not.toBe('clear');
  });

  it('lets a stated adult age settle what the model and the softer cues would ask about', () => {
    expect(decideMinor("i'm 25", 0.99)).toMatchObject({ outcome: 'none', by: 'adult_age' });
    expect(decideMinor("ma mère sait pas que je suis là, j'ai 30 ans", 0)).toMatchObject({
      outcome: 'none',
    });
    // A clear minor signal still wins over an adult number elsewhere in the message.
    expect(decideMinor("j'ai 15 ans, ma sœur en a 20", 0).outcome).toBe('clear');
  });

  it('asks a human, without deciding, on a softer cue or a confident model', () => {
    expect(decideMinor('my mom checks my phone', 0)).toMatchObject({ outcome: 'uncertain', by: 'rule' });
    expect(decideMinor('coucou', MINOR_UNCERTAIN_THRESHOLD)).toMatchObject({
      outcome: 'uncertain',
      by: 'model',
    });
    expect(decideMinor('coucou', MINOR_UNCERTAIN_THRESHOLD - 0.01).outcome).toBe('none');
    expect(decideMinor('coucou', Number.NaN).outcome).toBe('none');
  });
});

describe('the model threshold', () => {
  it('is the one the held-out intent split calibrates', () => {
    const heldOut = readIntentJsonl(
      fileURLToPath(new URL('../../datasets/intents/eval.jsonl', import.meta.url)),
    );
    const scores = heldOut
      .filter((example) => example.intent === 'minor_signal')
      .map((example) => decide(example.text).score);
    expect(calibrateMinorThreshold(scores, MINOR_MODEL_RECALL)).toBe(MINOR_UNCERTAIN_THRESHOLD);
  });

  it('keeps the model finding the asked share of minors', () => {
    expect(calibrateMinorThreshold([0.95, 0.9, 0.5, 0.2], 0.5)).toBe(0.9);
    expect(calibrateMinorThreshold([0.95, 0.9, 0.5, 0.2], 0.75)).toBe(0.5);
    expect(calibrateMinorThreshold([], 0.9)).toBe(0);
  });
});

describe('minor-gate datasets', () => {
  it('validates each line', () => {
    expect(parseMinorGateJsonl('{"text":"j\'ai 25 ans","lang":"fr","minor":false}\n')).toHaveLength(1);
    expect(() => parseMinorGateJsonl('{"text":"x","lang":"de","minor":false}')).toThrow(/lang/);
    expect(() => parseMinorGateJsonl('{"text":"x","lang":"fr"}')).toThrow(/minor/);
  });
});
