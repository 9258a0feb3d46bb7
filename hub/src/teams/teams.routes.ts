import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { TeamsService } from './teams.service';
import { handAssignBody, shiftBody, teamBody } from './teams.schema';

export function teamsRoutes(teams: TeamsService): Router {
  const router = Router();
  router.get('/creators/:id/assignment', async (req, res) => {
    res.json(await teams.getTeam(actorOf(req), parseId(req.params.id, 'Creator')));
  });
  router.put('/creators/:id/assignment', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.json(await teams.putTeam(actorOf(req), creatorId, parseBody(teamBody, req.body)));
  });
  router.get('/me/shift', async (req, res) => {
    res.json(await teams.getShift(actorOf(req)));
  });
  router.put('/me/shift', async (req, res) => {
    res.json(await teams.putShift(actorOf(req), parseBody(shiftBody, req.body)));
  });
  router.get('/assignment/queue', async (req, res) => {
    res.json(await teams.queue(actorOf(req)));
  });
  router.put('/assignment/conversations/:id', async (req, res) => {
    const conversationId = parseId(req.params.id, 'Conversation');
    res.json(await teams.assignByHand(actorOf(req), conversationId, parseBody(handAssignBody, req.body)));
  });
  return router;
}
