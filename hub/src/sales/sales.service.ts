import {
  accountsRepo,
  flushEffects,
  auditRepo,
  cancelOffer,
  checkoutUrl,
  Conflict,
  conversationsRepo,
  createCheckoutToken,
  creatorsRepo,
  fansRepo,
  followUpsRepo,
  Invalid,
  NotFound,
  offersRepo,
  openOffer,
  packsRepo,
  presentFollowUp,
  presentOffer,
  promoCodesRepo,
  promoRefusal,
  purchasesRepo,
  replyLanguage,
  salesContext,
  collectEffects,
  salesMetricsRepo,
  stagePaymentRequest,
  type Actor,
  type CreatePackBody,
  type CreatePromoBody,
  type Effects,
  type InboxPublisher,
  type OutboxRelay,
  type PackRecord,
  type PromoCodeRecord,
  type Queues,
  type SalesGroup,
} from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { createPackMediaService } from './pack-media.service';

const toCents = (amount: number) => Math.round(amount * 100);

export function presentPack(pack: PackRecord) {
  return {
    id: pack.id,
    creatorId: pack.creatorId,
    name: pack.name,
    type: pack.type,
    price: pack.priceCents / 100,
    priceCents: pack.priceCents,
    currency: pack.currency,
    priceStars: pack.priceStars,
    description: pack.description,
    media: pack.media,
    platforms: pack.platforms,
    checkoutUrl: pack.checkoutUrl,
    active: pack.active,
    createdAt: pack.createdAt.toISOString(),
    updatedAt: pack.updatedAt.toISOString(),
  };
}

export function presentPromo(promo: PromoCodeRecord) {
  return {
    id: promo.id,
    creatorId: promo.creatorId,
    code: promo.code,
    kind: promo.kind,
    value: promo.kind === 'fixed' ? promo.value / 100 : promo.value,
    expiresAt: promo.expiresAt?.toISOString() ?? null,
    maxUses: promo.maxUses,
    maxUsesPerFan: promo.maxUsesPerFan,
    uses: promo.uses,
    active: promo.active,
  };
}

