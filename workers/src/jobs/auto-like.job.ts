import {
  accountsRepo,
  auditRepo,
  AUTO_LIKE_DEFAULT_BUDGET,
  autoLikesRepo,
  PlatformError,
  type AccountRecord,
} from '@velvet/shared';
import { friendlyReply } from '@velvet/llm';
import type { ReplyInteractions } from '@velvet/platforms';
import type { WorkerContext } from '../context';
import type { Handler } from '../registry';

const DAY_MS = 86_400_000;
/** Replies are looked for under the posts published this recently (X's recent search: 7 days). */
const LOOK_BACK_MS = 7 * DAY_MS;
/** Replies read per account and run. */
const REPLIES_PER_RUN = 100;

/**
 * Auto-like, for the creators who turned it on: the replies other people wrote under the
 * creator's own published posts, read through the platform's official API, each classified
 * once; only those the intent classifier finds friendly (never a minor signal, never spam,
 * nothing but a compliment or a greeting) are liked as the account, within the creator's
 * budget for 24 hours, each like in the activity log. A reply is decided about once per
 * account (claimed in the database before the platform is called), so never liked twice.
 */
export function createAutoLike(ctx: WorkerContext): Handler<'interactions.auto_like'> {
  return async () => {
    const now = ctx.now();
    for (const creator of await autoLikesRepo.optedIn(ctx.db)) {
      const budget = creator.automation.autoLike?.dailyBudget ?? AUTO_LIKE_DEFAULT_BUDGET;
      let spent = await autoLikesRepo.spentSince(ctx.db, creator.id, new Date(now.getTime() - DAY_MS));
      if (spent >= budget) continue;
      const published = await autoLikesRepo.publishedSince(
        ctx.db,
        creator.id,
        new Date(now.getTime() - LOOK_BACK_MS),
      );
      const accounts = (await accountsRepo.listByCreator(ctx.db, creator.id)).filter(
        (a) => a.status === 'active',
      );
      for (const account of accounts) {
        if (spent >= budget) break;
        const interactions = ctx.publishers.get(account.platform)?.interactions;
        const postIds = published.filter((p) => p.accountId === account.id).map((p) => p.remoteId!);
        if (!interactions || postIds.length === 0) continue;
        try {
          spent = await likeOnAccount(ctx, {
            creatorId: creator.id,
            account,
            interactions,
            postIds,
            budget,
            spent,
          });
        } catch (error) {
          ctx.logger.warn(
            { err: error, creatorId: creator.id, accountId: account.id, platform: account.platform },
            error instanceof PlatformError ? 'auto-like: the platform did not answer' : 'auto-like failed',
          );
        }
      }
    }
  };
}

async function likeOnAccount(
  ctx: WorkerContext,
  input: {
    creatorId: string;
    account: AccountRecord;
    interactions: ReplyInteractions;
    postIds: string[];
    budget: number;
    spent: number;
  },
): Promise<number> {
  const { account, interactions, creatorId } = input;
  let spent = input.spent;
  const credentials = await ctx.credentials.open(account, ctx.connectors.account(account.platform)?.tokens);
  const replies = await interactions.replies(credentials, input.postIds, REPLIES_PER_RUN);
  const seen = await autoLikesRepo.seen(
    ctx.db,
    account.id,
    replies.map((r) => r.id),
  );
  for (const reply of replies) {
    if (seen.has(reply.id)) continue;
    const verdict = friendlyReply(ctx.classifier.classify(reply.text));
    const row = {
      creatorId,
      accountId: account.id,
      platform: account.platform,
      postRemoteId: reply.inReplyTo,
      replyId: reply.id,
    };
    if (!verdict.friendly) {
      await autoLikesRepo.claim(ctx.db, { ...row, decision: 'skipped', reason: verdict.reason });
      continue;
    }
    // Out of budget: the reply stays undecided, a later run (after the 24 hours) may like it.
    if (spent >= input.budget) break;
    if (!(await autoLikesRepo.claim(ctx.db, { ...row, decision: 'liking' }))) continue;
    const outcome = await interactions
      .like(credentials, reply)
      .catch((error: unknown) => ({ state: 'later', reason: (error as Error).message }) as const);
    if (outcome.state === 'later') {
      await autoLikesRepo.release(ctx.db, account.id, reply.id);
      ctx.logger.info(
        { accountId: account.id, reason: outcome.reason },
        'auto-like: the platform said later',
      );
      break;
    }
    if (outcome.state === 'refused') {
      await autoLikesRepo.settle(ctx.db, account.id, reply.id, 'refused', outcome.reason);
      ctx.logger.warn({ accountId: account.id, reason: outcome.reason }, 'auto-like: the platform refused');
      break;
    }
    await autoLikesRepo.settle(ctx.db, account.id, reply.id, 'liked');
    spent++;
    await auditRepo.automation(ctx.db, {
      action: 'reply.auto_like',
      creatorId,
      targetType: 'reply',
      targetId: reply.id,
      data: {
        platform: account.platform,
        accountId: account.id,
        post: reply.inReplyTo,
        intent: verdict.intent,
        ...(reply.authorName ? { author: reply.authorName } : {}),
      },
    });
  }
  return spent;
}
