import { pipeline } from 'node:stream/promises';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { mediaListQuery, mediaUploadQuery, patchMediaBody } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { receiveOneFile } from '../http/multipart';
import { parseBody, parseId } from '../http/validate';
import { MAX_IMAGE_BYTES, MAX_VIDEO_BYTES, type MediaService } from './media.service';

/** `bytes=a-b`, `bytes=a-` or `bytes=-n`, one range only; anything else is the whole file. */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header ?? '');
  if (!match || (!match[1] && !match[2]) || size === 0) return undefined;
  const start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
  const end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  return start <= end && start < size ? { start, end } : undefined;
}

export function mediaRoutes(media: MediaService): Router {
  const router = Router();

  router.get('/creators/:id/media', async (req, res) => {
    res.json(
      await media.list(actorOf(req), parseId(req.params.id, 'Creator'), parseBody(mediaListQuery, req.query)),
    );
  });

  router.post('/creators/:id/media', async (req, res) => {
    const creatorId = parseId(req.params.id, 'Creator');
    const actor = actorOf(req);
    await media.mayUpload(actor, creatorId);
    const upload = await receiveOneFile(req, {
      dir: media.uploadsDir,
      maxBytes: Math.max(MAX_IMAGE_BYTES, MAX_VIDEO_BYTES),
      fieldNames: ['alt'],
    });
    const { media: view, created } = await media.upload(actor, creatorId, upload);
    res.status(created ? 201 : 200).json(view);
  });

  // The contract's name: the creator as a `creatorId` query parameter or a form field before the file.
  router.post('/media', async (req, res) => {
    const actor = actorOf(req);
    const { creatorId: inQuery } = parseBody(mediaUploadQuery, req.query);
    let creatorId = inQuery;
    if (creatorId) await media.mayUpload(actor, creatorId);
    const upload = await receiveOneFile(req, {
      dir: media.uploadsDir,
      maxBytes: Math.max(MAX_IMAGE_BYTES, MAX_VIDEO_BYTES),
      fieldNames: ['alt', 'creatorId'],
      beforeFile: async (fields) => {
        if (creatorId) return;
        creatorId = parseBody(
          z.object({ creatorId: mediaUploadQuery.shape.creatorId.unwrap() }),
          fields,
        ).creatorId;
        await media.mayUpload(actor, creatorId);
      },
    });
    const { media: view, created } = await media.upload(actor, creatorId!, upload);
    res.status(created ? 201 : 200).json({ ...view, url: view.fileUrl });
  });

  router.get('/media/:id', async (req, res) => {
    res.json(await media.get(actorOf(req), parseId(req.params.id, 'Media')));
  });

  router.patch('/media/:id', async (req, res) => {
    const { alt } = parseBody(patchMediaBody, req.body);
    res.json(await media.updateAlt(actorOf(req), parseId(req.params.id, 'Media'), alt));
  });

  router.delete('/media/:id', async (req, res) => {
    await media.remove(actorOf(req), parseId(req.params.id, 'Media'));
    res.status(204).end();
  });

  const serve = (which: 'file' | 'thumbnail') =>
    async function (req: Parameters<Parameters<Router['get']>[1]>[0], res: Response) {
      const opened = await media.open(actorOf(req), parseId(req.params.id, 'Media'), which, (size) =>
        byteRange(req.headers.range, size),
      );
      res.setHeader('Content-Type', opened.contentType);
      res.setHeader('Accept-Ranges', which === 'file' ? 'bytes' : 'none');
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cache-Control', 'private, max-age=86400');
      if (opened.range) {
        res.status(206);
        res.setHeader('Content-Range', `bytes ${opened.range.start}-${opened.range.end}/${opened.size}`);
        res.setHeader('Content-Length', String(opened.range.end - opened.range.start + 1));
      } else {
        res.status(200);
        res.setHeader('Content-Length', String(opened.size));
      }
      await pipeline(opened.body, res).catch(() => res.destroy());
    };
  router.get('/media/:id/file', serve('file'));
  router.get('/media/:id/thumbnail', serve('thumbnail'));

  return router;
}
