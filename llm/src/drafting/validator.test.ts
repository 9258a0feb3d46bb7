import { describe, expect, it } from 'vitest';
import { validateDraft, type ValidationContext } from './validator';

const ctx: ValidationContext = {
  lang: 'fr',
  selling: true,
  packs: [
    { name: 'Pack pieds', price: 10 },
    { name: 'Pack lingerie', price: 15 },
  ],
  maxLength: 600,
  explicitTerms: ['porno', 'fuck'],
  conversationStatus: 'bot',
  optedOut: false,
};

describe('validateDraft', () => {
  it('passes a warm, catalog-backed reply', () => {
    expect(validateDraft('Coucou toi ! Mon pack pieds est à 10 € 😘', ctx)).toEqual([]);
    expect(validateDraft('Le pack lingerie est à 15,00€, il va te plaire', ctx)).toEqual([]);
  });

  it('blocks contact details, links, payment and meetings off the platform', () => {
    expect(validateDraft('Écris-moi au 06 12 34 56 78 !', ctx)).toContain('contact_details');
    expect(validateDraft('Ajoute-moi sur snap : lina_xx', ctx)).toContain('contact_details');
    expect(validateDraft('mon mail: lina@example.com', ctx)).toContain('contact_details');
    expect(validateDraft('Va voir www.monsite.fr', ctx)).toContain('off_platform_link');
    expect(validateDraft('Envoie par PayPal, c’est plus simple', ctx)).toContain('off_platform_payment');
    expect(validateDraft('On se voit ce soir à mon hôtel ?', ctx)).toContain('meeting');
  });

  it('blocks a price the catalog does not back, and any price before the age gate', () => {
    expect(validateDraft('Le pack pieds est à 12 €', ctx)).toEqual(['unbacked_price']);
    expect(validateDraft('Only $9 for you', { ...ctx, lang: 'en' })).toContain('unbacked_price');
    expect(validateDraft('Mon pack pieds est à 10 €', { ...ctx, selling: false })).toEqual([
      'selling_not_allowed',
    ]);
    expect(validateDraft('Tu veux voir mes packs ?', { ...ctx, selling: false })).toEqual([
      'selling_not_allowed',
    ]);
  });

  it('blocks explicit wording, whole words only', () => {
    expect(validateDraft('Un vrai film porno', ctx)).toContain('explicit');
    expect(validateDraft('Quelle pornographie de météo', ctx)).not.toContain('explicit');
  });

  it('blocks empty, overlong and wrong-language drafts, and drafts for conversations humans hold', () => {
    expect(validateDraft('   ', ctx)).toEqual(['empty']);
    expect(validateDraft('a'.repeat(601), ctx)).toContain('too_long');
    expect(validateDraft('Hey babe, how are you doing today?', ctx)).toContain('wrong_language');
    expect(validateDraft('Coucou toi', { ...ctx, conversationStatus: 'escalated' })).toContain(
      'conversation_not_bot',
    );
    expect(validateDraft('Coucou toi', { ...ctx, optedOut: true })).toContain('opted_out');
  });
});
