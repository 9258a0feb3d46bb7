import { z } from 'zod';
import type { ApiRoute } from '../http/openapi';

export const paymentsApi: ApiRoute[] = [
  {
    route: 'POST /webhooks/payments/:provider',
    summary: 'A checkout provider reports a payment',
    access: 'the provider, with `X-Velvet-Signature` (HMAC-SHA256 of the exact body)',
    auth: 'signature',
    params: z.object({ provider: z.string().regex(/^[a-z0-9_-]{1,32}$/) }),
    body: {
      contentType: 'application/json',
      description:
        '`{type:"payment.succeeded", chargeId, token, amount, currency}`, or `{type:"payment.refunded"|"payment.chargeback", chargeId, amount, currency}` for a reversed charge (full amount); signed',
      schema: { type: 'object' },
    },
    responses: {
      200: {
        description: 'Recorded (`duplicate`: this charge, or its reversal, was recorded before)',
        schema: z.object({ ok: z.literal(true), duplicate: z.boolean(), purchaseId: z.uuid() }),
      },
    },
    errors: [400, 401, 404, 409, 413, 502],
  },
];
