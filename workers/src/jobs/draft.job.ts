import type { Job as BullJob } from 'bullmq';
import { draftsRepo, enqueue, flushEffects, type JobData, type OfferRecord } from '@velvet/shared';
import type { WorkerContext } from '../context';
import { outboxRowOf } from '../job-runner';
import { loadDraftScene, pitchFor, type DraftScene } from './draft.context';
import { finishDraft } from './draft.finish';
import { streamReply } from './draft.stream';

/**
 * Drafts a reply with the intent's model, streaming it to the inbox in ~25 ms chunks, then
 * validates it and applies the send policy: auto-send, hold for approval, or block. When
 * Ollama cannot answer the intent's template stands in (`generated_by: fallback`). A newer
 * fan message aborts the stream; that message's own job drafts with both in context.
 */
export function createDraftGenerate(ctx: WorkerContext) {
  return async function draftGenerate(job: BullJob<JobData<'draft.generate'>>): Promise<void> {
    const { messageId, selling } = job.data;
    const scene = await loadDraftScene(ctx, messageId);
    // Archived since the fan wrote: no AI draft for it.
    if (!scene || scene.creator.archivedAt) return;
    const pitch = await pitchFor(ctx, scene, selling);
    const draft = await startDraft(ctx, scene, pitch.offer);
    const queueWaitMs = Math.max(0, Date.now() - job.timestamp);
    const reply = await streamReply(ctx, scene, { draftId: draft.id, facts: pitch.facts, queueWaitMs });
    // Aborted by a newer fan message, whose own job takes over.
    if (!reply) return;
    await finishDraft(ctx, scene, draft.id, reply, pitch, selling, outboxRowOf(job));
    // Then, in the background, the thread so far goes into the fan's vector memory.
    if (ctx.memory.enabled) {
      await enqueue(ctx.queues, { name: 'memory.embed', data: { messageId } }).catch((error: unknown) =>
        ctx.logger.warn({ err: error, messageId }, 'could not queue the memory job'),
      );
    }
  };
}

/** The draft row, with the offer it presents announced, then `draft:start` to the inbox. */
async function startDraft(ctx: WorkerContext, scene: DraftScene, offer: OfferRecord | undefined) {
  const { message, conversation, model, intent, effects } = scene;
  const draft = await draftsRepo.start(ctx.db, {
    conversationId: conversation.id,
    messageId: message.id,
    model: model.name,
    intent,
    template: intent,
    intentConfidence: message.intentConfidence,
    offerId: offer?.id,
    experimentId: scene.experiment?.id,
    variant: scene.experiment?.variant,
  });
  await flushEffects(ctx, effects);
  // Announced now; the flush after commit must not announce the offer again.
  effects.offers.length = 0;
  await ctx.publisher.emit(scene.target, 'draft:start', {
    draftId: draft.id,
    conversationId: conversation.id,
    messageId: message.id,
    model: model.name,
  });
  return draft;
}
