import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { ApprovalsService } from './approvals.service';
import { draftStatsQuery, listDraftsQuery } from './drafts.schema';

/** `GET /api/drafts` (approval cards in scope), `/api/drafts/stats`, `/api/drafts/:id`. */
export function draftsRoutes(approvals: ApprovalsService): Router {
  const router = Router();
  router.get('/drafts', async (req, res) => {
    const query = parseBody(listDraftsQuery, req.query);
    res.json(await approvals.list(actorOf(req), query));
  });
  router.get('/drafts/stats', async (req, res) => {
    const { since } = parseBody(draftStatsQuery, req.query);
    const start = since ? new Date(since) : new Date(Date.now() - 86_400_000);
    res.json(await approvals.stats(actorOf(req), start));
  });
  router.get('/drafts/:id', async (req, res) => {
    res.json(await approvals.get(actorOf(req), parseId(req.params.id, 'Draft')));
  });
  return router;
}
