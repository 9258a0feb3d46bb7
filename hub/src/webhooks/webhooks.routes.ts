import express, { Router, type Request } from 'express';
import { accountsRepo, NotFound, Unauthorized } from '@velvet/shared';
import type { Connectors, WebhookRequest } from '@velvet/platforms';
import type { HubContext } from '../context';
import { parseId, refuseDeep } from '../http/validate';
import type { EventReceiver } from './receive';

type WithRawBody = Request & { rawBody?: Buffer };

/**
 * `POST /webhooks/:platform/:accountId`: the platform's connector authenticates the call
 * and parses its payload; the message is stored durably, then answered 2xx. Bad input
 * gets a 4xx and stores nothing. Mounted before the app's JSON parser: signatures cover
 * the exact bytes the platform sent.
 */
export function webhooksRoutes(ctx: HubContext, connectors: Connectors, receive: EventReceiver): Router {
  const router = Router();
  const json = express.json({
    limit: '1mb',
    verify: (req, _res, buffer) => void ((req as WithRawBody).rawBody = buffer),
  });

  router.post('/webhooks/:platform/:accountId', json, async (req: WithRawBody, res) => {
    const connector = connectors.get(String(req.params.platform));
    if (!connector) throw new NotFound('Webhook receiver');
    const accountId = parseId(req.params.accountId, 'Account');
    const account = await accountsRepo.findById(ctx.db, accountId);
    // An account that needs attention still hears from its fans; a disconnected one does not.
    if (!account || account.platform !== connector.platform || account.status === 'disconnected') {
      throw new NotFound('Account');
    }
    refuseDeep(req.body);
    const request: WebhookRequest = {
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      body: req.body,
    };
    const credentials = ctx.secrets.credentials.openJson<Record<string, unknown>>(account.credentialsEnc);
    if (!connector.verifyWebhook(request, credentials)) {
      throw new Unauthorized('Wrong or missing webhook signature');
    }
    const answer = await receive(account, connector, credentials, connector.parseWebhook(request));
    res.json({ ...connector.webhookAnswer?.(request), ...answer });
  });

  return router;
}
