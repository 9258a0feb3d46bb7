import { Router } from 'express';
import { createUserBody, updateUserBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { UsersService } from './users.service';

export function usersRoutes(users: UsersService): Router {
  const router = Router();

  router.post('/users', async (req, res) => {
    const body = parseBody(createUserBody, req.body);
    res.status(201).json(await users.create(actorOf(req), body));
  });

  router.get('/users', async (req, res) => {
    res.json({ users: await users.list(actorOf(req)) });
  });

  router.patch('/users/:id', async (req, res) => {
    const body = parseBody(updateUserBody, req.body);
    res.json(await users.update(actorOf(req), parseId(req.params.id, 'User'), body));
  });

  return router;
}
