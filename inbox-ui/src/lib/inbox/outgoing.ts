/**
 * Human replies on their way out. Each keeps its clientMessageId for good: a retry after a
 * lost ack reuses it, and the server sends it at most once.
 */
export interface Outgoing {
  clientMessageId: string;
  conversationId: string;
  text: string;
  state: 'sending' | 'failed';
  error?: string;
  /** Set once the server acknowledged it: the message now lives in the thread. */
  messageId?: string;
}

export function newClientMessageId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

type Ack = { ok: true; messageId: string } | { ok: false; error: { code: string; message: string } };

/**
 * Sends (or re-sends) one reply and reports each state change. On failure the text stays
 * in the list with its id, ready for `retry`; nothing the operator typed is lost.
 */
export async function sendOutgoing(
  item: Outgoing,
  send: (payload: { conversationId: string; text: string; clientMessageId: string }) => Promise<Ack>,
  update: (item: Outgoing) => void,
): Promise<Outgoing> {
  const sending: Outgoing = { ...item, state: 'sending', error: undefined };
  update(sending);
  const ack = await send({
    conversationId: item.conversationId,
    text: item.text,
    clientMessageId: item.clientMessageId,
  });
  const next: Outgoing = ack.ok
    ? { ...sending, messageId: ack.messageId }
    : { ...sending, state: 'failed', error: ack.error.message || ack.error.code };
  update(next);
  return next;
}
