import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { toPrometheus, type createMetricsService } from './metrics.service';

/**
 * `GET /api/metrics` (JSON, dashboard) and `GET /metrics` (Prometheus), for admins and managers;
 * `/metrics` also for Prometheus with the scrape token (every creator, as an admin sees it).
 */
export function metricsRoutes(metrics: ReturnType<typeof createMetricsService>) {
  const api = Router();
  api.get('/metrics', async (req, res) => {
    res.json(await metrics.read(actorOf(req)));
  });
  const prometheus = Router();
  prometheus.get('/', async (req, res) => {
    const snapshot = res.locals.scrape === true ? await metrics.snapshot() : await metrics.read(actorOf(req));
    res.type('text/plain; version=0.0.4').send(toPrometheus(snapshot));
  });
  return { api, prometheus };
}
