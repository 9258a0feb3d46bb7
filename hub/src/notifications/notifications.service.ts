import {
  NotFound,
  notificationsRepo,
  presentNotification,
  type Actor,
  type InboxPublisher,
  type MarkNotificationsBody,
  type PushKind,
} from '@velvet/shared';
import type { HubContext } from '../context';

/** A person's own notifications: nobody reads or marks another's, so no role rule applies. */
export function createNotificationsService(
  ctx: Pick<HubContext, 'db' | 'now'>,
  deps: { publisher: InboxPublisher },
) {
  async function announceRead(userId: string, ids: number[]) {
    if (ids.length === 0) return;
    // The person's other tabs and devices lower their count too.
    await deps.publisher.emit({ userId }, 'notification:read', {
      ids: ids.map(String),
      unread: await notificationsRepo.unread(ctx.db, userId),
    });
  }

  return {
    async list(actor: Actor, query: { unread?: 'true' | 'false'; cursor?: string; limit: number }) {
      const rows = await notificationsRepo.list(ctx.db, actor.id, {
        unread: query.unread === undefined ? undefined : query.unread === 'true',
        before: query.cursor ? Number(query.cursor) : undefined,
        limit: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return {
        notifications: page.map((row) => presentNotification(row.notification, row)),
        unread: await notificationsRepo.unread(ctx.db, actor.id),
        nextCursor: rows.length > query.limit ? String(page.at(-1)!.notification.id) : null,
      };
    },

    async markRead(actor: Actor, body: MarkNotificationsBody) {
      const ids = await notificationsRepo.markRead(
        ctx.db,
        actor.id,
        'all' in body ? 'all' : body.ids.map(Number),
        ctx.now(),
      );
      await announceRead(actor.id, ids);
      return { read: ids.map(String), unread: await notificationsRepo.unread(ctx.db, actor.id) };
    },

    async acknowledge(actor: Actor, id: number) {
      const before = await notificationsRepo.byId(ctx.db, id);
      if (!before || before.userId !== actor.id) throw new NotFound('Notification');
      const row = await notificationsRepo.acknowledge(ctx.db, actor.id, id, ctx.now());
      if (!row) throw new NotFound('Notification');
      if (!before.readAt) await announceRead(actor.id, [id]);
      const named = await notificationsRepo.findOne(ctx.db, actor.id, id);
      return {
        notification: presentNotification(
          row,
          named ?? { creatorName: null, fanId: null, fanName: null, fanErased: null },
        ),
        unread: await notificationsRepo.unread(ctx.db, actor.id),
      };
    },

    async preferences(actor: Actor) {
      return { push: await notificationsRepo.pushPreferences(ctx.db, actor.id) };
    },

    async setPreferences(actor: Actor, push: Partial<Record<PushKind, boolean>>) {
      return { push: await notificationsRepo.setPushPreferences(ctx.db, actor.id, push, ctx.now()) };
    },
  };
}
