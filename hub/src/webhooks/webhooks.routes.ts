import express, { Router, type Request } from 'express';
import { NotFound, Unauthorized } from '@velvet/shared';
import type { Connectors, WebhookRequest } from '@velvet/platforms';
import { parseId, refuseDeep } from '../http/validate';
import type { AccountCache, WebhookAccount } from './account-cache';
import type { EventReceiver } from './receive';

type WithRawBody = Request & { rawBody?: Buffer };

/**
 * `POST /webhooks/:platform/:accountId`: the platform's connector authenticates the call
 * and parses its payload; the message is stored durably, then answered 2xx. Bad input
 * gets a 4xx and stores nothing. Mounted before the app's JSON parser: signatures cover
 * the exact bytes the platform sent.
 */
export function webhooksRoutes(
  connectors: Connectors,
  receive: EventReceiver,
  accounts: AccountCache,
): Router {
  const router = Router();
  const json = express.json({
    limit: '1mb',
    verify: (req, _res, buffer) => void ((req as WithRawBody).rawBody = buffer),
  });

  router.post('/webhooks/:platform/:accountId', json, async (req: WithRawBody, res) => {
    const connector = connectors.get(String(req.params.platform));
    if (!connector) throw new NotFound('Webhook receiver');
    const accountId = parseId(req.params.accountId, 'Account');
    // An account that needs attention still hears from its fans; a disconnected one does not.
    const usable = (found: WebhookAccount | undefined) =>
      found && found.account.platform === connector.platform && found.account.status !== 'disconnected'
        ? found
        : undefined;
    let found = usable(await accounts.get(accountId));
    if (!found) throw new NotFound('Account');
    refuseDeep(req.body);
    const request: WebhookRequest = {
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      body: req.body,
    };
    // Credentials cached from before a change elsewhere: the database's word decides.
    if (!connector.verifyWebhook(request, found.credentials)) {
      if (!found.cached) throw new Unauthorized('Wrong or missing webhook signature');
      found = usable(await accounts.get(accountId, { fresh: true }));
      if (!found) throw new NotFound('Account');
      if (!connector.verifyWebhook(request, found.credentials)) {
        throw new Unauthorized('Wrong or missing webhook signature');
      }
    }
    const { account, credentials } = found;
    const answer = await receive(account, connector, credentials, connector.parseWebhook(request));
    res.json({ ...connector.webhookAnswer?.(request), ...answer });
  });

  return router;
}
