import { Router } from 'express';
import { analyticsQuery, bestPostsQuery } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { parseBody } from '../http/validate';
import type { AnalyticsService } from './analytics.service';

/** `GET /api/analytics/*`: one creator's figures or the caller's whole scope. */
export function analyticsRoutes(analytics: AnalyticsService): Router {
  const router = Router();
  router.get('/analytics/overview', async (req, res) => {
    res.json(await analytics.overview(actorOf(req), parseBody(analyticsQuery, req.query)));
  });
  router.get('/analytics/best-posts', async (req, res) => {
    res.json(await analytics.bestPosts(actorOf(req), parseBody(bestPostsQuery, req.query)));
  });
  router.get('/analytics/best-times', async (req, res) => {
    res.json(await analytics.bestTimes(actorOf(req), parseBody(analyticsQuery, req.query)));
  });
  router.get('/analytics/hashtags', async (req, res) => {
    res.json(await analytics.hashtags(actorOf(req), parseBody(analyticsQuery, req.query)));
  });
  router.get('/analytics/content-types', async (req, res) => {
    res.json(await analytics.contentTypes(actorOf(req), parseBody(analyticsQuery, req.query)));
  });
  router.get('/analytics/market', async (req, res) => {
    res.json(await analytics.market(actorOf(req), parseBody(analyticsQuery, req.query)));
  });
  router.get('/analytics/export', async (req, res) => {
    const csv = await analytics.exportCsv(actorOf(req), parseBody(analyticsQuery, req.query));
    res
      .type('text/csv; charset=utf-8')
      .attachment(`velvet-analytics-${new Date().toISOString().slice(0, 10)}.csv`)
      .send(csv);
  });
  return router;
}
