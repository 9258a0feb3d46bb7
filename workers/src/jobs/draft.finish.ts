import {
  auditRepo,
  conversationsRepo,
  creatorEscalationRules,
  disclosureText,
  draftPreview,
  draftsRepo,
  flushEffects,
  outboxRepo,
  stageOutbound,
  stagePaymentRequest,
  type DraftDonePayload,
  type DraftPreview,
} from '@velvet/shared';
import { validateDraft } from '@velvet/llm';
import type { WorkerContext } from '../context';
import { announceEscalation, escalateConversation } from '../escalation';
import type { JobOutbox } from '../job-runner';
import { notifyApprovers } from '../push/notify-approvers';
import type { DraftPitch, DraftScene } from './draft.context';
import type { DraftReply } from './draft.stream';

/**
 * Validates the reply and applies the send policy (auto-send, hold for approval, or
 * block), commits it with its payment request, then tells the inbox and the approvers.
 */
export async function finishDraft(
  ctx: WorkerContext,
  scene: DraftScene,
  draftId: string,
  reply: DraftReply,
  pitch: DraftPitch,
  selling: boolean,
  outbox: JobOutbox,
): Promise<void> {
  // Escalated first, so the validator reads the new status and holds this third template back.
  await escalateOnFallbacks(ctx, scene, draftId, reply);
  const reasons = await checkReply(ctx, scene, reply.text, pitch, selling);
  const status: DraftDonePayload['status'] = reasons.length
    ? 'blocked'
    : scene.policy === 'auto'
      ? 'auto_sent'
      : 'pending_approval';
  const finished = await commitDraft(ctx, scene, draftId, reply, pitch, { status, reasons }, outbox);
  if (!finished) return;
  await ctx.publisher.emit(scene.target, 'draft:done', {
    draftId,
    conversationId: scene.conversation.id,
    text: reply.text,
    intent: scene.intent,
    status,
    ...(reasons.length ? { reasons } : {}),
    ...previewOf(ctx, scene, pitch, status),
  });
  await notifyApprovers(ctx, { draftId, creatorId: scene.conversation.creatorId, status });
  await flushEffects(ctx, scene.effects);
}

/** Templates answering in a row before a person takes over: the model is failing this fan. */
const FALLBACKS_IN_A_ROW = 3;

/** The third template in a row in this conversation (when the creator keeps the rule on) escalates it. */
async function escalateOnFallbacks(
  ctx: WorkerContext,
  scene: DraftScene,
  draftId: string,
  reply: DraftReply,
) {
  const { conversation, creator, target } = scene;
  if (reply.generatedBy !== 'fallback' || !creatorEscalationRules(creator).fallbacks) return;
  const before = await draftsRepo.recentSources(ctx.db, conversation.id, draftId, FALLBACKS_IN_A_ROW - 1);
  if (before.length < FALLBACKS_IN_A_ROW - 1 || before.some((source) => source !== 'fallback')) return;
  const escalated = await ctx.db.transaction(async (tx) => {
    const current = await conversationsRepo.findById(tx, conversation.id);
    return current ? escalateConversation(tx, current, 'fallbacks') : undefined;
  });
  if (!escalated) return;
  await announceEscalation(
    ctx,
    escalated,
    {
      kind: 'escalation',
      severity: 'warning',
      message: `The model could not answer ${FALLBACKS_IN_A_ROW} times in a row: conversation escalated, automation paused.`,
    },
    target,
  );
}

/** For a draft that waits for a person: what will go out with it. */
function previewOf(
  ctx: WorkerContext,
  scene: DraftScene,
  { offer, pack }: DraftPitch,
  status: DraftDonePayload['status'],
): { preview?: DraftPreview } {
  if (status === 'auto_sent') return {};
  const preview = draftPreview({
    disclosure: disclosureText(scene.creator, scene.fan, ctx.config.safety),
    offer,
    pack,
    packSales: scene.capabilities.packSales,
  });
  return preview ? { preview } : {};
}

/** Why the reply may not go out, if anything: the validator's reasons. */
async function checkReply(
  ctx: WorkerContext,
  scene: DraftScene,
  text: string,
  { catalog, offer, pack }: DraftPitch,
  selling: boolean,
): Promise<string[]> {
  const { conversation, fan, lang } = scene;
  return validateDraft(text, {
    lang,
    selling,
    packs: catalog.map((p) => ({ name: p.name, price: p.priceCents / 100 })),
    ...(offer && pack
      ? { offer: { name: pack.name, prices: [offer.priceCents / 100, offer.listPriceCents / 100] } }
      : {}),
    maxLength: ctx.config.drafting.max_length,
    explicitTerms: ctx.config.validator.explicit_terms,
    conversationStatus:
      (await conversationsRepo.findById(ctx.db, conversation.id))?.status ?? conversation.status,
    optedOut: fan.optedOutAt !== null,
  });
}

/** Commits the draft's outcome; an auto-sent reply is staged with its payment request. */
async function commitDraft(
  ctx: WorkerContext,
  scene: DraftScene,
  draftId: string,
  { text, generatedBy, timings }: DraftReply,
  { offer, pack }: DraftPitch,
  { status, reasons }: { status: DraftDonePayload['status']; reasons: string[] },
  outbox: JobOutbox,
) {
  const { message, conversation, capabilities, lang, effects } = scene;
  const update = { text, status, reasons, generatedBy, timings };
  // Nothing else to write with a draft that waits or is blocked: one statement, the job's
  // outbox row marked in it.
  if (status !== 'auto_sent') {
    const finished = await draftsRepo.finishSettling(ctx.db, draftId, update, {
      id: outbox.id,
      at: ctx.now(),
    });
    outbox.settled();
    return finished;
  }
  return ctx.db.transaction(async (tx) => {
    const finished = await draftsRepo.finish(tx, draftId, update);
    if (outbox.id !== null) {
      await outboxRepo.markProcessed(tx, outbox.id, ctx.now());
      outbox.settled();
    }
    const sent =
      finished && status === 'auto_sent'
        ? await stageOutbound(
            tx,
            {
              conversationId: conversation.id,
              accountId: message.accountId,
              direction: 'out',
              sender: 'bot',
              text,
              raw: { origin: 'draft', draftId, approvedBy: 'policy' },
              // Keyed on the fan message: a re-run's second draft can never auto-send a second reply.
              idempotencyKey: `draft-reply:${message.id}`,
            },
            ctx.now(),
          )
        : undefined;
    // The reply first, then its payment request: the fan reads them in that order.
    if (sent) effects.outbound.push(sent);
    if (sent?.outbox) {
      await auditRepo.automation(tx, {
        action: 'draft.auto_send',
        creatorId: conversation.creatorId,
        conversationId: conversation.id,
        targetType: 'draft',
        targetId: draftId,
        data: { intent: scene.intent, messageId: sent.message.id, generatedBy },
      });
    }
    if (sent?.outbox && offer && pack) {
      await stagePaymentRequest(
        tx,
        scene.sales,
        {
          offer,
          pack,
          conversationId: conversation.id,
          accountId: message.accountId,
          packSales: capabilities.packSales,
          lang,
          key: draftId,
          after: sent.message.id,
        },
        effects,
      );
    }
    return finished;
  });
}
