import { Router } from 'express';
import { createAccountBody, reconnectAccountBody, updateAccountBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { AccountsService } from './accounts.service';

export function accountsRoutes(accounts: AccountsService): Router {
  const router = Router();

  router.post('/creators/:id/accounts', async (req, res) => {
    const actor = actorOf(req);
    const creatorId = parseId(req.params.id, 'Creator');
    const body = parseBody(createAccountBody, req.body);
    res.status(201).json(await accounts.create(actor, creatorId, body));
  });

  router.get('/creators/:id/accounts', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.json({ accounts: await accounts.list(actorOf(req), creatorId) });
  });

  router.patch('/accounts/:id', async (req, res) => {
    const body = parseBody(updateAccountBody, req.body);
    res.json(await accounts.update(actorOf(req), parseId(req.params.id, 'Account'), body));
  });

  router.delete('/accounts/:id', async (req, res) => {
    res.json(await accounts.disconnect(actorOf(req), parseId(req.params.id, 'Account')));
  });

  router.post('/accounts/:id/check', async (req, res) => {
    res.json(await accounts.check(actorOf(req), parseId(req.params.id, 'Account')));
  });

  router.post('/accounts/:id/reconnect', async (req, res) => {
    const body = parseBody(reconnectAccountBody, req.body);
    res.json(await accounts.reconnect(actorOf(req), parseId(req.params.id, 'Account'), body));
  });

  return router;
}
