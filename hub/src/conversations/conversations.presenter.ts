import type { DraftRecord } from '@velvet/shared';
import type { ConversationListRow } from '@velvet/shared';

export function presentConversation(row: ConversationListRow) {
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
    waitingSince: row.waitingSince?.toISOString() ?? null,
    fan: row.fan,
    lastMessage: row.lastMessage,
  };
}

export function presentDraft(row: DraftRecord) {
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
    if (Number.isNaN(date.getTime()) || typeof id !== 'string') return undefined;
    return { at: date, id };
  } catch {
    return undefined;
  }
}
