import { Router } from 'express';
import { calendarQuery } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody } from '../http/validate';
import type { CalendarService } from './calendar.service';

export function calendarRoutes(calendar: CalendarService): Router {
  const router = Router();
  router.get('/calendar', async (req, res) => {
    res.json(await calendar.read(actorOf(req), parseBody(calendarQuery, req.query)));
  });
  return router;
}
