import { and, eq, sql } from 'drizzle-orm';
import type { Role } from '../domain';
import { preparedRows, selectRows, type Db } from '../db/client';
import { pushSubscriptions } from '../db/schema';

export type PushSubscriptionRecord = typeof pushSubscriptions.$inferSelect;

export interface PushRecipient {
  subscriptionId: string;
  userId: string;
  role: Role;
  endpoint: string;
  p256dh: string;
  auth: string;
}

export const pushSubscriptionsRepo = {
  /** The endpoint belongs to one browser: whoever subscribes it last owns it. */
  /**
   * Registers (or refreshes the keys of) the caller's own subscription. An endpoint belongs
   * to the user who registered it first: another user's attempt changes nothing (undefined).
   */
  async upsert(
    db: Db,
    input: { userId: string; endpoint: string; p256dh: string; auth: string; userAgent: string | null },
  ): Promise<PushSubscriptionRecord | undefined> {
    const [row] = await db
      .insert(pushSubscriptions)
      .values(input)
      .onConflictDoUpdate({
        target: pushSubscriptions.endpoint,
        set: { p256dh: input.p256dh, auth: input.auth, userAgent: input.userAgent },
        setWhere: eq(pushSubscriptions.userId, input.userId),
      })
      .returning();
    return row;
  },

  /** Removes one of the user's own subscriptions; false when they had none at that endpoint. */
  async removeForUser(db: Db, userId: string, endpoint: string): Promise<boolean> {
    const rows = await db
      .delete(pushSubscriptions)
      .where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)))
      .returning({ id: pushSubscriptions.id });
    return rows.length > 0;
  },

  /** A push service said the subscription is gone (404/410). */
  async remove(db: Db, id: string): Promise<void> {
    await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
  },

  async endpointsForUser(db: Db, userId: string): Promise<string[]> {
    const rows = await db
      .select({ endpoint: pushSubscriptions.endpoint })
      .from(pushSubscriptions)
      .where(eq(pushSubscriptions.userId, userId));
    return rows.map((r) => r.endpoint);
  },

  /**
   * Whether anyone who may work on this creator has a device to push to: most drafts are
   * for creators nobody follows by push, and they need no push job at all.
   */
  async anyForCreator(db: Db, creatorId: string): Promise<boolean> {
    const rows = await preparedRows<{ one: number }>(
      db,
      'push_any_for_creator',
      sql`select 1 as one from push_subscriptions s join users u on u.id = s.user_id
          where u.disabled_at is null
            and (u.role = 'admin' or exists (
              select 1 from user_creators uc where uc.user_id = u.id and uc.creator_id = ${creatorId}))
          limit 1`,
    );
    return rows.length > 0;
  },

  /**
   * Subscriptions of enabled users who work on this creator (admins work on all), models
   * first; the caller still applies the policy.
   */
  async forCreator(db: Db, creatorId: string): Promise<PushRecipient[]> {
    return selectRows<PushRecipient>(
      db,
      sql`select s.id as "subscriptionId", s.user_id as "userId", u.role, s.endpoint, s.p256dh, s.auth
          from push_subscriptions s
          join users u on u.id = s.user_id
          where u.disabled_at is null
            and (u.role = 'admin' or exists (
              select 1 from user_creators uc where uc.user_id = u.id and uc.creator_id = ${creatorId}))
          order by (u.role = 'model') desc, s.created_at`,
    );
  },

  async forUser(db: Db, userId: string): Promise<PushRecipient[]> {
    return selectRows<PushRecipient>(
      db,
      sql`select s.id as "subscriptionId", s.user_id as "userId", u.role, s.endpoint, s.p256dh, s.auth
          from push_subscriptions s join users u on u.id = s.user_id
          where s.user_id = ${userId} and u.disabled_at is null`,
    );
  },
};
