import { Router } from 'express';
import { createAccountBody, type CreateAccountBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { AccountsService } from './accounts.service';

export function accountsRoutes(accounts: AccountsService): Router {
  const router = Router();

  router.post('/creators/:id/accounts', async (req, res) => {
    const actor = actorOf(req);
    const creatorId = parseId(req.params.id, 'Creator');
    const body = parseBody(createAccountBody, req.body) as CreateAccountBody;
    res.status(201).json(await accounts.create(actor, creatorId, body));
  });

  router.get('/creators/:id/accounts', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.json({ accounts: await accounts.list(actorOf(req), creatorId) });
  });

  return router;
}
