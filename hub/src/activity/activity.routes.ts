import { Router } from 'express';
import { activityQuery } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { authorize } from '../http/authorize';
import { parseBody } from '../http/validate';
import type { createActivityService } from './activity.service';

/** `GET /api/activity`, and `GET /api/audit` (the contract's name for the same log). */
export function activityRoutes(activity: ReturnType<typeof createActivityService>): Router {
  const router = Router();
  for (const path of ['/activity', '/audit']) {
    router.get(path, async (req, res) => {
      const actor = actorOf(req);
      // Refused before the query is read: someone who may not read the log learns nothing from it.
      authorize(actor, 'audit:read');
      const query = parseBody(activityQuery, req.query);
      res.setHeader('Cache-Control', 'no-store');
      res.json(await activity.list(actor, query));
    });
  }
  return router;
}
