import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import { listConversationsQuery, listMessagesQuery } from './conversations.schema';
import type { ConversationsService } from './conversations.service';

export function conversationsRoutes(conversations: ConversationsService): Router {
  const router = Router();

  router.get('/conversations', async (req, res) => {
    const actor = actorOf(req);
    res.json(await conversations.list(actor, parseBody(listConversationsQuery, req.query)));
  });

  router.get('/conversations/:id', async (req, res) => {
    res.json(await conversations.detail(actorOf(req), parseId(req.params.id, 'Conversation')));
  });

  router.post('/conversations/:id/read', async (req, res) => {
    await conversations.markRead(actorOf(req), parseId(req.params.id, 'Conversation'));
    res.status(204).end();
  });

  /** A person says the fan is under 18: selling stops until an admin clears it. */
  router.post('/conversations/:id/mark-minor', async (req, res) => {
    await conversations.markMinor(actorOf(req), parseId(req.params.id, 'Conversation'));
    res.status(204).end();
  });

  router.post('/messages/:id/retry', async (req, res) => {
    res.status(201).json(await conversations.retry(actorOf(req), parseId(req.params.id, 'Message')));
  });

  router.get('/conversations/:id/messages', async (req, res) => {
    const actor = actorOf(req);
    const id = parseId(req.params.id, 'Conversation');
    res.json(await conversations.messages(actor, id, parseBody(listMessagesQuery, req.query)));
  });

  return router;
}
