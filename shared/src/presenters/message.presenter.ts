import type { MessageRecord } from '../db/repositories/messages.repo';
import type { AttachmentView, MessageView } from '../events';
import type { MessageAttachment } from '../platform';

/** The fields of a message that leave the server (sockets and HTTP alike). */
export function presentMessage(row: MessageRecord): MessageView {
  return {
    id: row.id,
    direction: row.direction,
    sender: row.sender,
    text: row.text,
    intent: row.intent ?? null,
    status: row.status,
    attachments: presentAttachments(row.id, row.attachments),
    ...(row.editedAt ? { editedAt: row.editedAt.toISOString() } : {}),
    createdAt: row.createdAt.toISOString(),
  };
}

/**
 * What the inbox may know of a message's files: never the platform's file id, whose
 * download URL carries the bot token, nor where an upload sits on disk.
 */
export function presentAttachments(
  messageId: string,
  attachments: readonly MessageAttachment[] | null | undefined,
): AttachmentView[] {
  return (attachments ?? []).map((a, index) => ({
    index,
    kind: a.kind,
    ...(a.mimeType !== undefined ? { mimeType: a.mimeType } : {}),
    ...(a.fileName !== undefined ? { fileName: a.fileName } : {}),
    ...(a.size !== undefined ? { size: a.size } : {}),
    ...(a.width !== undefined ? { width: a.width } : {}),
    ...(a.height !== undefined ? { height: a.height } : {}),
    ...(a.duration !== undefined ? { duration: a.duration } : {}),
    url: attachmentUrl(messageId, index),
  }));
}

export function attachmentUrl(messageId: string, index: number): string {
  return `/api/messages/${messageId}/attachments/${index}`;
}
