import express, { Router } from 'express';
import { NotFound } from '@velvet/shared';
import type { PaymentsService } from './payments.service';

const PROVIDER = /^[a-z0-9_-]{1,32}$/;

/**
 * `POST /webhooks/payments/:provider`: mounted before the JSON parser, because the
 * signature covers the exact bytes the provider sent.
 */
export function paymentsWebhookRoutes(payments: PaymentsService): Router {
  const router = Router();
  router.post(
    '/webhooks/payments/:provider',
    express.raw({ type: () => true, limit: '64kb' }),
    async (req, res) => {
      const provider = req.params.provider;
      if (!PROVIDER.test(provider)) throw new NotFound('Payment provider');
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const result = await payments.checkoutWebhook(provider, body, req.get('x-velvet-signature'));
      res.json({ ok: true, duplicate: !result.recorded, purchaseId: result.purchaseId });
    },
  );
  return router;
}
