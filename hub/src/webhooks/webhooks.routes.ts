import { Router } from 'express';
import { accountsRepo, AppError, Invalid, NotFound, Unauthorized } from '@velvet/shared';
import { TELEGRAM_SECRET_HEADER, type Connectors } from '@velvet/platforms';
import type { HubContext } from '../context';
import { parseId } from '../http/validate';
import type { PaymentsService } from '../payments/payments.service';
import type { IngestService } from './ingest.service';

/**
 * `POST /webhooks/:platform/:accountId`: authenticate the platform, parse its payload,
 * store durably, then answer 2xx. Bad input gets a 4xx and stores nothing.
 */
export function webhooksRoutes(
  ctx: HubContext,
  connectors: Connectors,
  ingest: IngestService,
  payments: PaymentsService,
): Router {
  const router = Router();

  router.post('/webhooks/telegram/:accountId', async (req, res) => {
    const accountId = parseId(req.params.accountId, 'Account');
    const account = await accountsRepo.findById(ctx.db, accountId);
    if (!account || account.platform !== 'telegram') throw new NotFound('Account');
    const credentials = ctx.secrets.credentials.openJson<{ webhookSecret?: string }>(account.credentialsEnc);
    const connector = connectors.telegram;
    if (
      !credentials.webhookSecret ||
      !connector.verifyWebhook(req.get(TELEGRAM_SECRET_HEADER), credentials.webhookSecret)
    ) {
      throw new Unauthorized('Wrong or missing webhook secret');
    }
    const parsed = connector.parseWebhook(req.body);
    if (parsed.kind === 'invalid') throw new Invalid(`Not a Telegram update: ${parsed.reason}`);
    if (parsed.kind === 'ignored') {
      res.json({ ok: true, ignored: parsed.reason });
      return;
    }
    if (parsed.kind === 'pre_checkout') {
      // Telegram waits 10 s for the answer: it is given here, not through a queue.
      await payments.telegramPreCheckout(account, parsed.query);
      res.json({ ok: true });
      return;
    }
    if (parsed.kind === 'payment') {
      const result = await payments.telegramPayment(account, parsed.payment);
      res.json({ ok: true, duplicate: !result.recorded });
      return;
    }
    const result = await ingest.ingest(account, parsed.message);
    res.json({ ok: true, duplicate: !result.stored });
  });

  router.post('/webhooks/:platform/:accountId', () => {
    throw new AppError(404, 'not_found', 'No webhook receiver for this platform yet');
  });

  return router;
}
