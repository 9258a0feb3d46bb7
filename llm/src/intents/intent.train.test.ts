import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createIntentClassifier } from './intent.classifier';
import { mergeCorrections, parseIntentJsonl, readIntentJsonl, type IntentExample } from './intent.dataset';
import { parseModel, serializeModel } from './intent.model';
import { DEFAULT_TRAIN_OPTIONS, formatWeight, trainIntentModel } from './intent.train';

const train = readIntentJsonl(fileURLToPath(new URL('../../datasets/intents/train.jsonl', import.meta.url)));
// Every 8th line keeps the test quick while still covering all intents.
const sample = train.filter((_, i) => i % 8 === 0);
const quick = { ...DEFAULT_TRAIN_OPTIONS, epochs: 40 };

describe('trainIntentModel', () => {
  it('writes byte-identical files for the same data', () => {
    expect(serializeModel(trainIntentModel(sample, quick))).toBe(
      serializeModel(trainIntentModel(sample, quick)),
    );
  });

  it('round-trips through the JSON file format', () => {
    const model = trainIntentModel(sample, quick);
    const parsed = parseModel(serializeModel(model));
    expect(parsed).toEqual(model);
    const classifier = createIntentClassifier(parsed);
    expect(classifier.classify('slt cv').intent).toBe(
      createIntentClassifier(model).classify('slt cv').intent,
    );
  });

  it('fits its own training data', () => {
    const classifier = createIntentClassifier(trainIntentModel(sample, quick));
    const hits = sample.filter((example) => classifier.classify(example.text).scores[example.intent] > 0.5);
    expect(hits.length / sample.length).toBeGreaterThan(0.9);
  });

  it('rounds weights to the shortest text', () => {
    expect(formatWeight(0.25, 3)).toBe('0.25');
    expect(formatWeight(-0.00001, 3)).toBe('0');
    expect(formatWeight(1.23456, 3)).toBe('1.235');
  });
});

describe('parseModel', () => {
  it('rejects files that are not intent models', () => {
    expect(() => parseModel('{"format":"other"}')).toThrow(/not a velvet.intent-model/);
    const model = trainIntentModel(sample.slice(0, 30), { ...quick, epochs: 2 });
    expect(() => parseModel(JSON.stringify({ ...model, labels: ['nope'] }))).toThrow(/unknown labels/);
    expect(() => parseModel(JSON.stringify({ ...model, rows: ['1 2'] }))).toThrow(/bad row/);
  });
});

describe('intent datasets', () => {
  it('validates each JSONL line', () => {
    expect(parseIntentJsonl('{"text":"slt","intent":"greeting","lang":"fr"}\n\n')).toHaveLength(1);
    expect(() => parseIntentJsonl('{"text":"slt","intent":"hello","lang":"fr"}')).toThrow(
      /:1: unknown intent/,
    );
    expect(() => parseIntentJsonl('x\n{"text":"","intent":"other","lang":"en"}')).toThrow(/:1: not JSON/);
    expect(() => parseIntentJsonl('{"text":"hi","intent":"other","lang":"de"}')).toThrow(/lang/);
    expect(() => parseIntentJsonl('{"text":"hi","intent":"other"}')).toThrow(/lang/);
  });

  it('detects the language of corrections exported without one', () => {
    const [line] = parseIntentJsonl(
      '{"text":"le lien marche pas","intent":"technical_issue"}',
      'corrections',
      {
        detectMissingLang: true,
      },
    );
    expect(line).toEqual({ text: 'le lien marche pas', intent: 'technical_issue', lang: 'fr' });
  });

  it('lets operator corrections replace a training line but never touch the eval split', () => {
    const line = (text: string, intent: IntentExample['intent']): IntentExample => ({
      text,
      intent,
      lang: 'fr',
    });
    const merged = mergeCorrections(
      [line('ok merci', 'other'), line('slt', 'greeting')],
      [line('OK merci', 'purchase_confirmation'), line('le lien marche pas', 'other')],
      [line('le lien marche pas', 'technical_issue')],
    );
    expect(merged.examples).toEqual([line('slt', 'greeting'), line('OK merci', 'purchase_confirmation')]);
    expect(merged).toMatchObject({ replaced: 1, heldOut: 1 });
  });
});
