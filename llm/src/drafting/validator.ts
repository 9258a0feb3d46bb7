import { detectLanguage } from '../intents/language';

export interface ValidationContext {
  /** The fan's language; a reply in another language is held. */
  lang: 'fr' | 'en' | 'other';
  /** False before an age confirmation, or after a minor signal: no offer, price or pack. */
  selling: boolean;
  /** The creator's catalog: the only prices a reply may name. */
  packs: { name: string; price: number }[];
  /** The offer this reply presents: any price it names must be the offer's (or its list price). */
  offer?: { name: string; prices: number[] };
  maxLength: number;
  explicitTerms: readonly string[];
  conversationStatus: string;
  optedOut: boolean;
}

const PHONE = /(?:\+|00)?\d[\d .-]{7,}\d/;
const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/;
const LINK = /\b(?:https?:\/\/|www\.)\S+|\b[\w-]+\.(?:com|fr|net|org|io|me|ly|gg)\b/i;
const CONTACT_APPS = /\b(?:snap(?:chat)?|whats ?app|insta(?:gram)?|telegram|signal|kik|wickr|discord)\b/i;
const PAYMENT =
  /\b(?:paypal|lydia|iban|virement|bank transfer|wire transfer|cash ?app|venmo|zelle|western union|crypto|bitcoin|btc|usdt|revolut|paysafecard)\b/i;
const MEETING =
  /\b(?:rencontr\w*|se voir|on se voit|rendez-vous|rdv|chez (?:moi|toi)|mon adresse|ton adresse|h[ôo]tel|meet(?:ing)? (?:up|in person|irl)|my place|your place|my address|in person|irl)\b/i;
const PRICE =
  /(\d+(?:[.,]\d{1,2})?)\s*(?:€|eur(?:os?)?\b|\$|usd\b|dollars?\b)|(?:€|\$)\s*(\d+(?:[.,]\d{1,2})?)/gi;
const SELLING_WORDS = /\b(?:pack|packs|prix|tarif|price|pricing|offre|offer|acheter|buy|payer|pay)\b/i;

const escape = (term: string) => term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Checks a draft before anything is sent. Each failed rule is a reason; any reason blocks
 * the draft (never auto-sent), though an operator may still edit and send it.
 */
export function validateDraft(text: string, ctx: ValidationContext): string[] {
  const reasons: string[] = [];
  const trimmed = text.trim();
  if (!trimmed) return ['empty'];
  if (ctx.conversationStatus !== 'bot') reasons.push('conversation_not_bot');
  if (ctx.optedOut) reasons.push('opted_out');
  if (trimmed.length > ctx.maxLength) reasons.push('too_long');
  if (PHONE.test(trimmed) || EMAIL.test(trimmed) || CONTACT_APPS.test(trimmed))
    reasons.push('contact_details');
  if (LINK.test(trimmed)) reasons.push('off_platform_link');
  if (PAYMENT.test(trimmed)) reasons.push('off_platform_payment');
  if (MEETING.test(trimmed)) reasons.push('meeting');
  const explicit = ctx.explicitTerms.some((term) =>
    new RegExp(`(^|[^\\p{L}])${escape(term)}([^\\p{L}]|$)`, 'iu').test(trimmed),
  );
  if (explicit) reasons.push('explicit');

  const prices = [...trimmed.matchAll(PRICE)].map((m) => Number((m[1] ?? m[2])!.replace(',', '.')));
  if (!ctx.selling && (prices.length > 0 || SELLING_WORDS.test(trimmed))) reasons.push('selling_not_allowed');
  else if (ctx.offer) {
    const offered = ctx.offer.prices;
    if (prices.some((price) => !offered.some((p) => Math.abs(p - price) < 0.005)))
      reasons.push('offer_mismatch');
  } else if (prices.some((price) => !ctx.packs.some((pack) => Math.abs(pack.price - price) < 0.005))) {
    reasons.push('unbacked_price');
  }

  if (ctx.lang !== 'other' && trimmed.length >= 12) {
    const detected = detectLanguage(trimmed);
    if (detected !== 'other' && detected !== ctx.lang) reasons.push('wrong_language');
  }
  return reasons;
}
