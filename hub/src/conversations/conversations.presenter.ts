import type { z } from 'zod';
import {
  can,
  type Actor,
  type ConversationListRow,
  type conversationAbilities,
  type conversationResponse,
  type DraftRecord,
  type draftResponse,
} from '@velvet/shared';
import { isUuid } from '../http/validate';

export function presentConversation(row: ConversationListRow): z.input<typeof conversationResponse> {
  return {
    id: row.id,
    creatorId: row.creatorId,
    creatorName: row.creatorName,
    accountId: row.accountId,
    platform: row.platform,
    status: row.status,
    assignedTo: row.assignedTo,
    assigneeEmail: row.assigneeEmail,
    unreadCount: row.unreadCount,
    lastMessageAt: row.lastMessageAt.toISOString(),
    snoozedUntil: row.snoozedUntil?.toISOString() ?? null,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    waitingSince: row.waitingSince?.toISOString() ?? null,
    escalationReason: row.escalationReason,
    fan: row.fan,
    lastMessage: row.lastMessage,
  };
}

/** What the caller may do in this conversation, so the inbox shows only those buttons. */
export function presentAbilities(
  actor: Actor,
  row: Pick<ConversationListRow, 'creatorId' | 'assignedTo'>,
): z.input<typeof conversationAbilities> {
  const scope = { creatorId: row.creatorId };
  return {
    reply: can(actor, 'conversation:reply', scope),
    assign: can(actor, 'conversation:assign', scope) && row.assignedTo !== actor.id,
    assignOthers: can(actor, 'conversation:assign_others', scope),
    escalate: can(actor, 'conversation:escalate', scope),
    release: can(actor, 'conversation:release', scope),
    resolve: can(actor, 'conversation:resolve', scope),
    markMinor: can(actor, 'fan:mark_minor', scope),
    clearMinor: can(actor, 'fan:clear_minor', scope),
    correctIntent: can(actor, 'intent:correct', scope),
  };
}

export function presentDraft(row: DraftRecord): z.input<typeof draftResponse> {
  return {
    id: row.id,
    conversationId: row.conversationId,
    messageId: row.messageId,
    status: row.status,
    text: row.text,
    intent: row.intent,
    model: row.model,
    reasons: row.reasons,
  };
}

/** Opaque keyset cursors: `(timestamp, id)` encoded so clients do not depend on their shape. */
export function encodeCursor(at: Date, id: string): string {
  return Buffer.from(JSON.stringify([at.toISOString(), id])).toString('base64url');
}

export function decodeCursor(cursor: string): { at: Date; id: string } | undefined {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const date = new Date(at);
    // Only what this server issues: a database-range date and a row id.
    if (Number.isNaN(date.getTime()) || date.getUTCFullYear() < 2000 || date.getUTCFullYear() > 9999)
      return undefined;
    if (!isUuid(id)) return undefined;
    return { at: date, id };
  } catch {
    return undefined;
  }
}
