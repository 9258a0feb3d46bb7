import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_CONFIG, extractFeatures } from './features.hash';
import { HANDLE_TOKEN, normalizeText, PHONE_TOKEN, tokenize, URL_TOKEN } from './text.normalize';

describe('normalizeText', () => {
  it('lower-cases, strips accents and squeezes letter runs', () => {
    expect(normalizeText('Slttt ÇA VA ??')).toBe('slt ca va ??');
    expect(normalizeText('Coucouuu bébé')).toBe('coucou bebe');
    expect(normalizeText('Arrête   STP')).toBe('arrete stp');
  });

  it('keeps double letters and digits', () => {
    expect(normalizeText('belle 1000€')).toBe('belle 1000€');
  });

  it('joins apostrophes the way fans skip them', () => {
    expect(normalizeText("j'ai")).toBe('jai');
    expect(normalizeText('I’m 16')).toBe('im 16');
    expect(normalizeText("c'est payé")).toBe('cest paye');
  });

  it('keeps emojis but drops skin tones and variation selectors', () => {
    expect(normalizeText('👍🏽 ❤️')).toBe('👍 ❤');
  });

  it('maps ligatures', () => {
    expect(normalizeText('Œuvre')).toBe('oeuvre');
  });
});

describe('tokenize', () => {
  it('splits numbers from their unit and keeps emojis as tokens', () => {
    expect(tokenize(normalizeText("j'ai 15ans 😍😍"))).toEqual(['jai', '15', 'ans', '😍', '😍']);
    expect(tokenize('16yo')).toEqual(['16', 'yo']);
  });

  it('replaces links, handles and phone numbers by placeholders', () => {
    expect(tokenize('clique http://bit.ly/3xyz')).toEqual(['clique', URL_TOKEN]);
    expect(tokenize('join t.me/cashflow')).toEqual(['join', URL_TOKEN]);
    expect(tokenize('mon insta @promo.page')).toEqual(['mon', 'insta', HANDLE_TOKEN]);
    expect(tokenize('appelle 06 12 34 56 78')).toEqual(['appelle', PHONE_TOKEN]);
    expect(tokenize('+33.6.12.34.56.78')).toEqual([PHONE_TOKEN]);
  });

  it('keeps question marks and currency signs', () => {
    expect(tokenize('$ ? €')).toEqual(['$', '?', '€']);
  });
});

describe('extractFeatures', () => {
  it('is deterministic, sorted and unit length', () => {
    const a = extractFeatures('Slt cv? 😍', DEFAULT_FEATURE_CONFIG);
    expect(extractFeatures('Slt cv? 😍', DEFAULT_FEATURE_CONFIG)).toEqual(a);
    expect([...a.indices].sort((x, y) => x - y)).toEqual(a.indices);
    expect(a.values.reduce((sum, v) => sum + v * v, 0)).toBeCloseTo(1, 10);
    expect(Math.max(...a.indices)).toBeLessThan(2 ** DEFAULT_FEATURE_CONFIG.hashBits);
  });

  it('gives the same features to spelling variants', () => {
    expect(extractFeatures('SLTTT ça va', DEFAULT_FEATURE_CONFIG)).toEqual(
      extractFeatures('slt ca va', DEFAULT_FEATURE_CONFIG),
    );
  });

  it('returns no features for empty text', () => {
    expect(extractFeatures('   ', DEFAULT_FEATURE_CONFIG)).toEqual({ indices: [], values: [] });
  });
});
