import type { Db } from '../db/client';
import type { ServerEventPayload } from '../events';
import { notificationsRepo, type NewNotification } from '../db/repositories/notifications.repo';
import type { Queues } from '../queue/queues';
import { enqueue } from '../queue/queues';
import type { InboxPublisher } from '../realtime/inbox.publisher';
import { presentNotification } from './notification.presenter';

export interface NotifyDeps {
  db: Db;
  /** The undecorated publisher: `notification:new` goes to each person's own room. */
  publisher: InboxPublisher;
  /** Absent: nothing is pushed (tests of storage alone). */
  queues?: Queues;
  logger?: { warn: (obj: object, msg: string) => void };
}

export type NotificationInput = Omit<NewNotification, 'readAt' | 'acknowledgedAt'>;

/**
 * Stores one notification for everyone who may see its creator (admins only when it has
 * none), tells each of them live on their own room (every hub, through Redis), and queues
 * a web push that the push job sends only if the person wants that kind.
 */
export async function notify(deps: NotifyDeps, input: NotificationInput): Promise<number> {
  const userIds = await notificationsRepo.recipients(deps.db, input.creatorId ?? null);
  const rows = await notificationsRepo.insertFor(deps.db, userIds, input);
  for (const row of rows) {
    const named = await notificationsRepo.findOne(deps.db, row.userId, row.id);
    if (!named) continue;
    await deps.publisher.emit({ userId: row.userId }, 'notification:new', {
      notification: presentNotification(named.notification, named),
      unread: await notificationsRepo.unread(deps.db, row.userId),
    });
    if (deps.queues) {
      await enqueue(deps.queues, {
        name: 'push.notify',
        data: { kind: 'notification', notificationId: row.id },
      }).catch((error: unknown) =>
        deps.logger?.warn({ err: error, notificationId: row.id }, 'could not queue the push'),
      );
    }
  }
  return rows.length;
}

/**
 * Every `alert` emitted through this publisher is also stored as a notification, so no
 * alert is lost on a reload, whichever process raised it. Best effort after the alert.
 */
export function withNotifications(
  publisher: InboxPublisher,
  deps: Omit<NotifyDeps, 'publisher'>,
): InboxPublisher {
  return {
    ...publisher,
    async emit(target, event, payload) {
      await publisher.emit(target, event, payload);
      if (event !== 'alert') return;
      const alert = payload as ServerEventPayload<'alert'>;
      await notify(
        { ...deps, publisher },
        {
          kind: alert.kind,
          severity: alert.severity,
          message: alert.message,
          creatorId: alert.creatorId,
          conversationId: alert.conversationId ?? null,
          accountId: alert.accountId ?? null,
        },
      ).catch((error: unknown) =>
        deps.logger?.warn({ err: error, kind: alert.kind }, 'could not store the alert'),
      );
    },
  };
}
