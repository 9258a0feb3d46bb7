import { DelayedError, type Job as BullJob } from 'bullmq';
import {
  accountsRepo,
  auditRepo,
  collectEffects,
  conversationsRepo,
  creatorsRepo,
  fansRepo,
  flushEffects,
  replyLanguage,
  SATISFACTION_INTERVAL_MS,
  satisfactionEnabled,
  satisfactionQuestion,
  satisfactionRepo,
  stageOutbound,
  type ConversationRecord,
  type CreatorRecord,
  type FanRecord,
  type JobData,
  type SatisfactionRecord,
} from '@velvet/shared';
import type { WorkerContext } from '../context';
import { creatorQuietUntil } from '../safety/quiet-hours';

/**
 * A due satisfaction question: sent only if nothing has made it unwelcome since it was planned
 * (the creator turned it off, the fan opted out, was flagged or muted, is not age-confirmed
 * where the platform does not check, a person holds the conversation, or the fan was asked this
 * month already). Quiet hours postpone it; platform limits apply in `outbound.send`.
 */
export function createSatisfactionAsk(ctx: WorkerContext) {
  return async function satisfactionAsk(
    job: BullJob<JobData<'satisfaction.ask'>>,
    token?: string,
  ): Promise<void> {
    const row = await satisfactionRepo.findById(ctx.db, job.data.surveyId);
    if (!row || row.status !== 'pending') return;
    if (row.dueAt.getTime() > Date.now() + 1000 && token) {
      await job.moveToDelayed(row.dueAt.getTime(), token);
      throw new DelayedError();
    }
    const [conversation, fan, creator] = await Promise.all([
      conversationsRepo.findById(ctx.db, row.conversationId),
      fansRepo.findById(ctx.db, row.fanId),
      creatorsRepo.findById(ctx.db, row.creatorId),
    ]);
    const account = conversation && (await accountsRepo.findById(ctx.db, conversation.accountId));
    if (!conversation || !fan || !creator || !account) return cancel(ctx, row, 'gone');
    // A disconnected account cannot send: nothing to ask through it.
    if (account.status !== 'active') return cancel(ctx, row, 'account_inactive');
    const connector = ctx.connectors.get(account.platform);
    const reason = await whyNot(ctx, row, {
      conversation,
      fan,
      creator,
      verifiesAge: connector?.capabilities.verifiesAge ?? false,
    });
    if (reason) return cancel(ctx, row, reason);

    const quietUntil = creatorQuietUntil(creator, ctx.config.safety.quiet_hours, ctx.now());
    if (quietUntil && token) {
      await satisfactionRepo.postpone(ctx.db, row.id, quietUntil);
      await job.moveToDelayed(quietUntil.getTime(), token);
      throw new DelayedError();
    }

    const lang = replyLanguage(undefined, fan.language);
    const question = satisfactionQuestion(
      ctx.config,
      creator,
      lang,
      connector?.capabilities.buttons ?? false,
    );
    const effects = collectEffects(row.creatorId, row.conversationId);
    await ctx.db.transaction(async (tx) => {
      const staged = await stageOutbound(
        tx,
        {
          conversationId: conversation.id,
          accountId: conversation.accountId,
          direction: 'out',
          sender: 'bot',
          text: question.text,
          keyboard: question.keyboard,
          raw: { origin: 'satisfaction', surveyId: row.id },
          idempotencyKey: `satisfaction:${row.id}`,
        },
        ctx.now(),
      );
      if (await satisfactionRepo.markSent(tx, row.id, staged.message.id, ctx.now())) {
        effects.outbound.push(staged);
        await auditRepo.automation(tx, {
          action: 'satisfaction.ask',
          creatorId: row.creatorId,
          conversationId: row.conversationId,
          targetType: 'satisfaction',
          targetId: row.id,
          data: { trigger: row.trigger, messageId: staged.message.id },
        });
      }
    });
    await flushEffects(ctx, effects);
  };
}

async function cancel(ctx: WorkerContext, row: SatisfactionRecord, reason: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const cancelled = await satisfactionRepo.cancel(tx, row.id, reason, ctx.now());
    if (cancelled) {
      await auditRepo.automation(tx, {
        action: 'satisfaction.cancel',
        creatorId: row.creatorId,
        conversationId: row.conversationId,
        targetType: 'satisfaction',
        targetId: row.id,
        data: { trigger: row.trigger, reason },
      });
    }
  });
}

async function whyNot(
  ctx: WorkerContext,
  row: SatisfactionRecord,
  state: { conversation: ConversationRecord; fan: FanRecord; creator: CreatorRecord; verifiesAge: boolean },
): Promise<string | undefined> {
  const { conversation, fan, creator } = state;
  if (!satisfactionEnabled(creator)) return creator.archivedAt ? 'archived' : 'disabled';
  if (fan.erasedAt) return 'erased';
  if (fan.minorSignalAt) return 'minor_signal';
  if (fan.optedOutAt) return 'opted_out';
  if (fan.mutedAt) return 'muted';
  if (conversation.status === 'escalated') return 'escalated';
  if (conversation.status === 'closed') return 'resolved';
  if (conversation.status !== 'bot') return 'human_handling';
  // Where the platform does not check age, only a fan who confirmed 18+ is asked anything.
  if (!state.verifiesAge && !fan.ageVerifiedAt) return 'age_unverified';
  const since = new Date(ctx.now().getTime() - SATISFACTION_INTERVAL_MS);
  if (await satisfactionRepo.askedSince(ctx.db, fan.id, since, row.id)) return 'monthly_cap';
  return undefined;
}
