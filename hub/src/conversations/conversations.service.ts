import { randomUUID } from 'node:crypto';
import {
  auditRepo,
  conversationsRepo,
  can,
  draftsRepo,
  accountsRepo,
  Conflict,
  Invalid,
  messagesRepo,
  NotFound,
  presentMessage,
  stageOutbound,
  collectEffects,
  flushEffects,
  usersRepo,
  type Action,
  type Actor,
  type MessageAttachment,
  salesContext,
  creatorsRepo,
  disclosureText,
  draftPreview,
  fansRepo,
  followUpsRepo,
  offersRepo,
  packsRepo,
  type DraftRecord,
  type ConversationRecord,
  type Effects,
  type ConversationState,
  type DraftRetiredReason,
  type ConversationStatus,
  type InboxPublisher,
  type OutboxRelay,
  planSatisfaction,
} from '@velvet/shared';
import type { Connectors } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';
import { announceRetired, retireDrafts } from '../drafts/retire';
import {
  decodeCursor,
  encodeCursor,
  presentAbilities,
  presentConversation,
  presentDraft,
} from './conversations.presenter';
import type { ListConversationsQuery, ListMessagesQuery } from './conversations.schema';

export interface ConversationDeps {
  relay: OutboxRelay;
  publisher: InboxPublisher;
  connectors: Connectors;
}

