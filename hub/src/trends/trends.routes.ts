import { Router } from 'express';
import { creatorTrendsQuery } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { TrendsService } from './trends.service';

export function trendsRoutes(trends: TrendsService): Router {
  const router = Router();
  router.get('/creators/:id/trends', async (req, res) => {
    res.json(
      await trends.forCreator(
        actorOf(req),
        parseId(req.params.id, 'Creator'),
        parseBody(creatorTrendsQuery, req.query),
      ),
    );
  });
  return router;
}
