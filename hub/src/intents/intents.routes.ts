import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import { classifyBody, correctIntentBody } from './intents.schema';
import type { IntentsService } from './intents.service';

export function intentsRoutes(intents: IntentsService): Router {
  const router = Router();

  router.post('/intents/classify', (req, res) => {
    actorOf(req);
    const body = parseBody(classifyBody, req.body);
    res.json(intents.classify(body.text, body.lang));
  });

  router.post('/messages/:id/intent', async (req, res) => {
    const actor = actorOf(req);
    const id = parseId(req.params.id, 'Message');
    const body = parseBody(correctIntentBody, req.body);
    res.json(await intents.correct(actor, id, body.intent));
  });

  router.get('/intents/corrections', async (req, res) => {
    const lines = await intents.exportCorrections(actorOf(req));
    res.type('application/x-ndjson').send(lines ? `${lines}\n` : '');
  });

  return router;
}
