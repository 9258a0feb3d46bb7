import { z } from 'zod';
import {
  accountsRepo,
  flushEffects,
  auditRepo,
  Conflict,
  fansRepo,
  Invalid,
  messagesRepo,
  NotFound,
  OfferClosed,
  offersRepo,
  packsRepo,
  recordPurchase,
  invoiceAmount,
  replyLanguage,
  salesContext,
  collectEffects,
  Unauthorized,
  Upstream,
  conversationsRepo,
  purchasesRepo,
  recordRefund,
  type PurchaseRecord,
  verifyCheckoutToken,
  verifyPaymentSignature,
  type AccountRecord,
  type Effects,
  type InboxPublisher,
  type OfferRecord,
  type OutboxRelay,
  type PaymentReceived,
  type PreCheckout,
  type Queues,
} from '@velvet/shared';
import type { Connectors, PlatformConnector } from '@velvet/platforms';
import type { HubContext } from '../context';
import { isUuid } from '../http/validate';

const OFFER_PAYLOAD = 'offer:';

const charge = {
  chargeId: z.string().min(1).max(200),
  amount: z.number().int().nonnegative(),
  currency: z.string().length(3),
};

/** What a checkout provider posts to `POST /webhooks/payments/:provider` (signed). */
export const checkoutWebhookBody = z.discriminatedUnion('type', [
  z.object({ type: z.literal('payment.succeeded'), token: z.string().min(1).max(300), ...charge }),
  /** The charge was refunded, or the fan's bank took it back: same charge id, full amount. */
  z.object({ type: z.enum(['payment.refunded', 'payment.chargeback']), ...charge }),
]);

const REFUND_KIND = { 'payment.refunded': 'refund', 'payment.chargeback': 'chargeback' } as const;

/** The provider's signing secret: VELVET_PAYMENT_SECRET_<NAME>, upper-case, `-` as `_`. */
export function paymentSecretVar(provider: string): string {
  return `VELVET_PAYMENT_SECRET_${provider.toUpperCase().replace(/-/g, '_')}`;
}

/**
 * Money in: in-chat invoices (the platform's pre-checkout answered while it waits, then the
 * successful payment) and signed checkout-provider webhooks. Each charge is recorded once.
 */