/** Catalog, promo codes, human offers, follow-ups and sales figures, each behind the policy. */
export function createSalesService(
  ctx: HubContext,
  deps: { relay: OutboxRelay; publisher: InboxPublisher; queues: Queues; connectors: Connectors },
) {
  const sales = salesContext(ctx);
  const packMedia = createPackMediaService(ctx);
  const announce = (effects: Effects) =>
    flushEffects(
      { ...deps, db: ctx.db, removeJob: (id) => deps.queues['followup.send'].remove(id) },
      effects,
    );

  async function packInScope(actor: Actor, id: string, action: 'pack:read' | 'pack:write') {
    const pack = await packsRepo.findById(ctx.db, id);
    if (!pack) throw new NotFound('Pack');
    authorize(actor, action, { creatorId: pack.creatorId });
    return pack;
  }

  /** A new pack or code belongs to a creator that exists: admins may name any id. */
  async function creatorForWrite(actor: Actor, creatorId: string) {
    authorize(actor, 'pack:write', { creatorId });
    if (!(await creatorsRepo.findById(ctx.db, creatorId))) throw new NotFound('Creator');
  }

  async function conversationInScope(actor: Actor, id: string, action: 'offer:create' | 'conversation:read') {
    const conversation = await conversationsRepo.findById(ctx.db, id);
    if (!conversation) throw new NotFound('Conversation');
    authorize(actor, action, { creatorId: conversation.creatorId });
    return conversation;
  }

  return {
    async listPacks(actor: Actor, creatorId: string) {
      authorize(actor, 'pack:read', { creatorId });
      return (await packsRepo.listByCreator(ctx.db, creatorId)).map(presentPack);
    },

    async createPack(actor: Actor, creatorId: string, body: CreatePackBody) {
      await creatorForWrite(actor, creatorId);
      await packMedia.check(creatorId, body.media);
      const { price, ...rest } = body;
      const pack = await ctx.db.transaction(async (tx) => {
        const created = await packsRepo.create(tx, { ...rest, creatorId, priceCents: toCents(price) });
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'pack.create',
          creatorId,
          targetType: 'pack',
          targetId: created.id,
        });
        return created;
      });
      return presentPack(pack);
    },

    async getPack(actor: Actor, id: string) {
      return presentPack(await packInScope(actor, id, 'pack:read'));
    },

    async updatePack(actor: Actor, id: string, body: Partial<CreatePackBody>) {
      const current = await packInScope(actor, id, 'pack:write');
      await packMedia.check(current.creatorId, body.media);
      const { price, ...rest } = body;
      const pack = await ctx.db.transaction(async (tx) => {
        const updated = await packsRepo.update(tx, id, {
          ...rest,
          ...(price !== undefined ? { priceCents: toCents(price) } : {}),
        });
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'pack.update',
          creatorId: current.creatorId,
          targetType: 'pack',
          targetId: id,
          data: { fields: Object.keys(body) },
        });
        return updated;
      });
      if (!pack) throw new NotFound('Pack');
      return presentPack(pack);
    },

    async deletePack(actor: Actor, id: string) {
      const current = await packInScope(actor, id, 'pack:write');
      const outcome = await packsRepo.deleteUnused(ctx.db, id);
      if (outcome === 'in_use') {
        throw new Conflict('This pack was offered to fans; deactivate it instead (PATCH {"active": false})');
      }
      await auditRepo.record(ctx.db, {
        actorId: actor.id,
        action: 'pack.delete',
        creatorId: current.creatorId,
        targetType: 'pack',
        targetId: id,
      });
    },

    async listPromos(actor: Actor, creatorId: string) {
      authorize(actor, 'pack:write', { creatorId });
      return (await promoCodesRepo.listByCreator(ctx.db, creatorId)).map(presentPromo);
    },

    async createPromo(actor: Actor, creatorId: string, body: CreatePromoBody) {
      await creatorForWrite(actor, creatorId);
      const promo = await promoCodesRepo.create(ctx.db, {
        creatorId,
        code: body.code,
        kind: body.kind,
        value: body.kind === 'fixed' ? toCents(body.value) : Math.round(body.value),
        expiresAt: body.expiresAt ? new Date(body.expiresAt) : null,
        maxUses: body.maxUses,
        maxUsesPerFan: body.maxUsesPerFan,
        active: body.active,
      });
      if (!promo) throw new Conflict(`The code ${body.code.toUpperCase()} already exists for this creator`);
      await auditRepo.record(ctx.db, {
        actorId: actor.id,
        action: 'promo.create',
        creatorId,
        targetType: 'promo_code',
        targetId: promo.id,
      });
      return presentPromo(promo);
    },

    async updatePromo(
      actor: Actor,
      id: string,
      body: { active?: boolean; expiresAt?: string | null; maxUses?: number | null },
    ) {
      const promo = await promoCodesRepo.findById(ctx.db, id);
      if (!promo) throw new NotFound('Promo code');
      authorize(actor, 'pack:write', { creatorId: promo.creatorId });
      const updated = await promoCodesRepo.update(ctx.db, id, {
        ...(body.active !== undefined ? { active: body.active } : {}),
        ...(body.expiresAt !== undefined
          ? { expiresAt: body.expiresAt ? new Date(body.expiresAt) : null }
          : {}),
        ...(body.maxUses !== undefined ? { maxUses: body.maxUses } : {}),
      });
      return presentPromo(updated!);
    },

    /** An operator offers a pack from the inbox: same rules as the AI's offers, plus the payment request. */
    async createOffer(actor: Actor, conversationId: string, body: { packId: string; promoCode?: string }) {
      const conversation = await conversationInScope(actor, conversationId, 'offer:create');
      const [pack, fan, account] = await Promise.all([
        packsRepo.findById(ctx.db, body.packId),
        fansRepo.findById(ctx.db, conversation.fanId),
        accountsRepo.findById(ctx.db, conversation.accountId),
      ]);
      if (!pack || pack.creatorId !== conversation.creatorId)
        throw new Invalid('packId: not a pack of this creator');
      if (!pack.active) throw new Conflict('This pack is inactive');
      if (!fan || !account) throw new NotFound('Conversation');
      if (pack.platforms.length > 0 && !pack.platforms.includes(account.platform)) {
        throw new Conflict(`This pack is not sold on ${account.platform}`);
      }
      // Humans are held to the same gates as the AI.
      if (fan.minorSignalAt) throw new Conflict('A minor signal stops all selling to this fan');
      if (fan.optedOutAt) throw new Conflict('This fan opted out of automated messages and offers');
      const connector = deps.connectors.get(account.platform);
      const capabilities = connector?.capabilities;
      if (!capabilities) throw new Conflict(`${account.platform} cannot take offers yet`);
      const gated = !capabilities.verifiesAge && !fan.ageVerifiedAt;
      if (gated) throw new Conflict('This fan has not confirmed being 18 or older yet');
      let promo: PromoCodeRecord | undefined;
      if (body.promoCode) {
        promo = await promoCodesRepo.findByCode(ctx.db, conversation.creatorId, body.promoCode);
        if (!promo) throw new Invalid(`promoCode: no code ${body.promoCode.toUpperCase()} for this creator`);
        const refusal = promoRefusal(
          promo,
          ctx.now(),
          await promoCodesRepo.usesByFan(ctx.db, promo.id, fan.id),
        );
        if (refusal)
          throw new Conflict(`The code ${promo.code} cannot be used: ${refusal.replace('_', ' ')}`);
      }
      const lang = replyLanguage(undefined, fan.language);
      const effects = collectEffects(conversation.creatorId, conversation.id);
      const opened = await ctx.db.transaction(async (tx) => {
        const result = await openOffer(
          tx,
          sales,
          {
            creatorId: conversation.creatorId,
            conversationId: conversation.id,
            fanId: fan.id,
            pack,
            offeredBy: 'human',
            offeredByUserId: actor.id,
            promo,
          },
          effects,
        );
        // The platform's own price rules (a paid message's range): refused here, rolled back.
        const refusal = connector?.refusesOffer?.({
          priceCents: result.offer.priceCents,
          currency: result.offer.currency,
          mediaCount: pack.media.length,
        });
        if (refusal) throw new Conflict(refusal);
        await stagePaymentRequest(
          tx,
          sales,
          {
            offer: result.offer,
            pack,
            conversationId: conversation.id,
            accountId: account.id,
            packSales: capabilities.packSales,
            lang,
            key: `human:${ctx.now().getTime()}`,
          },
          effects,
        );
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'offer.create',
          creatorId: conversation.creatorId,
          conversationId: conversation.id,
          targetType: 'offer',
          targetId: result.offer.id,
          data: { packId: pack.id, created: result.created },
        });
        return result;
      });
      await announce(effects);
      const named = await offersRepo.findWithPack(ctx.db, opened.offer.id);
      return {
        offer: presentOffer(named!, named!),
        created: opened.created,
        ...(capabilities.packSales.kind === 'checkout_link' && pack.checkoutUrl
          ? {
              checkoutUrl: checkoutUrl(
                pack.checkoutUrl,
                createCheckoutToken(ctx.secrets.checkoutKey, opened.offer.id, opened.offer.expiresAt),
              ),
            }
          : {}),
      };
    },

    async cancelOffer(actor: Actor, offerId: string) {
      const offer = await offersRepo.findById(ctx.db, offerId);
      if (!offer) throw new NotFound('Offer');
      authorize(actor, 'offer:create', { creatorId: offer.creatorId });
      if (offer.status !== 'open') throw new Conflict(`This offer is already ${offer.status}`);
      const effects = collectEffects(offer.creatorId, offer.conversationId);
      await ctx.db.transaction(async (tx) => {
        await cancelOffer(tx, sales, offer.id, 'cancelled_by_operator', effects);
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'offer.cancel',
          creatorId: offer.creatorId,
          conversationId: offer.conversationId,
          targetType: 'offer',
          targetId: offer.id,
        });
      });
      await announce(effects);
    },

    /** Offers, purchases and follow-ups of one conversation, for the inbox's fan panel. */
    async conversationSales(actor: Actor, conversationId: string) {
      const conversation = await conversationInScope(actor, conversationId, 'conversation:read');
      const [offers, purchases, followUps] = await Promise.all([
        offersRepo.listByConversation(ctx.db, conversation.id),
        purchasesRepo.listByFan(ctx.db, conversation.fanId),
        followUpsRepo.listByConversation(ctx.db, conversation.id),
      ]);
      return {
        offers: offers.map((o) => presentOffer(o, o)),
        purchases: purchases.map(({ purchase, packName }) => ({
          id: purchase.id,
          offerId: purchase.offerId,
          packId: purchase.packId,
          packName,
          amountCents: purchase.amountCents,
          currency: purchase.currency,
          provider: purchase.provider,
          deliveredAt: purchase.deliveredAt?.toISOString() ?? null,
          refundedAt: purchase.refundedAt?.toISOString() ?? null,
          refundKind: purchase.refundKind ?? null,
          createdAt: purchase.createdAt.toISOString(),
        })),
        followUps: followUps.map(presentFollowUp),
      };
    },

    async cancelFollowUp(actor: Actor, followUpId: string) {
      const row = await followUpsRepo.findById(ctx.db, followUpId);
      if (!row) throw new NotFound('Follow-up');
      authorize(actor, 'followup:cancel', { creatorId: row.creatorId });
      if (row.status !== 'pending') throw new Conflict(`This follow-up is already ${row.status}`);
      const effects = collectEffects(row.creatorId, row.conversationId);
      await ctx.db.transaction(async (tx) => {
        effects.followUps.push(
          ...(await followUpsRepo.cancelPending(tx, { id: row.id }, 'cancelled_by_operator', ctx.now())),
        );
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'followup.cancel',
          creatorId: row.creatorId,
          conversationId: row.conversationId,
          targetType: 'follow_up',
          targetId: row.id,
          data: { kind: row.kind, reason: 'cancelled_by_operator' },
        });
      });
      if (effects.followUps.length === 0) throw new Conflict('This follow-up is no longer pending');
      await announce(effects);
    },

    async metrics(actor: Actor, query: { creatorId?: string; by: SalesGroup; from?: string; to?: string }) {
      if (query.creatorId) authorize(actor, 'sales:read', { creatorId: query.creatorId });
      else if (actor.role !== 'admin') authorize(actor, 'metrics:read');
      const to = query.to ? new Date(query.to) : ctx.now();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 24 * 3600 * 1000);
      if (from >= to) throw new Invalid('from must be before to');
      const creatorIds = query.creatorId
        ? [query.creatorId]
        : actor.role === 'admin'
          ? undefined
          : actor.creatorIds;
      const rows = await salesMetricsRepo.summary(ctx.db, { by: query.by, creatorIds, from, to });
      const offers = rows.reduce((n, r) => n + r.offers, 0);
      const purchases = rows.reduce((n, r) => n + r.purchases, 0);
      return {
        by: query.by,
        from: from.toISOString(),
        to: to.toISOString(),
        totals: { offers, purchases, conversion: offers ? purchases / offers : null },
        rows,
      };
    },
  };
}

export type SalesService = ReturnType<typeof createSalesService>;
