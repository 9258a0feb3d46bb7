import { Router } from 'express';
import type { Connectors } from '@velvet/platforms';

/** `GET /api/platforms`: what each platform can do and how an account connects, for the UI. */
export function platformsRoutes(connectors: Connectors): Router {
  const router = Router();
  router.get('/platforms', (_req, res) => {
    res.json({ platforms: connectors.describe() });
  });
  return router;
}
