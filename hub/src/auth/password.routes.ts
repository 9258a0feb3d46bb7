import { Router, type Request } from 'express';
import { changePasswordBody } from '@velvet/shared';
import { parseBody, parseId } from '../http/validate';
import { actorOf } from './authenticate';
import type { ClientMeta } from './auth.service';
import type { PasswordService } from './password.service';

const meta = (req: Request): ClientMeta => ({ ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') });

export function passwordRoutes(passwords: PasswordService): Router {
  const router = Router();

  router.post('/me/password', async (req, res) => {
    const body = parseBody(changePasswordBody, req.body);
    await passwords.change(actorOf(req), body, meta(req));
    res.status(204).end();
  });

  router.post('/users/:id/password-reset', async (req, res) => {
    const result = await passwords.reset(actorOf(req), parseId(req.params.id, 'User'), meta(req));
    res.set('Cache-Control', 'no-store');
    res.status(201).json(result);
  });

  return router;
}
