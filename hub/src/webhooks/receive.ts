import { Invalid, type AccountAttentionHandler, type AccountRecord, type WebhookParse } from '@velvet/shared';
import type { PlatformConnector, StoredCredentials } from '@velvet/platforms';
import type { HubContext } from '../context';
import type { PaymentsService } from '../payments/payments.service';
import { createGroupChats } from './group-chats';
import type { IngestService } from './ingest.service';

export type EventReceiver = ReturnType<typeof createEventReceiver>;

/**
 * What to do with one platform event, however it came (a webhook call, or a connection
 * the bot holds): store it durably, then say what happened. Throws `Invalid` for a payload
 * the platform does not send.
 */
export function createEventReceiver(
  ctx: HubContext,
  ingest: IngestService,
  payments: PaymentsService,
  needsAttention: AccountAttentionHandler,
) {
  const groups = createGroupChats(ctx);
  return async function receive(
    account: AccountRecord,
    connector: PlatformConnector,
    credentials: StoredCredentials,
    parsed: WebhookParse,
  ): Promise<Record<string, unknown>> {
    switch (parsed.kind) {
      case 'invalid':
        throw new Invalid(`Not a ${connector.platform} payload: ${parsed.reason}`);
      case 'ignored':
        return { ok: true, ignored: parsed.reason };
      case 'account_attention': {
        const result = await needsAttention(account, parsed.attention);
        return { ok: true, duplicate: !result.changed };
      }
      case 'pre_checkout':
        // The platform waits for this answer (seconds): given here, not through a queue.
        await payments.preCheckout(account, connector, parsed.query);
        return { ok: true };
      case 'payment': {
        const result = await payments.platformPayment(account, connector, parsed.payment);
        return { ok: true, duplicate: !result.recorded };
      }
      case 'message': {
        let message = parsed.message;
        if (message.group) {
          if (!groups.enabled(account)) {
            await groups.notice(account, connector, credentials, message);
            return { ok: true, ignored: 'group chat: groups are off for this account' };
          }
          message = groups.asConversation({ ...message, group: message.group });
        }
        const result = await ingest.ingest(account, message);
        return { ok: true, duplicate: !result.stored };
      }
    }
  };
}
