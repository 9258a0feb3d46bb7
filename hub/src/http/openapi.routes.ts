import { Router } from 'express';
import type { OpenApiDocument } from './openapi';
import { renderApiReference } from './openapi.page';

/** `GET /api/openapi.json` and its reference page `GET /api/docs`, public (shapes, no data). */
export function openApiRoutes(document: () => OpenApiDocument): Router {
  const router = Router();
  let page: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(document());
  });
  router.get('/docs', (_req, res) => {
    page ??= renderApiReference(document());
    // Nothing on the page runs or loads from elsewhere.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'");
    res.set('Cache-Control', 'no-cache').type('html').send(page);
  });
  return router;
}
