import type { Db } from '../db/client';
import { conversationsRepo } from '../db/repositories/conversations.repo';
import { messagesRepo, type MessageRecord, type NewMessage } from '../db/repositories/messages.repo';
import { outboxRepo, type OutboxRow } from '../db/repositories/outbox.repo';

export interface StagedOutbound {
  message: MessageRecord;
  /** Absent when the idempotency key was used before: nothing new to send. */
  outbox?: OutboxRow;
}

/**
 * Inside the caller's transaction: the outbound message, the conversation's activity and
 * the send job's outbox row. Every reply (human, command, safety, draft) goes this way.
 */
export async function stageOutbound(
  tx: Db,
  input: NewMessage & { idempotencyKey: string },
  at: Date,
): Promise<StagedOutbound> {
  const inserted = await messagesRepo.insertOutbound(tx, input);
  if (!inserted.created) return { message: inserted.message };
  await conversationsRepo.touchOutbound(tx, input.conversationId, at);
  const outbox = await outboxRepo.insert(tx, {
    name: 'outbound.send',
    data: { messageId: inserted.message.id },
  });
  return { message: inserted.message, outbox };
}
