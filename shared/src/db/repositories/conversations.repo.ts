import { and, desc, eq, gt, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { ConversationStatus } from '../../domain';
import type { Db } from '../client';
import { conversations, fans, messages, platformAccounts } from '../schema';

export type ConversationRecord = typeof conversations.$inferSelect;

export interface ConversationFilter {
  /** undefined → every creator (admins). */
  creatorIds?: readonly string[];
  creatorId?: string;
  status?: ConversationStatus;
  assignedTo?: string | null;
  unread?: boolean;
  /** Conversations older than this (last_message_at, id) cursor. */
  before?: { at: Date; id: string };
  limit: number;
}

export interface ConversationListRow {
  id: string;
  creatorId: string;
  accountId: string;
  platform: string;
  status: string;
  assignedTo: string | null;
  unreadCount: number;
  lastMessageAt: Date;
  fan: { id: string; displayName: string; username: string | null; language: string | null };
  lastMessage: { text: string; direction: string; sender: string } | null;
}

export const conversationsRepo = {
  async touchOutbound(db: Db, id: string, at: Date): Promise<void> {
    await db
      .update(conversations)
      .set({
        unreadCount: 0,
        lastMessageAt: sql`greatest(${conversations.lastMessageAt}, ${at.toISOString()}::timestamptz)`,
      })
      .where(eq(conversations.id, id));
  },

  async findById(db: Db, id: string): Promise<ConversationRecord | undefined> {
    const [row] = await db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
    return row;
  },

  async setState(
    db: Db,
    id: string,
    state: { status?: ConversationStatus; assignedTo?: string | null },
  ): Promise<ConversationRecord | undefined> {
    const [row] = await db.update(conversations).set(state).where(eq(conversations.id, id)).returning();
    return row;
  },

  async list(db: Db, filter: ConversationFilter): Promise<ConversationListRow[]> {
    if (filter.creatorIds && filter.creatorIds.length === 0) return [];
    const where: (SQL | undefined)[] = [
      filter.creatorIds ? inArray(conversations.creatorId, [...filter.creatorIds]) : undefined,
      filter.creatorId ? eq(conversations.creatorId, filter.creatorId) : undefined,
      filter.status ? eq(conversations.status, filter.status) : undefined,
      filter.assignedTo === null
        ? isNull(conversations.assignedTo)
        : filter.assignedTo
          ? eq(conversations.assignedTo, filter.assignedTo)
          : undefined,
      filter.unread === true ? gt(conversations.unreadCount, 0) : undefined,
      filter.unread === false ? eq(conversations.unreadCount, 0) : undefined,
      filter.before
        ? or(
            lt(conversations.lastMessageAt, filter.before.at),
            and(eq(conversations.lastMessageAt, filter.before.at), lt(conversations.id, filter.before.id)),
          )
        : undefined,
    ];
    const lastMessage = db
      .select({ text: messages.text, direction: messages.direction, sender: messages.sender })
      .from(messages)
      .where(eq(messages.conversationId, conversations.id))
      .orderBy(desc(messages.createdAt), desc(messages.id))
      .limit(1);
    const rows = await db
      .select({
        id: conversations.id,
        creatorId: conversations.creatorId,
        accountId: conversations.accountId,
        platform: platformAccounts.platform,
        status: conversations.status,
        assignedTo: conversations.assignedTo,
        unreadCount: conversations.unreadCount,
        lastMessageAt: conversations.lastMessageAt,
        fanId: fans.id,
        fanName: fans.displayName,
        fanUsername: fans.username,
        fanLanguage: fans.language,
        last: sql<{
          text: string;
          direction: string;
          sender: string;
        } | null>`(select row_to_json(l) from (${lastMessage}) l)`,
      })
      .from(conversations)
      .innerJoin(fans, eq(fans.id, conversations.fanId))
      .innerJoin(platformAccounts, eq(platformAccounts.id, conversations.accountId))
      .where(and(...where))
      .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(filter.limit);
    return rows.map((r) => ({
      id: r.id,
      creatorId: r.creatorId,
      accountId: r.accountId,
      platform: r.platform,
      status: r.status,
      assignedTo: r.assignedTo,
      unreadCount: r.unreadCount,
      lastMessageAt: new Date(r.lastMessageAt ?? 0),
      fan: { id: r.fanId, displayName: r.fanName, username: r.fanUsername, language: r.fanLanguage },
      lastMessage: r.last,
    }));
  },

  async markRead(db: Db, id: string): Promise<void> {
    await db.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, id));
  },
};
