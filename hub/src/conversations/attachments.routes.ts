import { pipeline } from 'node:stream/promises';
import { Router } from 'express';
import { NotFound } from '@velvet/shared';
import { actorOf } from '../auth/authenticate';
import { receiveOneFile } from '../http/multipart';
import { parseId } from '../http/validate';
import { MAX_UPLOAD_BYTES, type AttachmentsService } from './attachments.service';

export function attachmentsRoutes(attachments: AttachmentsService): Router {
  const router = Router();

  router.get('/messages/:id/attachments/:index', async (req, res) => {
    const id = parseId(req.params.id, 'Message');
    if (!/^\d{1,3}$/.test(req.params.index)) throw new NotFound('Attachment');
    const file = await attachments.open(actorOf(req), id, Number(req.params.index));
    res.status(200);
    res.setHeader('Content-Type', file.contentType);
    if (file.size !== undefined) res.setHeader('Content-Length', String(file.size));
    res.setHeader('Content-Disposition', contentDisposition(file.inline, file.fileName));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Opened directly, a file can run nothing and reach nothing.
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=3600');
    await pipeline(file.body, res).catch((error: unknown) => {
      req.log?.warn({ err: error }, 'attachment stream ended early');
      res.destroy();
    });
  });

  router.post('/conversations/:id/attachments', async (req, res) => {
    const id = parseId(req.params.id, 'Conversation');
    const sent = await attachments.send(actorOf(req), id, (dir) =>
      receiveOneFile(req, { dir, maxBytes: MAX_UPLOAD_BYTES, fieldNames: ['caption', 'clientMessageId'] }),
    );
    res.status(201).json(sent);
  });

  return router;
}

/** RFC 6266: an ASCII fallback name and the exact one, percent-encoded. */
function contentDisposition(inline: boolean, fileName: string): string {
  const ascii = fileName.replace(/[^\w.-]/g, '_') || 'file';
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`);
  return `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
