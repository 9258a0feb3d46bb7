import express, { Router, type Request } from 'express';
import { Invalid, NotFound, Unauthorized } from '@velvet/shared';
import type { Connectors, WebhookRequest } from '@velvet/platforms';
import type { HubContext } from '../context';
import { parseId, refuseDeep } from '../http/validate';
import type { PaymentsService } from '../payments/payments.service';
import type { AccountAttentionHandler } from '@velvet/shared';
import type { AccountCache, WebhookAccount } from './account-cache';
import { createGroupChats } from './group-chats';
import type { IngestService } from './ingest.service';

type WithRawBody = Request & { rawBody?: Buffer };

/**
 * `POST /webhooks/:platform/:accountId`: the platform's connector authenticates the call
 * and parses its payload; the message is stored durably, then answered 2xx. Bad input
 * gets a 4xx and stores nothing. Mounted before the app's JSON parser: signatures cover
 * the exact bytes the platform sent.
 */
export function webhooksRoutes(
  ctx: HubContext,
  connectors: Connectors,
  ingest: IngestService,
  payments: PaymentsService,
  needsAttention: AccountAttentionHandler,
  accounts: AccountCache,
): Router {
  const router = Router();
  const groups = createGroupChats(ctx);
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
    const parsed = connector.parseWebhook(request);
    switch (parsed.kind) {
      case 'invalid':
        throw new Invalid(`Not a ${connector.platform} payload: ${parsed.reason}`);
      case 'ignored':
        res.json({ ok: true, ignored: parsed.reason });
        return;
      case 'account_attention': {
        const result = await needsAttention(account, parsed.attention);
        res.json({ ok: true, duplicate: !result.changed });
        return;
      }
      case 'pre_checkout':
        // The platform waits for this answer (seconds): given here, not through a queue.
        await payments.preCheckout(account, connector, parsed.query);
        res.json({ ok: true });
        return;
      case 'payment': {
        const result = await payments.platformPayment(account, connector, parsed.payment);
        res.json({ ok: true, duplicate: !result.recorded });
        return;
      }
      case 'message': {
        let message = parsed.message;
        if (message.group) {
          if (!groups.enabled(account)) {
            await groups.notice(account, connector, credentials, message);
            res.json({ ok: true, ignored: 'group chat: groups are off for this account' });
            return;
          }
          message = groups.asConversation({ ...message, group: message.group });
        }
        const result = await ingest.ingest(account, message);
        res.json({ ok: true, duplicate: !result.stored });
        return;
      }
    }
  });

  return router;
}
