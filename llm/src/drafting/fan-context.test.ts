import { describe, expect, it } from 'vitest';
import { estimateTokens, renderFanContext, sentences, type FanContext } from './fan-context';

const NOW = new Date('2026-03-20T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

function fan(over: Partial<FanContext> = {}): FanContext {
  return {
    subscriptionLevel: 'Gold',
    tags: ['vip'],
    notes: '',
    preferences: [],
    lastSeenAt: daysAgo(1),
    lifetimeSpend: { cents: 0, currency: 'EUR' },
    purchaseCount: 0,
    purchases: [],
    openOffers: [],
    memories: [],
    ...over,
  };
}

const purchases = Array.from({ length: 8 }, (_, i) => ({
  packName: `Pack ${i + 1}`,
  amountCents: 1000,
  currency: 'EUR',
  refunded: false,
  at: daysAgo(i * 3),
}));

describe('the fan context block', () => {
  it('tells what is known in the fan’s language', () => {
    const context = fan({
      notes: 'Aime le noir et blanc.',
      preferences: [['couleur', 'rouge']],
      purchaseCount: 1,
      lifetimeSpend: { cents: 1500, currency: 'EUR' },
      purchases: [
        { packName: 'Lumière', amountCents: 1500, currency: 'EUR', refunded: false, at: daysAgo(2) },
      ],
      openOffers: [{ packName: 'Velours', priceCents: 2500, currency: 'EUR', expiresAt: daysAgo(-2) }],
      memories: [{ text: 'mon chien Biscuit', from: 'fan', at: daysAgo(10) }],
    });
    const fr = renderFanContext(context, { lang: 'fr', fanName: 'Noa', now: NOW, budgetTokens: 1000 });
    expect(fr.split('\n')).toEqual([
      'Ce que tu sais de Noa (contexte, ne le récite pas) :',
      '- Abonnement : Gold',
      '- Étiquettes : vip',
      '- Dernière activité : hier',
      '- Achats : 1 pour 15 € au total',
      '- Offre en attente : « Velours » à 25 €, jusqu’au 2026-03-22',
      'Notes de l’équipe :',
      '  - Aime le noir et blanc.',
      '- Préférence — couleur : rouge',
      '- A acheté « Lumière » (15 €) il y a 2 jours',
      'Souvenirs de conversations passées (les plus pertinents) :',
      '  - Noa a dit (il y a 10 jours) : « mon chien Biscuit »',
    ]);
    const en = renderFanContext(context, { lang: 'en', fanName: 'Noa', now: NOW, budgetTokens: 1000 });
    expect(en).toContain('Open offer: "Velours" at €25');
    expect(en).toContain('Noa said (10 days ago): "mon chien Biscuit"');
  });

  it('keeps within the budget: older purchases summarised, notes never cut mid-sentence', () => {
    const notes =
      'Première note très ancienne sur ses goûts. Deuxième note sur son travail de nuit. Troisième note : il préfère les messages courts le soir.';
    const context = fan({
      notes,
      purchaseCount: 12,
      lifetimeSpend: { cents: 12_000, currency: 'EUR' },
      purchases,
    });
    for (const budget of [60, 90, 120, 160, 400]) {
      const text = renderFanContext(context, { lang: 'fr', fanName: 'Noa', now: NOW, budgetTokens: budget });
      expect(estimateTokens(text)).toBeLessThanOrEqual(budget);
      // Every note sentence shown is whole.
      const noteLines = text.split('\n').filter((l) => l.includes('note'));
      for (const line of noteLines.filter((l) => !l.includes('phrase(s)'))) {
        expect(sentences(notes)).toContain(line.replace(/^\s*- /, ''));
      }
    }
    const tight = renderFanContext(context, { lang: 'fr', fanName: 'Noa', now: NOW, budgetTokens: 160 });
    // The newest note and purchase stay; the rest is counted, with the money it stands for.
    expect(tight).toContain('Troisième note : il préfère les messages courts le soir.');
    expect(tight).not.toContain('Pack 8');
    expect(tight).toMatch(/- \d+ achat\(s\) plus ancien\(s\), \d+ € au total/);
    const roomy = renderFanContext(context, { lang: 'fr', fanName: 'Noa', now: NOW, budgetTokens: 1000 });
    expect(roomy).toContain('Pack 8');
    expect(roomy).toContain('- 4 achat(s) plus ancien(s), 40 € au total');
  });

  it('is empty with a tiny budget rather than half a line', () => {
    expect(renderFanContext(fan(), { lang: 'en', fanName: 'Noa', now: NOW, budgetTokens: 5 })).toBe('');
  });
});
