import { createHash } from 'node:crypto';
import type { Job as BullJob } from 'bullmq';
import { messageSceneRepo, messagesRepo, type FanRecord, type JobData } from '@velvet/shared';
import { sentences, type MemoryEntry } from '@velvet/llm';
import type { WorkerContext } from '../context';
import type { Handler } from '../registry';

const ALERT_EVERY_MS = 10 * 60_000;

/**
 * Stores the conversation's recent messages (up to the job's message) and the operators'
 * notes, one sentence each, as vectors of the fan. What is stored already is skipped; notes
 * no longer written are dropped. An erased fan's vectors are never (re)written.
 */
export function createMemoryEmbed(ctx: WorkerContext): Handler<'memory.embed'> {
  return async function memoryEmbed(job: BullJob<JobData<'memory.embed'>>): Promise<void> {
    if (!ctx.memory.enabled) return;
    const scene = await messageSceneRepo.load(ctx.db, job.data.messageId);
    if (!scene || scene.fan.erasedAt) return;
    const { conversation, fan } = scene;
    const history = await messagesRepo.recent(ctx.db, conversation.id, ctx.config.drafting.history);
    const messages: MemoryEntry[] = history
      .filter((m) => m.text.trim() && m.createdAt <= scene.message.createdAt)
      .map((m) => ({
        id: m.id,
        creatorId: conversation.creatorId,
        fanId: fan.id,
        from: m.direction === 'in' ? 'fan' : 'creator',
        text: m.text,
        at: m.createdAt,
      }));
    const notes = noteEntries(fan, conversation.creatorId, ctx.now());
    const [stored, factIds] = await Promise.all([
      ctx.memory.stored([...messages, ...notes].map((e) => e.id)),
      ctx.memory.facts(fan.id),
    ]);
    const written = new Set(notes.map((n) => n.id));
    await ctx.memory.delete(factIds.filter((id) => !written.has(id)));
    await ctx.memory.remember([...messages, ...notes].filter((e) => !stored.has(e.id)));
    // Erased while this ran: the erasure's own job may have come first.
    const row = await messageSceneRepo.load(ctx.db, job.data.messageId);
    if (!row || row.fan.erasedAt) await ctx.memory.forget(fan.id);
  };
}

/** Deletes every vector of an erased fan; retried by BullMQ while the store is unreachable. */
export function createMemoryForget(ctx: WorkerContext): Handler<'memory.forget'> {
  return async function memoryForget(job: BullJob<JobData<'memory.forget'>>): Promise<void> {
    if (!ctx.memory.enabled) return;
    const removed = await ctx.memory.forget(job.data.fanId);
    ctx.logger.info({ fanId: job.data.fanId, vectors: removed }, 'erased fan forgotten by the vector memory');
  };
}

/** The operators' notes, one entry per sentence, with ids from their text (an edit makes new ones). */
function noteEntries(fan: FanRecord, creatorId: string, now: Date): MemoryEntry[] {
  const seen = new Set<string>();
  return sentences(fan.notes).flatMap((text) => {
    const id = `fact-${fan.id}-${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    if (seen.has(id)) return [];
    seen.add(id);
    return [{ id, creatorId, fanId: fan.id, from: 'fact' as const, text, at: now }];
  });
}

/**
 * The memory could not answer in time: one warning alert for every worker per ten minutes,
 * so a Chroma that is down does not flood supervisors; drafting goes on without memories.
 */
export async function alertMemoryDown(
  ctx: WorkerContext,
  target: { creatorId: string; conversationId: string },
  reason: string,
): Promise<void> {
  const key = `${ctx.redisPrefix}:alert:memory`;
  const first = await ctx.connection.set(key, reason, 'PX', ALERT_EVERY_MS, 'NX');
  if (first !== 'OK') return;
  await ctx.publisher.emit(target, 'alert', {
    kind: 'memory_down',
    severity: 'warning',
    message: `The conversation memory could not answer (${reason}); drafts are written without past conversations until it is back.`,
    creatorId: target.creatorId,
    conversationId: target.conversationId,
    at: ctx.now().toISOString(),
  });
}