export function createPaymentsService(
  ctx: HubContext,
  deps: { relay: OutboxRelay; publisher: InboxPublisher; queues: Queues; connectors: Connectors },
) {
  const sales = salesContext(ctx);
  const announce = (effects: Effects) =>
    flushEffects(
      {
        db: ctx.db,
        relay: deps.relay,
        publisher: deps.publisher,
        removeJob: (id) => deps.queues['followup.send'].remove(id),
      },
      effects,
    ).catch((error: unknown) => ctx.logger.warn({ err: error }, 'announcing a purchase failed'));

  /** The offer an invoice payload (or the paid message carrying it) names, if it belongs to this account's fan. */
  async function offerFor(
    account: AccountRecord,
    payment: Pick<PaymentReceived, 'payload' | 'paidMessageId'>,
    platformUserId: string,
  ) {
    const { payload, paidMessageId } = payment;
    const sent = paidMessageId
      ? await messagesRepo.findOutbound(ctx.db, account.id, paidMessageId)
      : undefined;
    const id = paidMessageId
      ? (sent?.offerId ?? undefined)
      : payload.startsWith(OFFER_PAYLOAD)
        ? payload.slice(OFFER_PAYLOAD.length)
        : undefined;
    const offer = isUuid(id) ? await offersRepo.findById(ctx.db, id) : undefined;
    if (!offer || offer.creatorId !== account.creatorId) return undefined;
    const fan = await fansRepo.findById(ctx.db, offer.fanId);
    if (!fan || fan.accountId !== account.id || fan.platformUserId !== platformUserId) return undefined;
    return { offer, fan };
  }

  async function purchase(
    account: AccountRecord,
    offer: OfferRecord,
    lang: 'fr' | 'en',
    input: {
      provider: string;
      chargeId: string;
      amount?: number;
      currency?: string;
      raw: Record<string, unknown>;
      singleUse?: boolean;
      mediaDelivered?: boolean;
    },
  ) {
    const effects = collectEffects(offer.creatorId, offer.conversationId);
    const result = await ctx.db.transaction(async (tx) => {
      const recorded = await recordPurchase(
        tx,
        sales,
        {
          offer,
          provider: input.provider,
          providerChargeId: input.chargeId,
          providerAmount: input.amount,
          providerCurrency: input.currency,
          accountId: account.id,
          platform: account.platform,
          lang,
          raw: input.raw,
          singleUse: input.singleUse,
          mediaDelivered: input.mediaDelivered,
        },
        effects,
      );
      if (recorded.created) {
        await auditRepo.automation(tx, {
          action: 'purchase.record',
          creatorId: offer.creatorId,
          conversationId: offer.conversationId,
          targetType: 'offer',
          targetId: offer.id,
          data: { provider: input.provider, purchaseId: recorded.purchase.id },
        });
      }
      return recorded;
    });
    if (result.created) await announce(effects);
    return result;
  }

  /**
   * Records a reversed charge once; then, on every delivery while the fan has no purchase
   * left standing, takes back what the platform granted (Discord's buyer role). A failure
   * there answers 502, so the provider delivers again and the removal is tried again.
   */
  async function refund(
    provider: string,
    body: { type: keyof typeof REFUND_KIND; chargeId: string; amount: number; currency: string },
  ): Promise<{ recorded: boolean; purchaseId: string }> {
    const found = await purchasesRepo.findByCharge(ctx.db, provider, body.chargeId);
    if (!found) throw new NotFound('Purchase for this charge');
    const paid = found.providerAmount ?? found.amountCents;
    const currency = (found.providerCurrency ?? found.currency).toUpperCase();
    if (body.amount !== paid || body.currency.toUpperCase() !== currency) {
      await deps.publisher.emit({ creatorId: found.creatorId }, 'alert', {
        kind: 'platform_error',
        severity: 'warning',
        message: `A partial ${REFUND_KIND[body.type]} (${body.amount} ${body.currency} of ${paid} ${currency}, charge ${body.chargeId}) was not recorded: check it by hand.`,
        creatorId: found.creatorId,
        at: ctx.now().toISOString(),
      });
      throw new Invalid(
        `Amount ${body.amount} ${body.currency} is not the full charge (${paid} ${currency}); partial refunds are handled by hand`,
      );
    }
    const effects = collectEffects(found.creatorId, found.conversationId ?? '');
    const result = await ctx.db.transaction((tx) =>
      recordRefund(tx, { purchase: found, kind: REFUND_KIND[body.type], provider, at: ctx.now() }, effects),
    );
    if (result.created) await announce(effects);
    await revokeAccess(result.purchase);
    return { recorded: result.created, purchaseId: result.purchase.id };
  }

  async function revokeAccess(purchase: PurchaseRecord): Promise<void> {
    if (!purchase.conversationId) return;
    if ((await purchasesRepo.countStanding(ctx.db, purchase.fanId)) > 0) return;
    const conversation = await conversationsRepo.findById(ctx.db, purchase.conversationId);
    const account = conversation && (await accountsRepo.findById(ctx.db, conversation.accountId));
    const connector = account && deps.connectors.get(account.platform);
    if (!conversation || !account || !connector?.revokeBuyerAccess) return;
    const credentials = ctx.secrets.credentials.openJson<Record<string, unknown>>(account.credentialsEnc);
    try {
      await connector.revokeBuyerAccess(credentials, conversation.platformChatId);
    } catch (error) {
      ctx.logger.warn({ err: error, accountId: account.id }, 'removing buyer access failed');
      throw new Upstream(
        `The refund is recorded, but ${account.platform} refused to remove the buyer access`,
      );
    }
  }

  return {
    /** Yes only for an open, unexpired offer of an active pack at the invoiced amount. */
    async preCheckout(
      account: AccountRecord,
      connector: PlatformConnector,
      query: PreCheckout,
    ): Promise<void> {
      const { packSales } = connector.capabilities;
      const found = await offerFor(account, { payload: query.payload }, query.fan.platformUserId);
      const lang = replyLanguage(undefined, found?.fan.language ?? query.fan.language);
      const errors = ctx.config.sales.pre_checkout_errors;
      let answer: { ok: true } | { ok: false; error: string } = { ok: true };
      if (!found) answer = { ok: false, error: errors.unavailable[lang] };
      else {
        const { offer } = found;
        const pack = await packsRepo.findById(ctx.db, offer.packId);
        if (offer.status !== 'open' || offer.expiresAt <= ctx.now()) {
          answer = { ok: false, error: errors.expired[lang] };
        } else if (
          !pack?.active ||
          found.fan.minorSignalAt ||
          packSales.kind !== 'invoice' ||
          query.currency !== packSales.currency ||
          query.totalAmount !== invoiceAmount(offer, packSales.currency)
        ) {
          answer = { ok: false, error: errors.unavailable[lang] };
        }
      }
      if (!connector.answerPreCheckout) throw new Invalid(`${connector.platform} sends no pre-checkout`);
      const credentials = ctx.secrets.credentials.openJson<Record<string, unknown>>(account.credentialsEnc);
      await connector.answerPreCheckout(credentials, query.queryId, answer);
      ctx.logger.info(
        { accountId: account.id, offerId: found?.offer.id, ok: answer.ok },
        'answered a pre-checkout query',
      );
    },

    /** Records an in-chat payment once, then delivers; an unknown payload alerts supervisors. */
    async platformPayment(
      account: AccountRecord,
      connector: PlatformConnector,
      payment: PaymentReceived,
    ): Promise<{ recorded: boolean }> {
      const { packSales } = connector.capabilities;
      const found = await offerFor(account, payment, payment.fan.platformUserId);
      if (!found) {
        ctx.logger.error(
          { accountId: account.id, chargeId: payment.chargeId },
          'a payment names no offer of this bot; refund or deliver it by hand',
        );
        await deps.publisher.emit({ creatorId: account.creatorId }, 'alert', {
          kind: 'platform_error',
          severity: 'critical',
          message: `A ${connector.platform} payment (${payment.totalAmount} ${payment.currency}, charge ${payment.chargeId}) matches no offer: check it by hand.`,
          creatorId: account.creatorId,
          at: ctx.now().toISOString(),
        });
        return { recorded: false };
      }
      const result = await purchase(account, found.offer, replyLanguage(undefined, found.fan.language), {
        provider: packSales.kind === 'invoice' ? packSales.provider : connector.platform,
        chargeId: payment.chargeId,
        amount: payment.totalAmount,
        currency: payment.currency,
        raw: { providerChargeId: payment.providerChargeId, messageId: payment.platformMessageId },
        mediaDelivered: payment.paidMessageId !== undefined,
      });
      return { recorded: result.created };
    },

    /** `POST /webhooks/payments/:provider`: signature, token, amount, then one purchase per charge. */
    async checkoutWebhook(
      provider: string,
      rawBody: Buffer,
      signature: string | undefined,
    ): Promise<{ recorded: boolean; purchaseId: string }> {
      const secret = ctx.config.payments.checkout_providers.includes(provider)
        ? process.env[paymentSecretVar(provider)]
        : undefined;
      if (!secret) throw new NotFound('Payment provider');
      const check = verifyPaymentSignature(
        secret,
        signature,
        rawBody,
        ctx.now(),
        ctx.config.payments.signature_tolerance,
      );
      if (check !== 'ok') throw new Unauthorized(`Payment signature ${check}`);
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new Invalid('Body is not JSON');
      }
      const body = checkoutWebhookBody.safeParse(json);
      if (!body.success) throw new Invalid('Not a payment notification this hub understands');
      if (body.data.type !== 'payment.succeeded') return refund(provider, body.data);
      const token = verifyCheckoutToken(ctx.secrets.checkoutKey, body.data.token, new Date(0));
      if (!token.ok) throw new Invalid(`Checkout token is ${token.reason.replace('_', ' ')}`);
      const offer = await offersRepo.findById(ctx.db, token.offerId);
      if (!offer) throw new NotFound('Offer');
      if (body.data.amount !== offer.priceCents || body.data.currency.toUpperCase() !== offer.currency) {
        throw new Invalid(
          `Amount ${body.data.amount} ${body.data.currency} does not match the offer (${offer.priceCents} ${offer.currency})`,
        );
      }
      const fan = await fansRepo.findById(ctx.db, offer.fanId);
      const account = fan && (await accountsRepo.findById(ctx.db, fan.accountId));
      if (!fan || !account) throw new NotFound('Offer');
      try {
        const result = await purchase(account, offer, replyLanguage(undefined, fan.language), {
          provider,
          chargeId: body.data.chargeId,
          amount: body.data.amount,
          currency: body.data.currency.toUpperCase(),
          raw: { type: body.data.type },
          singleUse: true,
        });
        if (!result.created && result.purchase.offerId !== offer.id) {
          throw new Conflict('This charge id was already recorded for another offer');
        }
        return { recorded: result.created, purchaseId: result.purchase.id };
      } catch (error) {
        // The link is single-use: a second charge for an offer no longer open records nothing.
        if (error instanceof OfferClosed)
          throw new Conflict(`This payment link was already used (${error.status})`);
        throw error;
      }
    },
  };
}

export type PaymentsService = ReturnType<typeof createPaymentsService>;
