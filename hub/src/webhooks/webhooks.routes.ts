import express, { Router, type Request } from 'express';
import { NotFound, Unauthorized } from '@velvet/shared';
import type { Connectors, WebhookRequest } from '@velvet/platforms';
import { parseId, refuseDeep } from '../http/validate';
import type { AccountCache, WebhookAccount } from './account-cache';
import type { EventReceiver } from './receive';

type WithRawBody = Request & { rawBody?: Buffer };

/** The most a platform's webhook body may weigh (413 beyond). */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * One webhook call, however it was read: the platform's connector authenticates it and
 * parses its payload; the event is stored durably before the answer is returned. Throws
 * an `AppError` (404, 401, 400) for a call that stores nothing.
 */
export type WebhookHandler = (
  platform: string,
  accountId: string,
  request: WebhookRequest,
) => Promise<Record<string, unknown>>;

export function createWebhookHandler(
  connectors: Connectors,
  receive: EventReceiver,
  accounts: AccountCache,
): WebhookHandler {
  return async (platform, rawAccountId, request) => {
    const connector = connectors.get(platform);
    if (!connector) throw new NotFound('Webhook receiver');
    const accountId = parseId(rawAccountId, 'Account');
    // An account that needs attention still hears from its fans; a disconnected one does not.
    const usable = (found: WebhookAccount | undefined) =>
      found && found.account.platform === connector.platform && found.account.status !== 'disconnected'
        ? found
        : undefined;
    let found = usable(await accounts.get(accountId));
    if (!found) throw new NotFound('Account');
    refuseDeep(request.body);
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
    return { ...connector.webhookAnswer?.(request), ...answer };
  };
}

/**
 * `POST /webhooks/:platform/:accountId` through Express: the calls the lean route
 * (`lean-webhooks.ts`) leaves to it (compressed or chunked bodies, other content types,
 * odd paths). Mounted before the app's JSON parser: signatures cover the exact bytes the
 * platform sent.
 */
export function webhooksRoutes(handle: WebhookHandler): Router {
  const router = Router();
  const json = express.json({
    limit: WEBHOOK_BODY_LIMIT,
    verify: (req, _res, buffer) => void ((req as WithRawBody).rawBody = buffer),
  });

  router.post('/webhooks/:platform/:accountId', json, async (req: WithRawBody, res) => {
    const request: WebhookRequest = {
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      body: req.body,
    };
    res.json(await handle(String(req.params.platform), String(req.params.accountId), request));
  });

  return router;
}
