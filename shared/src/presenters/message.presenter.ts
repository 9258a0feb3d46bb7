import type { MessageRecord } from '../db/repositories/messages.repo';
import type { AttachmentView, ButtonAction, FanEvent, MessageView } from '../events';
import type { MessageAttachment, MessageRaw } from '../platform';

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
    ...fanEventOf(row.raw, row.text),
    createdAt: row.createdAt.toISOString(),
  };
}

/** A subscription or a tip, from what the message row kept of the platform's event. */
export function fanEventOf(raw: MessageRaw | null | undefined, text: string): { event?: FanEvent } {
  if (!raw || !('kind' in raw)) return {};
  if (raw.kind === 'subscriber') return { event: { kind: 'subscriber' } };
  if (raw.kind === 'tip' && raw.tip) return { event: { kind: 'tip', ...raw.tip } };
  if (raw.kind === 'callback') {
    const action = buttonAction(text);
    if (action === 'satisfaction')
      return { event: { kind: 'button', action, score: Number(text.slice(BUTTON_DATA.ratePrefix.length)) } };
    return { event: { kind: 'button', action } };
  }
  return {};
}

/** Button data Velvet puts on the buttons it sends (the 18+ question, the catalog, the rating). */
export const BUTTON_DATA = {
  ageYes: 'age:yes',
  ageNo: 'age:no',
  packPrefix: 'pack:',
  /** A satisfaction score: `rate:1` to `rate:5`. */
  ratePrefix: 'rate:',
} as const;

function buttonAction(data: string): ButtonAction {
  if (data === BUTTON_DATA.ageYes) return 'age_confirmed';
  if (data === BUTTON_DATA.ageNo) return 'age_refused';
  if (data.startsWith(BUTTON_DATA.packPrefix)) return 'pack';
  if (/^rate:[1-5]$/.test(data)) return 'satisfaction';
  return 'other';
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
