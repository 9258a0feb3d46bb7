import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import { savedRepliesQuery, savedReplyCreateBody, savedReplyUpdateBody } from './saved-replies.schema';
import type { SavedRepliesService } from './saved-replies.service';

export function savedRepliesRoutes(replies: SavedRepliesService): Router {
  const router = Router();
  router.get('/saved-replies', async (req, res) => {
    res.json(await replies.list(actorOf(req), parseBody(savedRepliesQuery, req.query).creatorId));
  });
  router.post('/saved-replies', async (req, res) => {
    res.status(201).json(await replies.create(actorOf(req), parseBody(savedReplyCreateBody, req.body)));
  });
  router.patch('/saved-replies/:id', async (req, res) => {
    const id = parseId(req.params.id, 'Saved reply');
    res.json(await replies.update(actorOf(req), id, parseBody(savedReplyUpdateBody, req.body)));
  });
  router.delete('/saved-replies/:id', async (req, res) => {
    await replies.remove(actorOf(req), parseId(req.params.id, 'Saved reply'));
    res.status(204).end();
  });
  router.get('/conversations/:id/saved-replies', async (req, res) => {
    res.json(await replies.forConversation(actorOf(req), parseId(req.params.id, 'Conversation')));
  });
  return router;
}
