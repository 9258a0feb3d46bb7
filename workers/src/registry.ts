import type { Job as BullJob } from 'bullmq';
import type { JobData, JobName } from '@velvet/shared';
import type { WorkerContext } from './context';
import { createDraftGenerate } from './jobs/draft.job';
import { createPushNotify } from './push/push.job';
import { createInboundProcess } from './jobs/inbound.job';
import { createOutboundSend } from './jobs/outbound.job';
import { createFollowUpSend } from './jobs/followup.job';
import { SendLimiter } from './send-limiter';

export type Handler<N extends JobName> = (job: BullJob<JobData<N>>, token?: string) => Promise<void>;

/** Exactly one handler per job name: TypeScript refuses a missing or extra one. */
export function createHandlers(ctx: WorkerContext): { [N in JobName]: Handler<N> } {
  const limiter = new SendLimiter(ctx.connection, ctx.redisPrefix);
  return {
    'inbound.process': createInboundProcess(ctx),
    'outbound.send': createOutboundSend(ctx, limiter),
    'draft.generate': createDraftGenerate(ctx),
    'followup.send': createFollowUpSend(ctx),
    'push.notify': createPushNotify(ctx),
  };
}
