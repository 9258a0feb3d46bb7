import { z } from 'zod';
import type { ApiRoute } from '../http/openapi';

const backupsView = z.object({
  backups: z.array(z.object({ name: z.string(), size: z.number().int(), createdAt: z.string() })),
  /** The last scheduled run, whichever way it went. */
  last: z
    .object({
      at: z.string(),
      ok: z.boolean(),
      name: z.string().optional(),
      size: z.number().optional(),
      durationMs: z.number().optional(),
      error: z.string().optional(),
    })
    .nullable(),
  schedule: z.object({
    enabled: z.boolean(),
    everyMs: z.number(),
    keep: z.number().int(),
    /** False with the embedded database: each run fails, saying so. */
    supported: z.boolean(),
  }),
});

export const backupApi: ApiRoute[] = [
  {
    route: 'GET /api/backups',
    summary: 'The scheduled backups kept, and how the last run went',
    action: 'backup:read',
    auth: 'bearer',
    responses: { 200: { description: 'The backups, newest first', schema: backupsView } },
  },
  {
    route: 'GET /api/backups/:name',
    summary: 'Download one backup file',
    action: 'backup:read',
    auth: 'bearer',
    params: z.object({ name: z.string().max(100) }),
    responses: { 200: { description: 'The backup archive', contentType: 'application/gzip' } },
    errors: [422],
  },
];
