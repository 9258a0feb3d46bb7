import { describe, expect, it } from 'vitest';
import { disclosureText, withDisclosure } from './disclosure';

const rules = {
  disclosure_markets: ['FR', 'DE'],
  disclosure: { fr: 'Réponse assistée par IA.', en: 'AI-assisted reply.' },
};

describe('AI disclosure', () => {
  it('is on by default in EU markets, in the fan’s language, once per fan', () => {
    expect(
      disclosureText({ market: 'FR', disclosure: {} }, { disclosedAt: null, language: 'fr' }, rules),
    ).toBe('Réponse assistée par IA.');
    expect(
      disclosureText({ market: 'FR', disclosure: {} }, { disclosedAt: null, language: 'en-GB' }, rules),
    ).toBe('AI-assisted reply.');
    expect(
      disclosureText({ market: 'FR', disclosure: {} }, { disclosedAt: new Date(), language: 'fr' }, rules),
    ).toBeUndefined();
  });

  it('follows the creator’s switch and wording', () => {
    expect(
      disclosureText({ market: 'US', disclosure: {} }, { disclosedAt: null, language: 'en' }, rules),
    ).toBeUndefined();
    expect(
      disclosureText(
        { market: 'US', disclosure: { enabled: true, en: 'Hi! I use AI help.' } },
        { disclosedAt: null, language: 'en' },
        rules,
      ),
    ).toBe('Hi! I use AI help.');
    expect(
      disclosureText(
        { market: 'FR', disclosure: { enabled: false } },
        { disclosedAt: null, language: 'fr' },
        rules,
      ),
    ).toBeUndefined();
  });

  it('precedes the reply', () => {
    expect(withDisclosure('Coucou !', 'Réponse assistée par IA.')).toBe(
      'Réponse assistée par IA.\n\nCoucou !',
    );
    expect(withDisclosure('Coucou !', undefined)).toBe('Coucou !');
  });
});
