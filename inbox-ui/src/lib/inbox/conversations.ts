import type { Conversation, ConversationFilters } from '../client';

export interface IncomingMessage {
  conversationId: string;
  creatorId: string;
  message: {
    id: string;
    direction: 'in' | 'out';
    sender: string;
    text: string;
    attachments?: { kind: string }[];
    event?: NonNullable<Conversation['lastMessage']>['event'];
    createdAt: string;
  };
}

/** Newest activity first, ties by id (the server's keyset order). */
export function compareConversations(a: Conversation, b: Conversation): number {
  if (a.lastMessageAt !== b.lastMessageAt) return a.lastMessageAt < b.lastMessageAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Whether a conversation belongs in the list under these filters (as the server decides). */
export function matchesFilters(
  c: Conversation,
  filters: ConversationFilters,
  userId: string,
  now = Date.now(),
): boolean {
  if (filters.view && viewOf(c, now) !== filters.view) return false;
  if (filters.creatorId && c.creatorId !== filters.creatorId) return false;
  if (filters.platform && c.platform !== filters.platform) return false;
  if (filters.status && c.status !== filters.status) return false;
  if (filters.assigned === 'me' && c.assignedTo !== userId) return false;
  if (filters.assigned === 'none' && c.assignedTo !== null) return false;
  if (filters.unread && c.unreadCount === 0) return false;
  if (filters.q) {
    const q = filters.q.toLowerCase();
    const hay = [c.fan.displayName, c.fan.username ?? '', c.lastMessage?.text ?? ''].join('\n').toLowerCase();
    if (!hay.includes(q)) return false;
  }
  return true;
}

/** Which list a conversation is in: resolved, snoozed (until a time still ahead), or open. */
export function viewOf(c: Conversation, now = Date.now()): 'open' | 'snoozed' | 'resolved' {
  if (c.status === 'closed') return 'resolved';
  if (c.snoozedUntil && Date.parse(c.snoozedUntil) > now) return 'snoozed';
  return 'open';
}

/**
 * A `message:new` applied to the list: the conversation moves to the top with its new last
 * message and unread count. Returns `unknown` when the conversation is not in the list
 * (the caller fetches it, since the event does not carry the fan or the creator).
 */
export function applyMessage(
  list: Conversation[],
  event: IncomingMessage,
  options: { openId?: string | null },
): { list: Conversation[]; unknown: boolean } {
  const index = list.findIndex((c) => c.id === event.conversationId);
  if (index === -1) return { list, unknown: true };
  const current = list[index]!;
  const { message } = event;
  const inbound = message.direction === 'in';
  const isOpen = options.openId === current.id;
  // Pushed again (a redelivery after a hub died): counted already, nothing changes.
  if (message.createdAt <= current.lastMessageAt) return { list, unknown: false };
  const updated: Conversation = {
    ...current,
    lastMessageAt: message.createdAt > current.lastMessageAt ? message.createdAt : current.lastMessageAt,
    lastMessage: {
      text: message.text,
      direction: message.direction,
      sender: message.sender,
      attachment: message.attachments?.[0]?.kind ?? null,
      ...(message.event ? { event: message.event } : {}),
    },
    unreadCount: inbound ? (isOpen ? 0 : current.unreadCount + 1) : 0,
    waitingSince: inbound ? (current.waitingSince ?? message.createdAt) : null,
  };
  return { list: upsert(list, updated), unknown: false };
}

/** Puts a conversation at its place in the order, replacing the old copy. */
export function upsert(list: Conversation[], conversation: Conversation): Conversation[] {
  const rest = list.filter((c) => c.id !== conversation.id);
  let at = rest.findIndex((c) => compareConversations(conversation, c) <= 0);
  if (at === -1) at = rest.length;
  return [...rest.slice(0, at), conversation, ...rest.slice(at)];
}

/** "3 min", "2 h", "4 d": how long ago, compact enough for a list row. */
export function shortDuration(fromIso: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}
