import {
  accountsRepo,
  conversationsRepo,
  messageSceneRepo,
  messagesRepo,
  type AccountRecord,
  type ConversationRecord,
  type MessageRecord,
} from '@velvet/shared';
import type { WorkerContext } from '../context';

/**
 * The conversation and platform account a message belongs to. Credentials are decrypted
 * only when a platform call needs them, not for every fan message.
 */
export async function loadDelivery(ctx: WorkerContext, message: MessageRecord) {
  const conversation = await conversationsRepo.findById(ctx.db, message.conversationId);
  const account = await accountsRepo.findById(ctx.db, message.accountId);
  if (!conversation || !account) return undefined;
  return { conversation, ...accountAccess(ctx, account) };
}

/** A fan message with everything around it (conversation, account, fan, creator) in one read. */
export async function loadMessageScene(ctx: WorkerContext, messageId: string) {
  const scene = await messageSceneRepo.load(ctx.db, messageId);
  return scene && { ...scene, ...accountAccess(ctx, scene.account) };
}

function accountAccess(ctx: WorkerContext, account: AccountRecord) {
  return {
    account,
    platform: account.platform,
    credentials: () => ctx.secrets.credentials.openJson<Record<string, unknown>>(account.credentialsEnc),
    /** The same, with expiring tokens refreshed first (Fanvue's hour-long access tokens). */
    freshCredentials: () => ctx.credentials.open(account, ctx.connectors.get(account.platform)?.tokens),
  };
}

/** Marks a message failed (or unconfirmed) and tells the inbox. */
export async function failDelivery(
  ctx: WorkerContext,
  message: MessageRecord,
  conversation: Pick<ConversationRecord, 'id' | 'creatorId'>,
  status: 'failed' | 'unconfirmed',
  error: string,
): Promise<void> {
  await messagesRepo.markFailed(ctx.db, message.id, status, error);
  await ctx.publisher.emit(
    { creatorId: conversation.creatorId, conversationId: conversation.id },
    'message:failed',
    {
      conversationId: conversation.id,
      messageId: message.id,
      error,
    },
  );
}
