import type { ConversationListRow } from '@velvet/shared';

export function presentConversation(row: ConversationListRow) {
  return {
    id: row.id,
    creatorId: row.creatorId,
    accountId: row.accountId,
    platform: row.platform,
    status: row.status,
    assignedTo: row.assignedTo,
    unreadCount: row.unreadCount,
    lastMessageAt: row.lastMessageAt.toISOString(),
    fan: row.fan,
    lastMessage: row.lastMessage,
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
