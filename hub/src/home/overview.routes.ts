import { Router } from 'express';
import { overviewQuery } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody } from '../http/validate';
import type { OverviewService } from './overview.service';

export function overviewRoutes(overview: OverviewService): Router {
  const router = Router();

  router.get('/overview', async (req, res) => {
    res.json(await overview.overview(actorOf(req), parseBody(overviewQuery, req.query)));
  });

  return router;
}
