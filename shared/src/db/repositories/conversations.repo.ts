import { and, desc, eq, gt, ilike, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { ConversationStatus, EscalationReason, Platform } from '../../domain';
import type { FanEvent } from '../../events';
import type { MessageRaw } from '../../platform';
import { fanEventOf } from '../../presenters/message.presenter';
import type { Db } from '../client';
import { prepareOnce } from '../prepared';
import { conversations, creators, fans, messages, platformAccounts, users } from '../schema';

export type ConversationRecord = typeof conversations.$inferSelect;

export interface ConversationFilter {
  /** undefined → every creator (admins). */
  creatorIds?: readonly string[];
  creatorId?: string;
  platform?: Platform;
  status?: ConversationStatus;
  /**
   * `open`: neither resolved nor snoozed; `snoozed`: snoozed until later; `resolved`:
   * closed by a person. Undefined: every conversation.
   */
  view?: ConversationView;
  assignedTo?: string | null;
  unread?: boolean;
  /** Matches the fan's name or username, or any message of the conversation. */
  search?: string;
  before?: { at: Date; id: string };
  /** Only this conversation (the detail view shares the list's row). */
  id?: string;
  limit: number;
}

export const CONVERSATION_VIEWS = ['open', 'snoozed', 'resolved'] as const;
export type ConversationView = (typeof CONVERSATION_VIEWS)[number];

export interface ConversationState {
  status?: ConversationStatus;
  assignedTo?: string | null;
  snoozedUntil?: Date | null;
  resolvedAt?: Date | null;
  /** Leaving `escalated` clears it unless given. */
  escalationReason?: EscalationReason | null;
}

export interface ConversationListRow {
  id: string;
  creatorId: string;
  creatorName: string;
  accountId: string;
  platform: Platform;
  status: ConversationStatus;
  assignedTo: string | null;
  assigneeEmail: string | null;
  unreadCount: number;
  lastMessageAt: Date;
  snoozedUntil: Date | null;
  resolvedAt: Date | null;
  escalationReason: EscalationReason | null;
  waitingSince: Date | null;
  fan: { id: string; displayName: string; username: string | null; language: string | null };
  /** `attachment`: the kind of the message's first file, so a photo without caption shows as one. */
  lastMessage: {
    text: string;
    direction: string;
    sender: string;
    attachment?: string | null;
    /** A subscription, tip or button press rather than typed words. */
    event?: FanEvent;
  } | null;
}

/** `%`, `_` and `\` are LIKE wildcards: a fan named "50%" is searched for literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A snooze that has run out counts as open: nothing has to wake it. */
function viewCondition(view: ConversationView): SQL {
  const snoozed = sql`${conversations.snoozedUntil} > now()`;
  if (view === 'resolved') return eq(conversations.status, 'closed');
  if (view === 'snoozed') return and(sql`${conversations.status} <> 'closed'`, snoozed)!;
  return and(
    sql`${conversations.status} <> 'closed'`,
    or(isNull(conversations.snoozedUntil), sql`${conversations.snoozedUntil} <= now()`),
  )!;
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
    const [row] = await prepareOnce(db, 'conversation_by_id', (on) =>
      on
        .select()
        .from(conversations)
        .where(eq(conversations.id, sql.placeholder('id')))
        .limit(1)
        .prepare('conversation_by_id'),
    ).execute({ id });
    return row;
  },

  async setState(db: Db, id: string, state: ConversationState): Promise<ConversationRecord | undefined> {
    // A reason belongs to one escalation: released, resolved or handed back, it no longer holds.
    const leaving =
      state.status !== undefined && state.status !== 'escalated' && !('escalationReason' in state);
    const values = leaving ? { ...state, escalationReason: null } : state;
    const [row] = await db.update(conversations).set(values).where(eq(conversations.id, id)).returning();
    return row;
  },

  /**
   * The operator inbox's rows: the conversation with its creator, fan, assignee, last
   * message and how long the fan has been waiting, newest activity first (keyset).
   */
  async list(db: Db, filter: ConversationFilter): Promise<ConversationListRow[]> {
    if (filter.creatorIds && filter.creatorIds.length === 0) return [];
    const pattern = filter.search ? likePattern(filter.search) : undefined;
    const where: (SQL | undefined)[] = [
      filter.id ? eq(conversations.id, filter.id) : undefined,
      filter.creatorIds ? inArray(conversations.creatorId, [...filter.creatorIds]) : undefined,
      filter.creatorId ? eq(conversations.creatorId, filter.creatorId) : undefined,
      filter.platform ? eq(platformAccounts.platform, filter.platform) : undefined,
      filter.status ? eq(conversations.status, filter.status) : undefined,
      filter.view ? viewCondition(filter.view) : undefined,
      filter.assignedTo === null
        ? isNull(conversations.assignedTo)
        : filter.assignedTo
          ? eq(conversations.assignedTo, filter.assignedTo)
          : undefined,
      filter.unread === true ? gt(conversations.unreadCount, 0) : undefined,
      filter.unread === false ? eq(conversations.unreadCount, 0) : undefined,
      pattern
        ? or(
            ilike(fans.displayName, pattern),
            ilike(fans.username, pattern),
            sql`exists (select 1 from ${messages} m where m.conversation_id = ${conversations.id} and m.text ilike ${pattern})`,
          )
        : undefined,
      filter.before
        ? or(
            lt(conversations.lastMessageAt, filter.before.at),
            and(eq(conversations.lastMessageAt, filter.before.at), lt(conversations.id, filter.before.id)),
          )
        : undefined,
    ];
    const rows = await db
      .select({
        id: conversations.id,
        creatorId: conversations.creatorId,
        creatorName: creators.pseudonym,
        accountId: conversations.accountId,
        platform: platformAccounts.platform,
        status: conversations.status,
        assignedTo: conversations.assignedTo,
        assigneeEmail: users.email,
        unreadCount: conversations.unreadCount,
        lastMessageAt: conversations.lastMessageAt,
        snoozedUntil: conversations.snoozedUntil,
        resolvedAt: conversations.resolvedAt,
        escalationReason: conversations.escalationReason,
        fanId: fans.id,
        fanName: fans.displayName,
        fanUsername: fans.username,
        fanLanguage: fans.language,
        last: sql<{
          text: string;
          direction: string;
          sender: string;
          attachment: string | null;
          raw: MessageRaw | null;
        } | null>`(
          select json_build_object('text', m.text, 'direction', m.direction, 'sender', m.sender,
                                   'attachment', m.attachments->0->>'kind',
                                   'raw', json_build_object('kind', m.raw->'kind', 'tip', m.raw->'tip'))
          from ${messages} m where m.conversation_id = ${conversations.id}
          order by m.created_at desc, m.id desc limit 1)`,
        // The first fan message after our last reply: the fan has waited since then.
        waitingSince: sql<string | null>`(
          select min(m.created_at) from ${messages} m
          where m.conversation_id = ${conversations.id} and m.direction = 'in'
            and m.created_at > coalesce((select max(o.created_at) from ${messages} o
              where o.conversation_id = ${conversations.id} and o.direction = 'out'), '-infinity'))`,
      })
      .from(conversations)
      .innerJoin(fans, eq(fans.id, conversations.fanId))
      .innerJoin(platformAccounts, eq(platformAccounts.id, conversations.accountId))
      .innerJoin(creators, eq(creators.id, conversations.creatorId))
      .leftJoin(users, eq(users.id, conversations.assignedTo))
      .where(and(...where))
      .orderBy(desc(conversations.lastMessageAt), desc(conversations.id))
      .limit(filter.limit);
    return rows.map((r) => ({
      id: r.id,
      creatorId: r.creatorId,
      creatorName: r.creatorName,
      accountId: r.accountId,
      platform: r.platform,
      status: r.status,
      assignedTo: r.assignedTo,
      assigneeEmail: r.assigneeEmail,
      unreadCount: r.unreadCount,
      lastMessageAt: new Date(r.lastMessageAt ?? 0),
      snoozedUntil: r.snoozedUntil,
      resolvedAt: r.resolvedAt,
      escalationReason: r.escalationReason,
      waitingSince: r.waitingSince ? new Date(r.waitingSince) : null,
      fan: { id: r.fanId, displayName: r.fanName, username: r.fanUsername, language: r.fanLanguage },
      lastMessage: r.last
        ? {
            text: r.last.text,
            direction: r.last.direction,
            sender: r.last.sender,
            attachment: r.last.attachment,
            ...fanEventOf(r.last.raw, r.last.text),
          }
        : null,
    }));
  },

  async markRead(db: Db, id: string): Promise<void> {
    await db.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, id));
  },
};
