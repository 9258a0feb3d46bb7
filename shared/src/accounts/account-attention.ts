import type { Db } from '../db/client';
import { accountsRepo, type AccountRecord } from '../db/repositories/accounts.repo';
import { auditRepo } from '../db/repositories/audit.repo';
import type { AccountAttention } from '../platform';
import type { InboxPublisher } from '../realtime/inbox.publisher';

export interface AccountAttentionDeps {
  db: Db;
  logger: { warn(details: Record<string, unknown>, message: string): void };
  now: () => Date;
  publisher: InboxPublisher;
}

/**
 * The platform says an account needs a human (its session expired, a two-factor code is
 * awaited, a refresh token was refused): the account shows "needs attention" and
 * supervisors get one alert. Sends wait until an operator reconnects it; a repeated notice
 * changes nothing. The hub (webhooks) and the workers (token refresh) both call it.
 */
export function createAccountAttention(deps: AccountAttentionDeps) {
  return async function needsAttention(
    account: AccountRecord,
    attention: AccountAttention,
  ): Promise<{ changed: boolean }> {
    if (account.status !== 'active') return { changed: false };
    const changed = await deps.db.transaction(async (tx) => {
      const updated = await accountsRepo.markNeedsAttention(tx, account.id);
      if (!updated) return false;
      await auditRepo.automation(tx, {
        action: 'account.needs_attention',
        creatorId: account.creatorId,
        targetType: 'platform_account',
        targetId: account.id,
        data: { creatorId: account.creatorId, platform: account.platform, reason: attention.reason },
      });
      return true;
    });
    if (!changed) return { changed: false };
    deps.logger.warn({ accountId: account.id, platform: account.platform }, 'account needs attention');
    await deps.publisher.emit({ creatorId: account.creatorId }, 'alert', {
      kind: 'account_attention',
      severity: 'critical',
      message: `${account.label || account.platform} needs attention: ${attention.reason}. Replies to it wait until it is reconnected.`,
      creatorId: account.creatorId,
      accountId: account.id,
      at: deps.now().toISOString(),
    });
    return { changed: true };
  };
}

export type AccountAttentionHandler = ReturnType<typeof createAccountAttention>;
