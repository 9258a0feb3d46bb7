import type { NotificationRecord } from '../db/repositories/notifications.repo';
import type { NotificationView } from '../schemas/activity.schema';

export interface NotificationNames {
  creatorName: string | null;
  fanId: string | null;
  fanName: string | null;
  fanErased: Date | null;
}

/** Where a notification leads: the conversation, else the screen that deals with its kind. */
export function notificationUrl(
  row: Pick<NotificationRecord, 'kind' | 'conversationId' | 'accountId'>,
): string | null {
  if (row.conversationId) return `/inbox?conversation=${row.conversationId}`;
  if (row.accountId || row.kind === 'account_attention') return '/accounts';
  if (row.kind === 'backup_failed') return '/backups';
  if (row.kind === 'reel_missing') return '/planner';
  if (
    row.kind === 'response_time' ||
    row.kind === 'conversion' ||
    row.kind === 'llm_down' ||
    row.kind === 'memory_down'
  )
    return '/dashboard';
  return null;
}

/** The fan is named from their row at read time: an erased fan is not named at all. */
export function presentNotification(row: NotificationRecord, names: NotificationNames): NotificationView {
  return {
    id: String(row.id),
    kind: row.kind,
    severity: row.severity,
    message: row.message,
    creatorId: row.creatorId,
    creatorName: names.creatorName,
    conversationId: row.conversationId,
    accountId: row.accountId,
    fan: names.fanId && !names.fanErased ? { id: names.fanId, name: names.fanName?.trim() || 'Fan' } : null,
    url: notificationUrl(row),
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
  };
}
