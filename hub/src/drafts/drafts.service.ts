import {
  AppError,
  auditRepo,
  Conflict,
  conversationsRepo,
  draftsRepo,
  NotFound,
  accountsRepo,
  flushEffects,
  cancelOffer,
  offersRepo,
  packsRepo,
  salesContext,
  collectEffects,
  stageOutbound,
  replyLanguage,
  stagePaymentRequest,
  fansRepo,
  messagesRepo,
  type Db,
  type DraftRecord,
  type Effects,
  type Actor,
  type InboxPublisher,
  type OutboxRelay,
} from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';

/** Humans' decisions on drafts: approve (optionally edited) or reject. */
export function createDraftsService(
  ctx: HubContext,
  deps: { relay: OutboxRelay; publisher: InboxPublisher; connectors: Connectors },
) {
  async function load(actor: Actor, draftId: string) {
    const draft = await draftsRepo.findById(ctx.db, draftId);
    const conversation = draft && (await conversationsRepo.findById(ctx.db, draft.conversationId));
    if (!draft || !conversation) throw new NotFound('Draft');
    authorize(actor, 'draft:decide', { creatorId: conversation.creatorId });
    if (draft.status !== 'pending_approval' && draft.status !== 'blocked') {
      throw new Conflict(`This draft is ${draft.status.replace('_', ' ')}; nothing to decide`);
    }
    return { draft, conversation };
  }

  const sales = salesContext(ctx);

  /** The approved reply presented an offer: its payment request and follow-up go with it. */
  async function presentOffer(
    tx: Db,
    draft: DraftRecord,
    conversation: { id: string; accountId: string; fanId: string },
    effects: Effects,
    replyId: string,
  ) {
    const offer = draft.offerId ? await offersRepo.findById(tx, draft.offerId) : undefined;
    if (!offer || offer.status !== 'open') return;
    const [pack, account, fan, message] = await Promise.all([
      packsRepo.findById(tx, offer.packId),
      accountsRepo.findById(tx, conversation.accountId),
      fansRepo.findById(tx, conversation.fanId),
      messagesRepo.findById(tx, draft.messageId),
    ]);
    const capabilities = account && deps.connectors.get(account.platform)?.capabilities;
    if (!pack || !account || !capabilities) return;
    const lang = replyLanguage(message?.lang, fan?.language);
    await stagePaymentRequest(
      tx,
      sales,
      {
        offer,
        pack,
        conversationId: conversation.id,
        accountId: account.id,
        packSales: capabilities.packSales,
        lang,
        key: draft.id,
        after: replyId,
      },
      effects,
    );
  }

  /** After commit: every open card for this draft (inbox, phones) can go. */
  async function decided(
    actor: Actor,
    draftId: string,
    conversation: { id: string; creatorId: string },
    status: 'approved' | 'rejected',
  ) {
    await deps.publisher.emit(
      { creatorId: conversation.creatorId, conversationId: conversation.id },
      'draft:decided',
      { draftId, conversationId: conversation.id, status, decidedBy: actor.id },
    );
  }

  return {
    /** Sends the draft, or the operator's edit of it, to the fan once; the edit is kept for learning. */
    async approve(actor: Actor, input: { draftId: string; text?: string; sendAnyway?: true }) {
      const { draft, conversation } = await load(actor, input.draftId);
      const text = input.text ?? draft.text;
      const edited = input.text !== undefined && input.text !== draft.text;
      // Held by the checks: never sent by the approve shortcut, only edited or "send anyway".
      if (draft.status === 'blocked' && !edited && !input.sendAnyway) {
        throw new AppError(
          409,
          'draft_held',
          `This draft was held by the checks (${draft.reasons.join(', ')}): edit it, or send it anyway`,
        );
      }
      const effects = collectEffects(conversation.creatorId, conversation.id);
      const sent = await ctx.db.transaction(async (tx) => {
        const decided = await draftsRepo.decide(tx, draft.id, {
          status: 'approved',
          decidedBy: actor.id,
          editedText: edited ? text : null,
        });
        if (!decided) throw new Conflict('Someone else decided on this draft first');
        const staged = await stageOutbound(
          tx,
          {
            conversationId: conversation.id,
            accountId: conversation.accountId,
            direction: 'out',
            sender: 'bot',
            text,
            authorId: actor.id,
            raw: { origin: 'draft', draftId: draft.id, approvedBy: actor.id, edited },
            idempotencyKey: `draft:${draft.id}`,
          },
          ctx.now(),
        );
        // The reply first, then its payment request: the fan reads them in that order.
        effects.outbound.push(staged);
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'draft.approve',
          creatorId: conversation.creatorId,
          conversationId: conversation.id,
          targetType: 'draft',
          targetId: draft.id,
          data: {
            edited,
            messageId: staged.message.id,
            ...(draft.status === 'blocked' ? { held: draft.reasons, sentAnyway: !edited } : {}),
          },
        });
        if (staged.outbox) await presentOffer(tx, draft, conversation, effects, staged.message.id);
        if (draft.offerId) await offersRepo.creditTo(tx, draft.offerId, actor.id);
        return staged;
      });
      await flushEffects({ ...deps, db: ctx.db }, effects);
      await decided(actor, draft.id, conversation, 'approved');
      return { messageId: sent.message.id };
    },

    async reject(actor: Actor, input: { draftId: string; reason?: string }) {
      const { draft, conversation } = await load(actor, input.draftId);
      const effects = collectEffects(conversation.creatorId, conversation.id);
      await ctx.db.transaction(async (tx) => {
        // The offer this draft presented was never shown to the fan.
        if (draft.offerId) await cancelOffer(tx, sales, draft.offerId, 'draft_rejected', effects);
        const decided = await draftsRepo.decide(tx, draft.id, {
          status: 'rejected',
          decidedBy: actor.id,
          rejectReason: input.reason ?? null,
        });
        if (!decided) throw new Conflict('Someone else decided on this draft first');
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'draft.reject',
          creatorId: conversation.creatorId,
          conversationId: conversation.id,
          targetType: 'draft',
          targetId: draft.id,
          data: { reason: input.reason ?? null },
        });
      });
      await decided(actor, draft.id, conversation, 'rejected');
      await flushEffects({ ...deps, db: ctx.db }, effects);
      return {};
    },
  };
}

export type DraftsService = ReturnType<typeof createDraftsService>;
