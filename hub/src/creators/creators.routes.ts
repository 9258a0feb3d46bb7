import { Router } from 'express';
import { createCreatorBody, listCreatorsQuery, patchCreatorBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { CreatorsService } from './creators.service';

export function creatorsRoutes(creators: CreatorsService): Router {
  const router = Router();

  router.post('/creators', async (req, res) => {
    const actor = actorOf(req);
    const body = parseBody(createCreatorBody, req.body);
    res.status(201).json(await creators.create(actor, body));
  });

  router.get('/creators', async (req, res) => {
    const { archived } = parseBody(listCreatorsQuery, req.query, 'query');
    res.json({ creators: await creators.list(actorOf(req), archived) });
  });

  router.get('/automation/defaults', (req, res) => {
    res.json(creators.automationDefaults(actorOf(req)));
  });

  router.post('/creators/:id/archive', async (req, res) => {
    res.json(await creators.archive(actorOf(req), parseId(req.params.id, 'Creator'), true));
  });

  router.post('/creators/:id/unarchive', async (req, res) => {
    res.json(await creators.archive(actorOf(req), parseId(req.params.id, 'Creator'), false));
  });

  router.get('/creators/:id', async (req, res) => {
    res.json(await creators.get(actorOf(req), parseId(req.params.id, 'Creator')));
  });

  router.get('/creators/:id/team', async (req, res) => {
    res.json({ team: await creators.team(actorOf(req), parseId(req.params.id, 'Creator')) });
  });

  router.patch('/creators/:id', async (req, res) => {
    const actor = actorOf(req);
    const id = parseId(req.params.id, 'Creator');
    const body = parseBody(patchCreatorBody, req.body);
    res.json(await creators.update(actor, id, body));
  });

  return router;
}
