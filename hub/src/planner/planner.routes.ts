import { Router } from 'express';
import { acceptPlanBody, planWeekBody, plannerRulesBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { PlannerService } from './planner.service';

export function plannerRoutes(planner: PlannerService): Router {
  const router = Router();

  router.get('/creators/:id/planner', async (req, res) => {
    res.json(await planner.get(actorOf(req), parseId(req.params.id, 'Creator')));
  });
  router.put('/creators/:id/planner', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.json(await planner.put(actorOf(req), creatorId, parseBody(plannerRulesBody, req.body)));
  });
  router.post('/creators/:id/plan', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.json(await planner.plan(actorOf(req), creatorId, parseBody(planWeekBody, req.body)));
  });
  router.post('/creators/:id/plan/accept', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.json(await planner.accept(actorOf(req), creatorId, parseBody(acceptPlanBody, req.body)));
  });

  return router;
}
