import { and, count, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { DEFAULT_PUSH, type PushKind } from '../../domain';
import type { Db } from '../client';
import {
  conversations,
  creators,
  fans,
  notificationPreferences,
  notifications,
  userCreators,
  users,
} from '../schema';

export type NotificationRecord = typeof notifications.$inferSelect;
export type NewNotification = Omit<typeof notifications.$inferInsert, 'id' | 'userId' | 'createdAt'>;

export const notificationsRepo = {
  /**
   * Enabled people who may see the creator (its team and every admin); admins only for an
   * agency-wide notification (no creator).
   */
  async recipients(db: Db, creatorId: string | null): Promise<string[]> {
    const rows = await db
      .selectDistinct({ id: users.id })
      .from(users)
      .leftJoin(userCreators, eq(userCreators.userId, users.id))
      .where(
        and(
          isNull(users.disabledAt),
          creatorId === null
            ? eq(users.role, 'admin')
            : or(eq(users.role, 'admin'), eq(userCreators.creatorId, creatorId)),
        ),
      );
    return rows.map((r) => r.id);
  },

  async insertFor(db: Db, userIds: readonly string[], input: NewNotification): Promise<NotificationRecord[]> {
    if (userIds.length === 0) return [];
    return db
      .insert(notifications)
      .values(userIds.map((userId) => ({ ...input, userId })))
      .returning();
  },

  /** One page of a person's notifications, newest first, with the creator and fan named. */
  async list(db: Db, userId: string, options: { unread?: boolean; before?: number; limit: number }) {
    return db
      .select({
        notification: notifications,
        creatorName: creators.pseudonym,
        fanId: fans.id,
        fanName: fans.displayName,
        fanErased: fans.erasedAt,
      })
      .from(notifications)
      .leftJoin(creators, eq(creators.id, notifications.creatorId))
      .leftJoin(conversations, eq(conversations.id, notifications.conversationId))
      .leftJoin(fans, eq(fans.id, conversations.fanId))
      .where(
        and(
          eq(notifications.userId, userId),
          options.unread === undefined
            ? undefined
            : options.unread
              ? isNull(notifications.readAt)
              : sql`${notifications.readAt} is not null`,
          options.before !== undefined ? lt(notifications.id, options.before) : undefined,
        ),
      )
      .orderBy(desc(notifications.id))
      .limit(options.limit);
  },

  async findOne(db: Db, userId: string, id: number) {
    const [row] = await notificationsRepo.list(db, userId, { before: id + 1, limit: 1 });
    return row && row.notification.id === id ? row : undefined;
  },

  async byId(db: Db, id: number): Promise<NotificationRecord | undefined> {
    const [row] = await db.select().from(notifications).where(eq(notifications.id, id));
    return row;
  },

  async unread(db: Db, userId: string): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)));
    return row?.n ?? 0;
  },

  /** Marks the person's own notifications read (the listed ones, or all); returns the ids changed. */
  async markRead(db: Db, userId: string, ids: readonly number[] | 'all', at: Date): Promise<number[]> {
    const rows = await db
      .update(notifications)
      .set({ readAt: at })
      .where(
        and(
          eq(notifications.userId, userId),
          isNull(notifications.readAt),
          ids === 'all' ? undefined : inArray(notifications.id, [...ids]),
        ),
      )
      .returning({ id: notifications.id });
    return rows.map((r) => r.id);
  },

  /** Acknowledged: the person has dealt with it (also read). Undefined when not theirs. */
  async acknowledge(db: Db, userId: string, id: number, at: Date) {
    const [row] = await db
      .update(notifications)
      .set({
        acknowledgedAt: sql`coalesce(${notifications.acknowledgedAt}, ${at.toISOString()}::timestamptz)`,
        readAt: sql`coalesce(${notifications.readAt}, ${at.toISOString()}::timestamptz)`,
      })
      .where(and(eq(notifications.userId, userId), eq(notifications.id, id)))
      .returning();
    return row;
  },

  /** Which kinds reach the person as web push: their choices over the defaults. */
  async pushPreferences(db: Db, userId: string): Promise<Record<PushKind, boolean>> {
    const [row] = await db
      .select({ push: notificationPreferences.push })
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId));
    return { ...DEFAULT_PUSH, ...(row?.push ?? {}) };
  },

  async setPushPreferences(
    db: Db,
    userId: string,
    push: Partial<Record<PushKind, boolean>>,
    at: Date,
  ): Promise<Record<PushKind, boolean>> {
    const merged = { ...(await notificationsRepo.pushPreferences(db, userId)), ...push };
    await db
      .insert(notificationPreferences)
      .values({ userId, push: merged, updatedAt: at })
      .onConflictDoUpdate({ target: notificationPreferences.userId, set: { push: merged, updatedAt: at } });
    return merged;
  },
};
