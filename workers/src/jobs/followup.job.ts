import { DelayedError, type Job as BullJob } from 'bullmq';
import {
  auditRepo,
  flushEffects,
  conversationsRepo,
  creatorsRepo,
  fansRepo,
  followUpsRepo,
  followUpText,
  offersRepo,
  packsRepo,
  collectEffects,
  creatorAutomationRules,
  messagesRepo,
  notify,
  stageOutbound,
  type FollowUpRecord,
  type JobData,
  replyLanguage,
} from '@velvet/shared';
import type { WorkerContext } from '../context';
import { creatorQuietUntil } from '../safety/quiet-hours';

/**
 * A due follow-up: sent only if nothing has made it unwelcome since it was planned (the
 * fan replied, bought, opted out, was flagged or muted, humans took over, the offer
 * closed, the weekly budget is spent). Quiet hours postpone it; platform limits apply in
 * `outbound.send` like any message.
 */
export function createFollowUpSend(ctx: WorkerContext) {
  return async function followUpSend(job: BullJob<JobData<'followup.send'>>, token?: string): Promise<void> {
    const { followUpId } = job.data;
    const row = await followUpsRepo.findById(ctx.db, followUpId);
    if (!row || row.status !== 'pending') return;
    // Moved earlier or later since this job was enqueued: wait for the row's time.
    if (row.dueAt.getTime() > Date.now() + 1000 && token) {
      await job.moveToDelayed(row.dueAt.getTime(), token);
      throw new DelayedError();
    }

    const [conversation, fan, creator] = await Promise.all([
      conversationsRepo.findById(ctx.db, row.conversationId),
      fansRepo.findById(ctx.db, row.fanId),
      creatorsRepo.findById(ctx.db, row.creatorId),
    ]);
    if (!conversation || !fan || !creator) return;
    const offer = row.offerId ? await offersRepo.findById(ctx.db, row.offerId) : undefined;
    const reason = await whyNot(ctx, row, { conversation, fan, creator, offer });
    if (reason) return cancel(ctx, row, reason);

    const quietUntil = creatorQuietUntil(creator, ctx.config.safety.quiet_hours, ctx.now());
    if (quietUntil && token) {
      await followUpsRepo.postpone(ctx.db, row.id, quietUntil);
      await job.moveToDelayed(quietUntil.getTime(), token);
      throw new DelayedError();
    }

    const pack = row.packId ? await packsRepo.findById(ctx.db, row.packId) : undefined;
    const lang = replyLanguage(undefined, fan.language);
    const text = followUpText(ctx.config, row, pack, offer?.priceCents, lang);
    const effects = collectEffects(row.creatorId, row.conversationId);
    const sent = await ctx.db.transaction(async (tx) => {
      const staged = await stageOutbound(
        tx,
        {
          conversationId: conversation.id,
          accountId: conversation.accountId,
          direction: 'out',
          sender: 'bot',
          text,
          raw: { origin: 'followup', followUpId: row.id },
          idempotencyKey: `followup:${row.id}`,
        },
        ctx.now(),
      );
      if (await followUpsRepo.markSent(tx, row.id, staged.message.id, ctx.now())) {
        effects.followUps.push({ ...row, status: 'sent', messageId: staged.message.id });
        effects.outbound.push(staged);
        await auditRepo.automation(tx, {
          action: 'followup.send',
          creatorId: row.creatorId,
          conversationId: row.conversationId,
          targetType: 'follow_up',
          targetId: row.id,
          data: { kind: row.kind, messageId: staged.message.id },
        });
        return true;
      }
      return false;
    });
    await flushEffects(ctx, effects);
    if (sent) {
      // A notice for the creator's team (a model sees what automation did on their accounts).
      await notify(ctx, {
        kind: 'followup_sent',
        severity: 'info',
        // The fan is named when read, never copied here (an erased fan must not linger).
        message: `Automation sent ${FOLLOW_UP_WORDS[row.kind]}.`,
        creatorId: row.creatorId,
        conversationId: row.conversationId,
      }).catch((error: unknown) => ctx.logger.warn({ err: error }, 'could not store the follow-up notice'));
    }
  };
}

const FOLLOW_UP_WORDS: Record<FollowUpRecord['kind'], string> = {
  offer: 'a reminder of an offer',
  suggestion: 'a suggestion after a purchase',
  thank_you: 'a thank-you',
  welcome: 'the welcome message',
};

async function cancel(ctx: WorkerContext, row: FollowUpRecord, reason: string): Promise<void> {
  const effects = collectEffects(row.creatorId, row.conversationId);
  effects.followUps.push(
    ...(await ctx.db.transaction(async (tx) => {
      const cancelled = await followUpsRepo.cancelPending(tx, { id: row.id }, reason, ctx.now());
      await auditRepo.followUpsCancelled(tx, cancelled);
      return cancelled;
    })),
  );
  await flushEffects(ctx, effects);
}

async function whyNot(
  ctx: WorkerContext,
  row: FollowUpRecord,
  state: {
    conversation: NonNullable<Awaited<ReturnType<typeof conversationsRepo.findById>>>;
    fan: NonNullable<Awaited<ReturnType<typeof fansRepo.findById>>>;
    creator: NonNullable<Awaited<ReturnType<typeof creatorsRepo.findById>>>;
    offer: Awaited<ReturnType<typeof offersRepo.findById>>;
  },
): Promise<string | undefined> {
  const { conversation, fan, creator, offer } = state;
  if (creator.archivedAt) return 'archived';
  if (fan.minorSignalAt) return 'minor_signal';
  if (fan.optedOutAt) return 'opted_out';
  if (fan.mutedAt) return 'muted';
  if (conversation.status === 'escalated') return 'escalated';
  if (conversation.status === 'closed') return 'resolved';
  if (conversation.status !== 'bot') return 'human_handling';
  if (row.kind === 'offer') {
    if (!offer) return 'offer_missing';
    if (offer.status === 'paid') return 'purchased';
    if (offer.status !== 'open' || offer.expiresAt <= ctx.now()) return 'offer_closed';
  }
  if (row.kind !== 'thank_you') {
    // The fan wrote after it was planned: the conversation moved on.
    if (await messagesRepo.fanWroteSince(ctx.db, conversation.id, row.createdAt)) return 'fan_replied';
    if (row.kind === 'welcome') return undefined;
    const budget = creatorAutomationRules(creator, ctx.config).followUpBudgetPerWeek;
    const since = new Date(ctx.now().getTime() - 7 * 24 * 3600 * 1000);
    // Pending ones count too; this one is among them.
    const used = await followUpsRepo.budgetUsed(ctx.db, fan.id, since);
    if (used > budget) return 'budget';
  }
  return undefined;
}
