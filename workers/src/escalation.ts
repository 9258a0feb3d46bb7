import {
  auditRepo,
  conversationsRepo,
  type AlertPayload,
  type ConversationRecord,
  type Db,
  type EscalationReason,
} from '@velvet/shared';
import type { WorkerContext } from './context';

/**
 * One way automation hands a conversation to a person, whatever the reason (a minor signal, an
 * escalation rule, the model failing again and again): the status and its reason in the caller's
 * transaction, with an audit entry. Nothing when it is already escalated.
 */
export async function escalateConversation(
  tx: Db,
  conversation: Pick<ConversationRecord, 'id' | 'creatorId' | 'status'>,
  reason: EscalationReason,
): Promise<ConversationRecord | undefined> {
  if (conversation.status === 'escalated') return undefined;
  const escalated = await conversationsRepo.setState(tx, conversation.id, {
    status: 'escalated',
    escalationReason: reason,
  });
  if (escalated) {
    await auditRepo.automation(tx, {
      action: 'conversation.escalate',
      creatorId: conversation.creatorId,
      conversationId: conversation.id,
      targetType: 'conversation',
      targetId: conversation.id,
      data: { reason },
    });
  }
  return escalated;
}

/** After commit: the inbox learns the new status and its reason, supervisors get the alert. */
export async function announceEscalation(
  ctx: Pick<WorkerContext, 'publisher' | 'logger' | 'now'>,
  escalated: ConversationRecord | undefined,
  alert: { kind: AlertPayload['kind']; severity: AlertPayload['severity']; message: string } | undefined,
  target: { creatorId: string; conversationId: string },
): Promise<void> {
  if (escalated) {
    await ctx.publisher.emit(target, 'conversation:update', {
      conversationId: escalated.id,
      status: 'escalated',
      assignedTo: escalated.assignedTo,
      escalationReason: escalated.escalationReason,
    });
  }
  if (alert) {
    ctx.logger.warn({ conversationId: target.conversationId, kind: alert.kind }, 'escalation alert');
    await ctx.publisher.emit(target, 'alert', {
      ...alert,
      creatorId: target.creatorId,
      conversationId: target.conversationId,
      at: ctx.now().toISOString(),
    });
  }
}
