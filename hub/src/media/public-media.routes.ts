import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { AppError, checkMediaSignature, mediaRepo, MEDIA_URL_PATH, NotFound } from '@velvet/shared';
import type { HubContext } from '../context';
import { parseId } from '../http/validate';
import type { MediaStore } from '@velvet/shared';

/** A genuine address whose time is over: the platform must be handed a new one. */
class Gone extends AppError {
  constructor() {
    super(410, 'expired', 'This media address has expired');
  }
}

/**
 * `GET /public/media/:id?expires&signature`: a library file for a platform that fetches media
 * itself (Instagram). No sign-in; only an address the workers signed for this item, before it
 * expires. Forged or missing signature → 403, expired → 410, nothing else is revealed.
 */
export function publicMediaRoutes(ctx: HubContext, store: MediaStore): Router {
  const router = Router();
  router.get(`${MEDIA_URL_PATH}/:id`, async (req, res) => {
    const id = req.params.id;
    const verdict = checkMediaSignature(ctx.secrets.mediaUrlKey, id, req.query, ctx.now());
    if (verdict === 'forged') throw new AppError(403, 'bad_signature', 'This media address is not valid');
    if (verdict === 'expired') throw new Gone();
    const asset = await mediaRepo.findById(ctx.db, parseId(id, 'Media'));
    if (!asset) throw new NotFound('Media');
    const opened = await store.open(asset.storageKey);
    res.status(200);
    res.setHeader('Content-Type', asset.mime);
    res.setHeader('Content-Length', String(opened.size));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, no-store');
    await pipeline(opened.body, res).catch(() => res.destroy());
  });
  return router;
}
