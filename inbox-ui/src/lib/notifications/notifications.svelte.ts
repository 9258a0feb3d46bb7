import { z } from 'zod';
import {
  notificationResponse,
  notificationsPageResponse,
  pushPreferencesResponse,
  type NotificationView,
} from '@velvet/shared/contract';
import type { PushKind } from '@velvet/shared/domain';
import { session } from '$lib/session.svelte';
import type { InboxSocket } from '$lib/socket.svelte';

const markedResponse = z.object({ read: z.array(z.string()), unread: z.number() });
const ackResponse = z.object({ notification: notificationResponse, unread: z.number() });

export const notificationsApi = {
  list: (cursor?: string | null) =>
    session.request(
      notificationsPageResponse,
      `/api/notifications?limit=30${cursor ? `&cursor=${cursor}` : ''}`,
    ),
  read: (ids: string[] | 'all') =>
    session.request(markedResponse, '/api/notifications/read', {
      method: 'POST',
      body: ids === 'all' ? { all: true } : { ids: ids.map(Number) },
    }),
  acknowledge: (id: string) =>
    session.request(ackResponse, `/api/notifications/${encodeURIComponent(id)}/ack`, {
      method: 'POST',
      body: {},
    }),
  preferences: () => session.request(pushPreferencesResponse, '/api/notifications/preferences'),
  setPreferences: (push: Partial<Record<PushKind, boolean>>) =>
    session.request(pushPreferencesResponse, '/api/notifications/preferences', {
      method: 'PUT',
      body: { push },
    }),
};

/**
 * The signed-in person's notifications: the newest page and the unread count, kept live by
 * `notification:new` and `notification:read` (sent to every device of the person).
 */
class NotificationsState {
  items = $state<NotificationView[]>([]);
  unread = $state(0);
  loaded = $state(false);
  failed = $state(false);
  nextCursor = $state<string | null>(null);

  async load() {
    const result = await notificationsApi.list();
    if (!result.ok) return void (this.failed = true);
    this.failed = false;
    this.items = result.data.notifications;
    this.unread = result.data.unread;
    this.nextCursor = result.data.nextCursor;
    this.loaded = true;
  }

  async loadMore() {
    if (!this.nextCursor) return;
    const result = await notificationsApi.list(this.nextCursor);
    if (!result.ok) return;
    const known = new Set(this.items.map((n) => n.id));
    this.items = [...this.items, ...result.data.notifications.filter((n) => !known.has(n.id))];
    this.nextCursor = result.data.nextCursor;
  }

  /** Optimistic: the count drops at once; the server's answer sets it right. */
  async markRead(ids: string[] | 'all') {
    const now = new Date().toISOString();
    const hit = (n: NotificationView) => ids === 'all' || ids.includes(n.id);
    const before = this.items;
    const newlyRead = this.items.filter((n) => hit(n) && !n.readAt).length;
    if (newlyRead === 0 && ids !== 'all') return;
    this.items = this.items.map((n) => (hit(n) && !n.readAt ? { ...n, readAt: now } : n));
    this.unread = Math.max(0, this.unread - newlyRead);
    const result = await notificationsApi.read(ids);
    if (result.ok) this.unread = result.data.unread;
    else this.items = before;
  }

  async acknowledge(id: string) {
    const result = await notificationsApi.acknowledge(id);
    if (!result.ok) return false;
    this.items = this.items.map((n) => (n.id === id ? result.data.notification : n));
    this.unread = result.data.unread;
    return true;
  }

  listen(socket: InboxSocket): () => void {
    const added = (event: { notification: NotificationView; unread: number }) => {
      if (!this.items.some((n) => n.id === event.notification.id))
        this.items = [event.notification, ...this.items];
      this.unread = event.unread;
    };
    const read = (event: { ids: string[]; unread: number }) => {
      const now = new Date().toISOString();
      this.items = this.items.map((n) => (event.ids.includes(n.id) && !n.readAt ? { ...n, readAt: now } : n));
      this.unread = event.unread;
    };
    socket.on('notification:new', added);
    socket.on('notification:read', read);
    return () => {
      socket.off('notification:new', added);
      socket.off('notification:read', read);
    };
  }

  reset() {
    this.items = [];
    this.unread = 0;
    this.loaded = false;
    this.nextCursor = null;
  }
}

export const notifications = new NotificationsState();
