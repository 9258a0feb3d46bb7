import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody } from '../http/validate';
import { satisfactionQuery } from './satisfaction.schema';
import type { SatisfactionService } from './satisfaction.service';

export function satisfactionRoutes(satisfaction: SatisfactionService): Router {
  const router = Router();
  router.get('/satisfaction', async (req, res) => {
    res.json(await satisfaction.get(actorOf(req), parseBody(satisfactionQuery, req.query)));
  });
  return router;
}
