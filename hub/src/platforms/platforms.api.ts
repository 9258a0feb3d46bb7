import { z } from 'zod';
import { ATTACHMENT_KINDS, platformListResponse } from '@velvet/shared';
import type { ApiRoute } from '../http/openapi';

const mediaKinds = z.array(z.enum(ATTACHMENT_KINDS));

/** `ConnectorCapabilities` (`@velvet/shared`): what the inbox reads, and what integrations may. */
const capabilities = z.object({
  aiAutoSend: z.boolean(),
  verifiesAge: z.boolean(),
  packSales: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('invoice'), currency: z.string(), provider: z.string() }),
    z.object({ kind: z.literal('paid_message') }),
    z.object({ kind: z.literal('checkout_link') }),
  ]),
  buttons: z.boolean(),
  media: z.object({ receive: mediaKinds, send: mediaKinds, maxDownloadBytes: z.number().optional() }),
  answersInWebhook: z.boolean(),
});

// The inbox parses the first fields only; the document names every field sent.
const platformsView = z.object({
  platforms: z.array(
    platformListResponse.shape.platforms.element.extend({
      capabilities: capabilities.optional(),
      /** The JSON Schema of `credentials` for `POST /api/creators/:id/accounts`; absent for `connect: none`. */
      credentials: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

export const platformsApi: ApiRoute[] = [
  {
    route: 'GET /api/platforms',
    summary: 'What each platform can do and how an account connects',
    access: 'any signed-in user',
    auth: 'bearer',
    responses: { 200: { description: 'The platforms', schema: platformsView } },
  },
];
