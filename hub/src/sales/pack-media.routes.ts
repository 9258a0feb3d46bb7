import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { actorOf } from '../auth/authenticate';
import { receiveOneFile } from '../http/multipart';
import { parseId } from '../http/validate';
import { MAX_PACK_VIDEO_BYTES, type PackMediaService } from './pack-media.service';

export function packMediaRoutes(packMedia: PackMediaService): Router {
  const router = Router();

  router.post('/creators/:id/pack-media', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    const dir = await packMedia.incomingDir(actorOf(req), creatorId);
    const upload = await receiveOneFile(req, { dir, maxBytes: MAX_PACK_VIDEO_BYTES, fieldNames: [] });
    res.status(201).json(await packMedia.keep(creatorId, upload));
  });

  router.get('/creators/:id/pack-media/:file', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    const file = await packMedia.open(actorOf(req), creatorId, req.params.file);
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Length', String(file.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    await pipeline(file.body, res).catch((error: unknown) => {
      req.log?.warn({ err: error }, 'pack media stream ended early');
      res.destroy();
    });
  });

  return router;
}
