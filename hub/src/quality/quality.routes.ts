import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody } from '../http/validate';
import { qualityQuery } from './quality.schema';
import type { QualityService } from './quality.service';

export function qualityRoutes(quality: QualityService): Router {
  const router = Router();
  router.get('/quality', async (req, res) => {
    res.json(await quality.get(actorOf(req), parseBody(qualityQuery, req.query)));
  });
  return router;
}
