import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody } from '../http/validate';
import { subscribeBody, unsubscribeBody } from './push.schema';
import type { PushService } from './push.service';

/** Web push subscriptions of the signed-in user's devices, and the key to subscribe with. */
export function pushRoutes(push: PushService): Router {
  const router = Router();
  router.get('/push/vapid-public-key', (req, res) => {
    actorOf(req);
    res.json({ publicKey: push.publicKey() });
  });
  router.post('/push/subscriptions', async (req, res) => {
    const body = parseBody(subscribeBody, req.body);
    res.status(201).json(await push.subscribe(actorOf(req), body, req.get('user-agent')));
  });
  router.delete('/push/subscriptions', async (req, res) => {
    const { endpoint } = parseBody(unsubscribeBody, req.body);
    await push.unsubscribe(actorOf(req), endpoint);
    res.status(204).end();
  });
  return router;
}
