import type { Job as BullJob } from 'bullmq';
import type { Queues } from '@velvet/shared';

/** The jobs of an erased fan, by the ids `jobOptions` gives them. */
export interface ErasedRefs {
  messageIds: readonly string[];
  draftIds: readonly string[];
  followUpIds: readonly string[];
}

/**
 * Removes the fan's jobs from every queue, whatever their state: waiting work must not
 * act on an erased conversation, and kept jobs must not outlive it. A job running right
 * now is locked and stays; it finds the rows already anonymised.
 */
export async function forgetJobs(queues: Queues, refs: ErasedRefs): Promise<number> {
  const byQueue: [keyof Queues, string[]][] = [
    ['inbound.process', [...refs.messageIds]],
    ['outbound.send', [...refs.messageIds]],
    ['draft.generate', refs.messageIds.map((id) => `draft-${id}`)],
    ['push.notify', refs.draftIds.map((id) => `push-draft-${id}`)],
    ['followup.send', refs.followUpIds.map((id) => `followup-${id}`)],
    ['memory.embed', refs.messageIds.map((id) => `memory-${id}`)],
  ];
  let removed = 0;
  for (const [name, ids] of byQueue) {
    const queue = queues[name];
    const found = await Promise.all(ids.map((id) => queue.getJob(id)));
    removed += await removeAll(found);
  }
  // A fan's edits are separate inbound jobs (`<messageId>:edit:<ms>`).
  const messages = new Set(refs.messageIds);
  if (messages.size > 0) {
    const inbound = await queues['inbound.process'].getJobs(
      ['wait', 'delayed', 'prioritized', 'failed', 'completed'],
      0,
      -1,
    );
    removed += await removeAll(
      inbound.filter((job) => job?.data?.edit !== undefined && messages.has(job.data.messageId)),
    );
  }
  return removed;
}

async function removeAll(jobs: (BullJob | undefined)[]): Promise<number> {
  let removed = 0;
  for (const job of jobs) {
    if (!job) continue;
    try {
      await job.remove();
      removed++;
    } catch {
      // Locked by a worker: it is running now and finds the anonymised rows.
    }
  }
  return removed;
}