export function createConversationsService(ctx: HubContext, deps: ConversationDeps) {
  const { db } = ctx;

  async function load(actor: Actor, id: string, action: Action): Promise<ConversationRecord> {
    const conversation = await conversationsRepo.findById(db, id);
    if (!conversation) throw new NotFound('Conversation');
    authorize(actor, action, { creatorId: conversation.creatorId });
    return conversation;
  }

  const sales = salesContext(ctx);

  /** What the fan will receive with a waiting draft besides its text (see `draftPreview`). */
  async function previewOf(draft: DraftRecord) {
    const conversation = await conversationsRepo.findById(db, draft.conversationId);
    if (!conversation) return undefined;
    const [creator, fan, account, offer] = await Promise.all([
      creatorsRepo.findById(db, conversation.creatorId),
      fansRepo.findById(db, conversation.fanId),
      accountsRepo.findById(db, conversation.accountId),
      draft.offerId ? offersRepo.findById(db, draft.offerId) : undefined,
    ]);
    const pack = offer ? await packsRepo.findById(db, offer.packId) : undefined;
    return draftPreview({
      disclosure: creator && fan ? disclosureText(creator, fan, ctx.config.safety) : undefined,
      offer,
      pack,
      packSales: account ? deps.connectors.get(account.platform)?.capabilities.packSales : undefined,
    });
  }

  /**
   * A person changes who handles the conversation. With `retire`, the AI drafts still waiting
   * give way in the same transaction: nothing approvable is left behind the person's decision.
   */
  async function changeState(
    actor: Actor,
    conversation: ConversationRecord,
    state: ConversationState & { status: ConversationStatus },
    action: string,
    retire?: DraftRetiredReason,
  ) {
    const effects = collectEffects(conversation.creatorId, conversation.id);
    const { updated, retired } = await db.transaction(async (tx) => {
      // Any state but resolved is open again.
      const updated = await conversationsRepo.setState(
        tx,
        conversation.id,
        state.status === 'closed' ? state : { resolvedAt: null, ...state },
      );
      const retired = retire ? await retireDrafts(tx, sales, conversation.id, effects) : [];
      // Resolved: nothing automated follows it (a fan message reopens the conversation).
      if (state.status === 'closed') {
        effects.followUps.push(
          ...(await followUpsRepo.cancelPending(
            tx,
            { conversationId: conversation.id },
            'resolved',
            ctx.now(),
          )),
        );
      }
      // A person handled it and hands it back: the fan may rate the exchange (monthly cap).
      if (
        state.status === 'bot' &&
        (conversation.status === 'human' || conversation.status === 'escalated')
      ) {
        await planSatisfaction(
          tx,
          ctx,
          {
            trigger: 'handled',
            creatorId: conversation.creatorId,
            conversationId: conversation.id,
            fanId: conversation.fanId,
            userId: conversation.assignedTo ?? actor.id,
          },
          effects,
        );
      }
      await auditRepo.record(tx, {
        actorId: actor.id,
        action,
        creatorId: conversation.creatorId,
        conversationId: conversation.id,
        targetType: 'conversation',
        targetId: conversation.id,
        data: {
          from: { status: conversation.status, assignedTo: conversation.assignedTo },
          to: state,
          ...(retired.length > 0 ? { retiredDrafts: retired } : {}),
        },
      });
      return { updated: updated!, retired };
    });
    await announceState(updated, effects, retire && { drafts: retired, reason: retire });
    return updated;
  }

  /** After commit: the effects, the conversation's new state, then the drafts it retired. */
  async function announceState(
    updated: ConversationRecord,
    effects: Effects,
    retired: { drafts: string[]; reason: DraftRetiredReason } | undefined,
  ) {
    const target = { creatorId: updated.creatorId, conversationId: updated.id };
    await flushEffects({ ...deps, db }, effects);
    await deps.publisher.emit(target, 'conversation:update', {
      conversationId: updated.id,
      status: updated.status,
      assignedTo: updated.assignedTo,
      snoozedUntil: updated.snoozedUntil?.toISOString() ?? null,
      escalationReason: updated.escalationReason,
    });
    if (retired) await announceRetired(ctx, deps.publisher, target, retired.drafts, retired.reason);
  }

  return {
    /**
     * The creator was archived: nothing automated goes out for it any more, so its drafts
     * still being written or waiting for a person are withdrawn. Returns how many went.
     */
    async retireArchived(creatorId: string): Promise<number> {
      let count = 0;
      for (const conversationId of await draftsRepo.conversationsWaiting(db, creatorId)) {
        const effects = collectEffects(creatorId, conversationId);
        const retired = await db.transaction((tx) => retireDrafts(tx, sales, conversationId, effects));
        await flushEffects({ ...deps, db }, effects);
        await announceRetired(ctx, deps.publisher, { creatorId, conversationId }, retired, 'archived');
        count += retired.length;
      }
      return count;
    },

    load,

    async list(actor: Actor, query: ListConversationsQuery) {
      authorize(actor, 'creator:list');
      if (query.creatorId) authorize(actor, 'conversation:read', { creatorId: query.creatorId });
      const before = query.cursor ? decodeCursor(query.cursor) : undefined;
      if (query.cursor && !before) throw new Invalid('cursor: is not a cursor this server issued');
      const rows = await conversationsRepo.list(db, {
        creatorIds: actor.role === 'admin' ? undefined : actor.creatorIds,
        creatorId: query.creatorId,
        platform: query.platform,
        search: query.q || undefined,
        status: query.status,
        view: query.view,
        assignedTo: query.assigned === 'me' ? actor.id : query.assigned === 'none' ? null : query.assigned,
        unread: query.unread === undefined ? undefined : query.unread === 'true',
        before,
        limit: query.limit,
      });
      const last = rows.at(-1);
      return {
        conversations: rows.map(presentConversation),
        nextCursor: rows.length === query.limit && last ? encodeCursor(last.lastMessageAt, last.id) : null,
      };
    },

    /** One conversation as the list shows it, with the draft waiting on an operator. */
    async detail(actor: Actor, conversationId: string) {
      await load(actor, conversationId, 'conversation:read');
      const [row] = await conversationsRepo.list(db, { id: conversationId, limit: 1 });
      if (!row) throw new NotFound('Conversation');
      const draft = await draftsRepo.current(db, conversationId);
      const preview = draft && draft.status !== 'drafting' ? await previewOf(draft) : undefined;
      return {
        conversation: presentConversation(row),
        draft: draft ? { ...presentDraft(draft), ...(preview ? { preview } : {}) } : null,
        abilities: presentAbilities(actor, row),
      };
    },

    /**
     * Sends a failed (or unconfirmed) reply again as a new message; the old one is marked
     * `retried`. Keyed on the failed message, so a double click sends one copy.
     */
    async retry(actor: Actor, messageId: string) {
      const failed = await messagesRepo.findById(db, messageId);
      if (!failed || failed.direction !== 'out') throw new NotFound('Message');
      const conversation = await load(actor, failed.conversationId, 'conversation:reply');
      if (failed.status !== 'failed' && failed.status !== 'unconfirmed') {
        throw new Conflict('Only a failed or unconfirmed message can be sent again');
      }
      const staged = await db.transaction(async (tx) => {
        const result = await stageOutbound(
          tx,
          {
            conversationId: conversation.id,
            accountId: conversation.accountId,
            direction: 'out',
            sender: failed.sender,
            text: failed.text,
            keyboard: failed.keyboard,
            attachments: failed.attachments,
            kind: failed.kind,
            offerId: failed.offerId,
            raw: failed.raw,
            authorId: actor.id,
            idempotencyKey: `retry:${failed.id}`,
          },
          ctx.now(),
        );
        if (result.outbox) {
          await messagesRepo.markRetried(tx, failed.id);
          await auditRepo.record(tx, {
            actorId: actor.id,
            action: 'message.retry',
            creatorId: conversation.creatorId,
            conversationId: conversation.id,
            targetType: 'message',
            targetId: result.message.id,
            data: { conversationId: conversation.id, retryOf: failed.id },
          });
        }
        return result;
      });
      await flushEffects(
        { ...deps, db },
        {
          ...collectEffects(conversation.creatorId, conversation.id),
          outbound: [staged],
        },
      );
      return { messageId: staged.message.id };
    },

    /**
     * The operator opened the conversation: its unread count is cleared for everyone, and
     * other inboxes are told so only when there was something to clear.
     */
    async markRead(actor: Actor, conversationId: string) {
      const conversation = await load(actor, conversationId, 'conversation:read');
      if (conversation.unreadCount === 0) return;
      await conversationsRepo.markRead(db, conversation.id);
      await deps.publisher.emit(
        { creatorId: conversation.creatorId, conversationId: conversation.id },
        'conversation:update',
        {
          conversationId: conversation.id,
          status: conversation.status,
          assignedTo: conversation.assignedTo,
        },
      );
    },

    async messages(actor: Actor, conversationId: string, query: ListMessagesQuery) {
      await load(actor, conversationId, 'conversation:read');
      const after = query.cursor ? decodeCursor(query.cursor) : undefined;
      if (query.cursor && !after) throw new Invalid('cursor: is not a cursor this server issued');
      const rows = await messagesRepo.listByConversation(db, conversationId, { after, limit: query.limit });
      const last = rows.at(-1);
      return {
        messages: rows.map(presentMessage),
        nextCursor: rows.length === query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
      };
    },

    /**
     * A human reply, typed or with a file: stored and queued in one transaction, sent by the
     * outbound worker. `created` is false when the client's key was used before (a retry).
     */
    async reply(
      actor: Actor,
      input: {
        conversationId: string;
        text: string;
        clientMessageId?: string;
        attachments?: MessageAttachment[];
      },
    ): Promise<{ messageId: string; created: boolean }> {
      const conversation = await load(actor, input.conversationId, 'conversation:reply');
      const account = await accountsRepo.findById(db, conversation.accountId);
      // Said now, not as a failed delivery later: the operator keeps the typed text.
      if (account?.status !== 'active') {
        throw new Conflict(
          account?.status === 'needs_attention'
            ? 'This account needs attention (its platform session expired): reconnect it to reply'
            : 'This account is disconnected: reconnect it to reply',
        );
      }
      const now = ctx.now();
      const idempotencyKey = input.clientMessageId
        ? `human:${actor.id}:${input.clientMessageId}`
        : `human:${randomUUID()}`;
      const effects = collectEffects(conversation.creatorId, conversation.id);
      const staged = await db.transaction(async (tx) => {
        const result = await stageOutbound(
          tx,
          {
            conversationId: conversation.id,
            accountId: conversation.accountId,
            direction: 'out',
            sender: 'human',
            text: input.text,
            ...(input.attachments ? { attachments: input.attachments } : {}),
            authorId: actor.id,
            idempotencyKey,
          },
          now,
        );
        // The person answered: the AI's pending suggestion must not follow their words.
        const retired = result.outbox ? await retireDrafts(tx, sales, conversation.id, effects) : [];
        if (result.outbox) {
          await auditRepo.record(tx, {
            actorId: actor.id,
            action: 'message.send',
            creatorId: conversation.creatorId,
            conversationId: conversation.id,
            targetType: 'message',
            targetId: result.message.id,
            data: {
              conversationId: conversation.id,
              ...(input.attachments
                ? {
                    attachments: input.attachments.map(({ kind, mimeType, size }) => ({
                      kind,
                      mimeType,
                      size,
                    })),
                  }
                : {}),
            },
          });
        }
        return { result, retired };
      });
      effects.outbound.push(staged.result);
      await flushEffects({ ...deps, db }, effects);
      await announceRetired(
        ctx,
        deps.publisher,
        { creatorId: conversation.creatorId, conversationId: conversation.id },
        staged.retired,
        'human_replied',
      );
      return { messageId: staged.result.message.id, created: staged.result.outbox !== undefined };
    },

    async assign(actor: Actor, input: { conversationId: string; userId?: string }) {
      const conversation = await load(actor, input.conversationId, 'conversation:assign');
      const assignee = input.userId ?? actor.id;
      if (assignee !== actor.id) {
        authorize(actor, 'conversation:assign_others', { creatorId: conversation.creatorId });
        const user = await usersRepo.findById(db, assignee);
        if (!user || user.disabledAt) throw new Invalid('userId: no such user');
        if (!can(user, 'conversation:reply', { creatorId: conversation.creatorId })) {
          throw new Invalid('userId: this user does not work for this creator');
        }
      }
      const status = conversation.status === 'escalated' ? 'escalated' : 'human';
      return changeState(
        actor,
        conversation,
        { status, assignedTo: assignee },
        'conversation.assign',
        'assigned',
      );
    },

    async escalate(actor: Actor, input: { conversationId: string }) {
      const conversation = await load(actor, input.conversationId, 'conversation:escalate');
      return changeState(
        actor,
        conversation,
        {
          status: 'escalated',
          assignedTo: conversation.assignedTo,
          // Escalated already (by a rule, a minor signal): that reason still says why.
          ...(conversation.status === 'escalated' ? {} : { escalationReason: 'manual' as const }),
        },
        'conversation.escalate',
        'escalated',
      );
    },

    /** Hands the conversation back to the bot and clears the assignee. */
    async release(actor: Actor, input: { conversationId: string }) {
      const conversation = await load(actor, input.conversationId, 'conversation:release');
      return changeState(
        actor,
        conversation,
        { status: 'bot', assignedTo: null, resolvedAt: null, snoozedUntil: null },
        'conversation.release',
      );
    },

    /** Done for now: the pending draft and follow-ups stop; the fan's next message reopens it. */
    async resolve(actor: Actor, input: { conversationId: string }) {
      const conversation = await load(actor, input.conversationId, 'conversation:resolve');
      if (conversation.status === 'closed') return conversation;
      return changeState(
        actor,
        conversation,
        { status: 'closed', assignedTo: conversation.assignedTo, resolvedAt: ctx.now(), snoozedUntil: null },
        'conversation.resolve',
        'resolved',
      );
    },

    /** Back in the open inbox: with its assignee if it has one, else with the AI. */
    async reopen(actor: Actor, input: { conversationId: string }) {
      const conversation = await load(actor, input.conversationId, 'conversation:resolve');
      const status =
        conversation.status === 'closed' ? (conversation.assignedTo ? 'human' : 'bot') : conversation.status;
      return changeState(
        actor,
        conversation,
        { status, assignedTo: conversation.assignedTo, resolvedAt: null, snoozedUntil: null },
        'conversation.reopen',
      );
    },

    /**
     * A person decides the fan is under 18 (after an uncertain hint, or on their own): the
     * same stop as a clear signal — selling ends, offers and follow-ups are withdrawn, the
     * AI's drafts retire, the conversation stays with people — until an admin clears it.
     */
    async markMinor(actor: Actor, conversationId: string) {
      const conversation = await load(actor, conversationId, 'fan:mark_minor');
      const fan = await fansRepo.findById(db, conversation.fanId);
      if (!fan) throw new NotFound('Fan');
      if (fan.minorSignalAt) return;
      const now = ctx.now();
      const effects = collectEffects(conversation.creatorId, conversation.id);
      const { retired, updated } = await db.transaction(async (tx) => {
        await fansRepo.updateSafety(tx, fan.id, { minorSignalAt: now });
        effects.offers.push(...(await offersRepo.cancelOpenForFan(tx, fan.id, now)));
        effects.followUps.push(
          ...(await followUpsRepo.cancelPending(tx, { fanId: fan.id }, 'minor_signal', now)),
        );
        const retired = await retireDrafts(tx, sales, conversation.id, effects);
        const updated = await conversationsRepo.setState(tx, conversation.id, {
          status: 'escalated',
          escalationReason: 'minor_signal',
          resolvedAt: null,
          snoozedUntil: null,
        });
        await auditRepo.record(tx, {
          actorId: actor.id,
          action: 'fan.mark_minor',
          creatorId: conversation.creatorId,
          conversationId: conversation.id,
          targetType: 'fan',
          targetId: fan.id,
          data: { conversationId: conversation.id },
        });
        return { retired, updated: updated! };
      });
      await announceState(updated, effects, { drafts: retired, reason: 'escalated' });
    },

    /** Out of the open inbox until `until`, or until the fan writes. */
    async snooze(actor: Actor, input: { conversationId: string; until: string }) {
      const conversation = await load(actor, input.conversationId, 'conversation:resolve');
      if (conversation.status === 'closed')
        throw new Conflict('This conversation is resolved: reopen it first');
      return changeState(
        actor,
        conversation,
        {
          status: conversation.status,
          assignedTo: conversation.assignedTo,
          snoozedUntil: new Date(input.until),
        },
        'conversation.snooze',
      );
    },
  };
}

export type ConversationsService = ReturnType<typeof createConversationsService>;
