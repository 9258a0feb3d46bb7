import type { Db } from '../db/client';
import type { OfferRecord } from '../db/repositories/offers.repo';
import type { PackRecord } from '../db/repositories/packs.repo';
import type { Effects } from '../effects';
import { stageOutbound } from '../outbound/outbound';
import type { PackSales } from '../platform';
import { checkoutUrl, createCheckoutToken } from './checkout-token';
import { creatorsRepo } from '../db/repositories/creators.repo';
import { creatorAutomationRules } from './automation';
import { planFollowUp } from './follow-ups';
import { fillSalesTemplate, formatPrice } from './pricing';
import type { SalesContext, SalesLang as Lang } from './sales.context';

export interface PaymentRequestInput {
  offer: OfferRecord;
  pack: PackRecord;
  conversationId: string;
  accountId: string;
  /** How the account's platform takes payment (its connector's `packSales`). */
  packSales: PackSales;
  lang: Lang;
  /** Distinguishes repeated presentations of one offer (the draft id). */
  key: string;
  /** The reply presenting the offer: the payment request goes out after it. */
  after?: string;
}

/**
 * After a reply presenting an offer: the payment request (an in-chat invoice or a locked paid
 * message where the platform collects payment, else a signed single-use checkout link) and
 * the offer's follow-up.
 */
export async function stagePaymentRequest(
  tx: Db,
  ctx: SalesContext,
  input: PaymentRequestInput,
  effects: Effects,
): Promise<void> {
  const { offer, pack, lang, packSales } = input;
  const price = formatPrice(offer.priceCents, offer.currency, lang);
  const invoiced = packSales.kind === 'invoice';
  // A paid message is the pack itself, locked: the fan pays on the platform to open it.
  const inChat = invoiced || packSales.kind === 'paid_message';
  if (!inChat && !pack.checkoutUrl) return;
  const invoice = ctx.config.sales.invoice;
  const link = inChat
    ? undefined
    : checkoutUrl(pack.checkoutUrl!, createCheckoutToken(ctx.checkoutKey, offer.id, offer.expiresAt));
  const stars = invoiced && packSales.currency === 'XTR' ? ` (${offer.priceStars} ⭐)` : '';
  const staged = await stageOutbound(
    tx,
    {
      conversationId: input.conversationId,
      accountId: input.accountId,
      direction: 'out',
      sender: 'bot',
      kind: 'invoice',
      offerId: offer.id,
      text: inChat
        ? `${pack.name} — ${price}${stars}`
        : fillSalesTemplate(invoice.checkout_text[lang], { pack: pack.name, price }),
      ...(link
        ? {
            keyboard: [
              [{ text: fillSalesTemplate(invoice.pay_button[lang], { pack: pack.name, price }), url: link }],
            ],
          }
        : {}),
      raw: { origin: 'offer', offerId: offer.id, ...(input.after ? { after: input.after } : {}) },
      idempotencyKey: `invoice:${offer.id}:${input.key}`,
    },
    ctx.now(),
  );
  effects.outbound.push(staged);
  if (!staged.outbox) return;
  const creator = await creatorsRepo.findById(tx, offer.creatorId);
  const after = creatorAutomationRules(creator, ctx.config).followUpDelayMs(pack.type);
  await planFollowUp(
    tx,
    ctx,
    {
      kind: 'offer',
      creatorId: offer.creatorId,
      conversationId: offer.conversationId,
      fanId: offer.fanId,
      offerId: offer.id,
      packId: pack.id,
      dueAt: new Date(ctx.now().getTime() + after),
    },
    effects,
  );
}
