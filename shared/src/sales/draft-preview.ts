import type { PackSales } from '../platform';
import type { DraftPreview } from '../events';

/**
 * What the fan will receive with a draft besides its text, for the person who approves it:
 * the AI notice that goes before it (the fan's first AI-drafted message), and the payment
 * request that follows it when the draft presents an offer.
 */
export function draftPreview(input: {
  disclosure: string | undefined;
  offer?: { status: string; priceCents: number; currency: string } | undefined;
  pack?: { name: string } | undefined;
  packSales?: PackSales | undefined;
}): DraftPreview | undefined {
  const preview: DraftPreview = {};
  if (input.disclosure) preview.disclosure = input.disclosure;
  if (input.offer && input.offer.status === 'open' && input.pack && input.packSales) {
    preview.offer = {
      pack: input.pack.name,
      amountCents: input.offer.priceCents,
      currency: input.offer.currency,
      how: input.packSales.kind,
    };
  }
  return preview.disclosure || preview.offer ? preview : undefined;
}
