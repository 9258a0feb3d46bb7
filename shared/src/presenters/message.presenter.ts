import type { MessageRecord } from '../db/repositories/messages.repo';
import type { Intent } from '../domain';
import type { MessageView } from '../events';

/** The fields of a message that leave the server (sockets and HTTP alike). */
export function presentMessage(row: MessageRecord): MessageView {
  return {
    id: row.id,
    direction: row.direction as MessageView['direction'],
    sender: row.sender as MessageView['sender'],
    text: row.text,
    intent: (row.intent as Intent | null) ?? null,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}
