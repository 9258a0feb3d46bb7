import { Router } from 'express';
import { previewRetention } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';

const days = (ms: number | null) => (ms === null ? null : Math.round((ms / 86_400_000) * 1000) / 1000);

/** The retention policy in force and what its next run would anonymise. */
export function retentionRoutes(ctx: HubContext): Router {
  const router = Router();

  router.get('/retention/preview', async (req, res) => {
    authorize(actorOf(req), 'retention:read');
    const policy = ctx.config.retention;
    res.json({
      policy: {
        inactiveFanMessagesDays: days(policy.inactive_fan_messages),
        unsentDraftsDays: days(policy.unsent_drafts),
        rawPayloadsDays: days(policy.raw_payloads),
        readNotificationsDays: days(policy.read_notifications),
        everyHours: policy.every / 3_600_000,
      },
      next: await previewRetention(ctx.db, policy, ctx.now()),
    });
  });

  return router;
}
