import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import { experimentCreateBody, experimentsQuery, promoteBody } from './experiments.schema';
import type { ExperimentsService } from './experiments.service';

export function experimentsRoutes(experiments: ExperimentsService): Router {
  const router = Router();
  router.get('/experiments', async (req, res) => {
    res.json(await experiments.list(actorOf(req), parseBody(experimentsQuery, req.query)));
  });
  router.post('/creators/:id/experiments', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res
      .status(201)
      .json(await experiments.create(actorOf(req), creatorId, parseBody(experimentCreateBody, req.body)));
  });
  router.get('/experiments/:id', async (req, res) => {
    res.json(await experiments.get(actorOf(req), parseId(req.params.id, 'Experiment')));
  });
  router.post('/experiments/:id/stop', async (req, res) => {
    res.json(await experiments.stop(actorOf(req), parseId(req.params.id, 'Experiment')));
  });
  router.post('/experiments/:id/promote', async (req, res) => {
    const id = parseId(req.params.id, 'Experiment');
    res.json(await experiments.promote(actorOf(req), id, parseBody(promoteBody, req.body).variant));
  });
  return router;
}
