import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { parseId } from '../http/validate';
import type { FanRightsService } from './fan-rights.service';

/** A fan's access and erasure requests (GDPR arts. 15 and 17), answered by an admin. */
export function fanRightsRoutes(rights: FanRightsService): Router {
  const router = Router();

  router.get('/fans/:id/export', async (req, res) => {
    const archive = await rights.prepareExport(actorOf(req), parseId(req.params.id, 'Fan'), req.ip);
    res.status(200);
    res.setHeader('Content-Type', 'application/gzip');
    res.setHeader('Content-Disposition', `attachment; filename="${archive.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    await archive.write(res).catch((error: unknown) => {
      req.log?.warn({ err: error }, 'fan export ended early');
      res.destroy();
    });
  });

  router.post('/fans/:id/erase', async (req, res) => {
    res.json(await rights.erase(actorOf(req), parseId(req.params.id, 'Fan'), req.body, req.ip));
  });

  return router;
}
