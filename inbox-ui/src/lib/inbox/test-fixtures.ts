import type { Conversation } from '../client';

/** A conversation as the hub lists it, for component tests to vary. */
export const conversationFixture: Conversation = {
  id: 'c1',
  creatorId: 'k1',
  creatorName: 'Lola',
  accountId: 'a1',
  platform: 'telegram',
  status: 'bot',
  assignedTo: null,
  assigneeEmail: null,
  unreadCount: 0,
  lastMessageAt: '2026-01-01T00:00:00.000Z',
  waitingSince: null,
  fan: { id: 'f1', displayName: 'Fan', username: null, language: null },
  lastMessage: null,
};
