import { describe, expect, it } from 'vitest';
import { friendlyReply, FRIENDLY_MIN_CONFIDENCE } from './friendly';
import { loadIntentClassifier, type IntentResult } from './intent.classifier';

const classifier = loadIntentClassifier();
const verdict = (text: string) => friendlyReply(classifier.classify(text));

describe('friendly replies, as the committed intent classifier reads them', () => {
  it.each([
    'Magnifique photo, bravo !',
    'You look amazing, love this',
    'Trop belle 😍',
    'Coucou ma belle, bonne soirée',
  ])('likes %j', (text) => {
    expect(verdict(text)).toMatchObject({ friendly: true });
  });

  it.each([
    ['j’ai 15 ans et t’es trop belle', 'minor'],
    ['I am 14 and you are so pretty', 'minor'],
    ['Gagne 500€ par jour en cliquant ici http://bit.ly/xyz promo crypto', 'spam'],
  ] as const)('never likes %j (%s)', (text, reason) => {
    expect(verdict(text)).toMatchObject({ friendly: false, reason });
  });

  it.each([
    'Tu es nulle, arrête de poster ces photos',
    'Je veux être remboursé, c’est une arnaque',
    'Combien pour une vidéo perso ?',
    'Je veux parler à un humain',
  ])('does not like %j: not a compliment or a greeting', (text) => {
    expect(verdict(text)).toMatchObject({ friendly: false });
  });
});

describe('friendlyReply reads the classifier strictly', () => {
  const result = (over: Partial<IntentResult>): IntentResult => ({
    intent: 'compliment',
    confidence: 0.9,
    lang: 'fr',
    scores: { spam: 0.01 } as IntentResult['scores'],
    minor: { outcome: 'none', by: 'none', score: 0.01 },
    ...over,
  });

  it('refuses an uncertain minor signal, even on a compliment', () => {
    expect(friendlyReply(result({ minor: { outcome: 'uncertain', by: 'model', score: 0.9 } }))).toEqual({
      friendly: false,
      reason: 'minor',
      intent: 'compliment',
    });
  });

  it('refuses a compliment with a real chance of spam, or said without confidence', () => {
    expect(friendlyReply(result({ scores: { spam: 0.3 } as IntentResult['scores'] }))).toMatchObject({
      friendly: false,
      reason: 'spam',
    });
    expect(friendlyReply(result({ confidence: FRIENDLY_MIN_CONFIDENCE - 0.01 }))).toMatchObject({
      friendly: false,
      reason: 'unsure',
    });
    expect(friendlyReply(result({ humanRequest: 'parler à un humain' }))).toMatchObject({ friendly: false });
    expect(friendlyReply(result({}))).toEqual({ friendly: true, intent: 'compliment', confidence: 0.9 });
  });
});
