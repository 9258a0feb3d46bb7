import { Router } from 'express';
import { z } from 'zod';
import { markNotificationsBody, notificationsQuery, pushPreferencesBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody } from '../http/validate';
import type { createNotificationsService } from './notifications.service';

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

/** The signed-in person's notifications (the bell) and which kinds reach them as web push. */
export function notificationsRoutes(notifications: ReturnType<typeof createNotificationsService>): Router {
  const router = Router();

  router.get('/notifications', async (req, res) => {
    const query = parseBody(notificationsQuery, req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await notifications.list(actorOf(req), query));
  });

  router.post('/notifications/read', async (req, res) => {
    res.json(await notifications.markRead(actorOf(req), parseBody(markNotificationsBody, req.body)));
  });

  router.post('/notifications/:id/ack', async (req, res) => {
    const { id } = parseBody(idParams, { id: req.params.id });
    res.json(await notifications.acknowledge(actorOf(req), id));
  });

  router.get('/notifications/preferences', async (req, res) => {
    res.json(await notifications.preferences(actorOf(req)));
  });

  router.put('/notifications/preferences', async (req, res) => {
    const { push } = parseBody(pushPreferencesBody, req.body);
    res.json(await notifications.setPreferences(actorOf(req), push));
  });

  return router;
}
