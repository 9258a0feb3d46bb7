import { Router } from 'express';
import {
  createPostBody,
  patchPostBody,
  postListQuery,
  postSearchQuery,
  schedulePostBody,
  unschedulePostBody,
} from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody, parseId } from '../http/validate';
import type { PostsService } from './posts.service';

export function postsRoutes(posts: PostsService): Router {
  const router = Router();

  router.get('/creators/:id/posts', async (req, res) => {
    res.json(
      await posts.list(actorOf(req), parseId(req.params.id, 'Creator'), parseBody(postListQuery, req.query)),
    );
  });
  router.get('/posts', async (req, res) => {
    const { creatorId, status, ...query } = parseBody(postSearchQuery, req.query);
    res.json(await posts.list(actorOf(req), creatorId, { ...query, state: status }));
  });
  router.post('/creators/:id/posts', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    res.status(201).json(await posts.create(actorOf(req), creatorId, parseBody(createPostBody, req.body)));
  });
  router.get('/posts/:id', async (req, res) => {
    res.json(await posts.get(actorOf(req), parseId(req.params.id, 'Post')));
  });
  router.patch('/posts/:id', async (req, res) => {
    res.json(
      await posts.update(actorOf(req), parseId(req.params.id, 'Post'), parseBody(patchPostBody, req.body)),
    );
  });
  router.post('/posts/:id/schedule', async (req, res) => {
    res.json(
      await posts.schedule(
        actorOf(req),
        parseId(req.params.id, 'Post'),
        parseBody(schedulePostBody, req.body),
      ),
    );
  });
  router.post('/posts/:id/unschedule', async (req, res) => {
    const { accountIds } = parseBody(unschedulePostBody, req.body);
    res.json(await posts.unschedule(actorOf(req), parseId(req.params.id, 'Post'), accountIds));
  });
  router.post('/posts/:id/cancel', async (req, res) => {
    const { accountIds } = parseBody(unschedulePostBody, req.body);
    res.json(await posts.cancel(actorOf(req), parseId(req.params.id, 'Post'), accountIds));
  });
  router.delete('/posts/:id', async (req, res) => {
    await posts.remove(actorOf(req), parseId(req.params.id, 'Post'));
    res.status(204).end();
  });

  return router;
}
