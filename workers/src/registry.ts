import type { Job as BullJob } from 'bullmq';
import type { JobData, JobName } from '@velvet/shared';
import type { WorkerContext } from './context';
import { createDraftGenerate } from './jobs/draft.job';
import { createPushNotify } from './push/push.job';
import { createInboundProcess } from './jobs/inbound.job';
import { createOutboundSend } from './jobs/outbound.job';
import { createFollowUpSend } from './jobs/followup.job';
import { createPostPublish } from './jobs/publish.job';
import { createReelCheck } from './jobs/reel-check.job';
import { createAnalyticsCollect } from './jobs/analytics.job';
import { createAutoLike } from './jobs/auto-like.job';
import { createMemoryEmbed, createMemoryForget } from './jobs/memory.job';
import { createSatisfactionAsk } from './jobs/satisfaction.job';
import { withOutboxBookkeeping } from './job-runner';
import { SendLimiter } from './send-limiter';

export type Handler<N extends JobName> = (job: BullJob<JobData<N>>, token?: string) => Promise<void>;

/**
 * Exactly one handler per job name: TypeScript refuses a missing or extra one. Each runs
 * inside the runner's outbox bookkeeping.
 */
export function createHandlers(ctx: WorkerContext): { [N in JobName]: Handler<N> } {
  const limiter = new SendLimiter(ctx.connection, ctx.redisPrefix);
  const run = <N extends JobName>(handler: Handler<N>) => withOutboxBookkeeping(ctx, handler);
  return {
    'inbound.process': run(createInboundProcess(ctx)),
    'outbound.send': run(createOutboundSend(ctx, limiter)),
    'draft.generate': run(createDraftGenerate(ctx)),
    'followup.send': run(createFollowUpSend(ctx)),
    'push.notify': run(createPushNotify(ctx)),
    'post.publish': run(createPostPublish(ctx)),
    'planner.reel_check': run(createReelCheck(ctx)),
    'analytics.collect': run(createAnalyticsCollect(ctx)),
    'interactions.auto_like': run(createAutoLike(ctx)),
    'memory.embed': run(createMemoryEmbed(ctx)),
    'memory.forget': run(createMemoryForget(ctx)),
    'satisfaction.ask': run(createSatisfactionAsk(ctx)),
  };
}
