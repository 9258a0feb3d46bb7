import { Router, type Request, type Response } from 'express';
import { acceptPlanBody, planWeekBody, plannerRulesBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { PlannerService } from './planner.service';

type Handler = (req: Request<{ id: string }>, res: Response) => Promise<void>;

export function plannerRoutes(planner: PlannerService): Router {
  const router = Router();

  const getRules: Handler = async (req, res) => {
    res.json(await planner.get(actorOf(req), parseId(req.params.id, 'Creator')));
  };
  const putRules: Handler = async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.json(await planner.put(actorOf(req), creatorId, parseBody(plannerRulesBody, req.body)));
  };
  router.get('/creators/:id/planner', getRules);
  router.put('/creators/:id/planner', putRules);
  // The contract's name for the same rules.
  router.get('/creators/:id/schedule-rules', getRules);
  router.put('/creators/:id/schedule-rules', putRules);
  router.get('/creators/:id/planner/best-times', async (req, res) => {
    res.json(await planner.bestTimes(actorOf(req), parseId(req.params.id, 'Creator')));
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
