import {
  accountsRepo,
  auditRepo,
  type AccountAttention,
  type AccountRecord,
  type InboxPublisher,
} from '@velvet/shared';
import type { HubContext } from '../context';

/**
 * The platform says an account needs a human (its session expired, a two-factor code is
 * awaited): the account shows "needs attention" and supervisors get one alert. Sends wait
 * until an operator reconnects it; a repeated notice changes nothing.
 */
export function createAccountAttention(ctx: HubContext, deps: { publisher: InboxPublisher }) {
  return async function needsAttention(
    account: AccountRecord,
    attention: AccountAttention,
  ): Promise<{ changed: boolean }> {
    if (account.status !== 'active') return { changed: false };
    const changed = await ctx.db.transaction(async (tx) => {
      const updated = await accountsRepo.markNeedsAttention(tx, account.id);
      if (!updated) return false;
      await auditRepo.record(tx, {
        actorId: null,
        action: 'account.needs_attention',
        targetType: 'platform_account',
        targetId: account.id,
        data: { creatorId: account.creatorId, platform: account.platform, reason: attention.reason },
      });
      return true;
    });
    if (!changed) return { changed: false };
    ctx.logger.warn({ accountId: account.id, platform: account.platform }, 'account needs attention');
    await deps.publisher.emit({ creatorId: account.creatorId }, 'alert', {
      kind: 'account_attention',
      severity: 'critical',
      message: `${account.label || account.platform} needs attention: ${attention.reason}. Replies to it wait until it is reconnected.`,
      creatorId: account.creatorId,
      accountId: account.id,
      at: ctx.now().toISOString(),
    });
    return { changed: true };
  };
}

export type AccountAttentionHandler = ReturnType<typeof createAccountAttention>;
