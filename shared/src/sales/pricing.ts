import type { PackRecord } from '../db/repositories/packs.repo';
import type { PromoCodeRecord } from '../db/repositories/promo-codes.repo';

/** Price after a promo code: percent rounds to the cent, fixed never goes below zero. */
export function applyPromo(listPriceCents: number, promo: Pick<PromoCodeRecord, 'kind' | 'value'>): number {
  if (promo.kind === 'percent') {
    const percent = Math.min(100, Math.max(0, promo.value));
    return Math.round((listPriceCents * (100 - percent)) / 100);
  }
  return Math.max(0, listPriceCents - promo.value);
}

/** Stars (XTR) for a price: the pack's own Stars price, scaled by any discount, else converted. */
export function starsFor(
  pack: Pick<PackRecord, 'priceStars' | 'priceCents'>,
  priceCents: number,
  starsPerUnit: number,
): number {
  const stars =
    pack.priceStars !== null && pack.priceCents > 0
      ? (pack.priceStars * priceCents) / pack.priceCents
      : (priceCents / 100) * starsPerUnit;
  // An invoice of 0 Stars is refused.
  return Math.max(1, Math.round(stars));
}

/** What an in-chat invoice in `currency` charges for an offer: Stars (XTR) or the offer's own minor units. */
export function invoiceAmount(
  offer: { priceStars: number | null; priceCents: number; currency: string },
  currency: string,
): number | undefined {
  if (currency === 'XTR') return offer.priceStars ?? undefined;
  return currency === offer.currency ? offer.priceCents : undefined;
}

const SYMBOLS: Record<string, string> = { EUR: '€', USD: '$', GBP: '£', CHF: 'CHF', CAD: '$' };

/** "10 €" / "€10", "10,50 €" / "€10.50": the forms the reply validator recognises. */
export function formatPrice(cents: number, currency: string, lang: 'fr' | 'en' | 'other'): string {
  const whole = cents % 100 === 0;
  const amount = whole ? String(cents / 100) : (cents / 100).toFixed(2);
  const symbol = SYMBOLS[currency] ?? currency;
  if (lang === 'fr') return `${whole ? amount : amount.replace('.', ',')} ${symbol}`;
  return symbol.length === 1 ? `${symbol}${amount}` : `${amount} ${symbol}`;
}

export type PromoRefusal = 'inactive' | 'expired' | 'exhausted' | 'fan_limit';

/** Why a code cannot apply now, or undefined when it can. */
export function promoRefusal(promo: PromoCodeRecord, at: Date, usesByFan: number): PromoRefusal | undefined {
  if (!promo.active) return 'inactive';
  if (promo.expiresAt && promo.expiresAt <= at) return 'expired';
  if (promo.maxUses !== null && promo.uses >= promo.maxUses) return 'exhausted';
  if (usesByFan >= promo.maxUsesPerFan) return 'fan_limit';
  return undefined;
}

/** A code the fan typed: a whole word matching one of the creator's codes, case-insensitively. */
export function findPromoCode<T extends { code: string }>(text: string, codes: readonly T[]): T | undefined {
  const words = new Set(text.toUpperCase().split(/[^\p{L}\p{N}_-]+/u));
  return codes.find((promo) => words.has(promo.code.toUpperCase()));
}

/** Fills {{pack}} and {{price}} in a sales template. */
export function fillSalesTemplate(template: string, values: { pack: string; price: string }): string {
  return template.replace(/\{\{(pack|price)\}\}/g, (_, key: 'pack' | 'price') => values[key]);
}
