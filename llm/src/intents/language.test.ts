import { describe, expect, it } from 'vitest';
import { detectLanguage } from './language';

describe('detectLanguage', () => {
  it.each([
    ['slt cv', 'fr'],
    ['cc bb', 'fr'],
    ['wsh bien ou quoi', 'fr'],
    ['tkt jsp', 'fr'],
    ['c combien stp', 'fr'],
    ["j'ai payé", 'fr'],
    ['arrête', 'fr'],
    ['t trop belle', 'fr'],
    ['hey u ok', 'en'],
    ['how much pls', 'en'],
    ["i'm 16", 'en'],
    ['wanna meet?', 'en'],
    ['ur so pretty', 'en'],
    ['link doesnt work', 'en'],
  ] as const)('%j → %s', (text, lang) => {
    expect(detectLanguage(text)).toBe(lang);
  });

  it('picks the dominant language of a mixed message', () => {
    expect(detectLanguage('hello ma belle, tu vas bien ?')).toBe('fr');
    expect(detectLanguage('salut, how are you doing today?')).toBe('en');
  });

  it('says other when there is nothing to go on', () => {
    for (const text of ['😍😍😍', '🔥', '123', '?', '', 'ok', 'https://bit.ly/x']) {
      expect(detectLanguage(text)).toBe('other');
    }
  });
});
