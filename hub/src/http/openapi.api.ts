import { z } from 'zod';
import type { ApiRoute } from './openapi';

export const openApiApi: ApiRoute[] = [
  {
    route: 'GET /api/openapi.json',
    summary: 'This document (OpenAPI 3.1)',
    access: 'anyone: it holds the shapes of the routes, no data and no secrets',
    auth: 'none',
    responses: {
      200: {
        description: 'The OpenAPI document of every route the hub serves',
        schema: z.looseObject({
          openapi: z.literal('3.1.0'),
          info: z.looseObject({}),
          paths: z.looseObject({}),
        }),
      },
    },
  },
  {
    route: 'GET /api/docs',
    summary: 'This document as a page to read',
    access: 'anyone',
    auth: 'none',
    responses: {
      200: { description: 'A self-contained HTML page (no script, no CDN)', contentType: 'text/html' },
    },
  },
];
