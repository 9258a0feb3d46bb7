import type { Job as BullJob } from 'bullmq';
import {
  can,
  enqueue,
  notificationsRepo,
  notificationUrl,
  pushSubscriptionsRepo,
  resolveVapidKeys,
  usersRepo,
  type Env,
  type JobData,
  type PushKind,
  type PushRecipient,
  type Role,
} from '@velvet/shared';
import type { WorkerContext } from '../context';
import { draftForPush, pendingSince } from './push.queries';
import { createWebPushSender, type PushMessage, type PushSender } from './web-push.sender';

/** The workers role runs with the process context, which carries the validated environment. */
export type PushContext = WorkerContext & {
  env?: Pick<Env, 'VAPID_PUBLIC_KEY' | 'VAPID_PRIVATE_KEY' | 'VAPID_SUBJECT' | 'PUBLIC_URL'>;
};

const PREVIEW_CHARS = 120;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * `push.notify`: tells the people who may approve a draft that it waits, on every device they
 * subscribed. One notification per user per quiet window; drafts arriving during the window
 * get one digest when it ends. Subscriptions the push service says are gone are deleted.
 */
export function createPushNotify(ctx: PushContext, send?: PushSender) {
  const { quiet_window: windowMs, ttl, preview } = ctx.config.push;
  let sender = send;
  // Resolved on first use, so a hub that never pushes needs no keys at start.
  const deliver: PushSender = (target, message) => {
    sender ??= createWebPushSender(resolveVapidKeys(ctx.env ?? {}, ctx.secrets.jwtKey));
    return sender(target, message);
  };
  const quietKey = (userId: string) => `${ctx.redisPrefix}:push:quiet:${userId}`;

  async function sendAll(recipients: PushRecipient[], message: PushMessage) {
    for (const target of recipients) {
      const host = new URL(target.endpoint).host;
      try {
        const { status } = await deliver(target, message);
        if (status === 404 || status === 410) {
          await pushSubscriptionsRepo.remove(ctx.db, target.subscriptionId);
          ctx.logger.info({ host, status }, 'push subscription expired; removed');
        } else if (status >= 400) {
          ctx.logger.warn({ host, status }, 'push service refused a notification');
        }
      } catch (error) {
        // The endpoint is a capability URL: log its host only.
        ctx.logger.warn({ host, err: (error as Error).message }, 'push delivery failed');
      }
    }
  }

  async function notifyDraft(draftId: string) {
    const draft = await draftForPush(ctx.db, draftId);
    if (!draft || draft.status !== 'pending_approval') return;
    const creatorId = draft.creatorId;
    const allowed = (await pushSubscriptionsRepo.forCreator(ctx.db, creatorId)).filter((r) =>
      can({ id: r.userId, role: r.role as Role, creatorIds: [creatorId] }, 'draft:decide', { creatorId }),
    );
    const byUser = new Map<string, PushRecipient[]>();
    for (const r of allowed) byUser.set(r.userId, [...(byUser.get(r.userId) ?? []), r]);
    for (const userId of byUser.keys()) if (!(await wants(userId, 'draft'))) byUser.delete(userId);
    const message: PushMessage = {
      urgency: 'high',
      ttlSeconds: Math.round(ttl / 1000),
      payload: {
        kind: 'draft',
        draftId,
        url: `/approvals#draft-${draftId}`,
        creatorName: draft.creatorName,
        fanName: clip(draft.fanName, 40),
        ...(preview ? { text: clip(draft.fanText, PREVIEW_CHARS) } : {}),
        title: `${draft.creatorName}: a reply waits for you`,
        body: preview
          ? `${clip(draft.fanName, 40)}: ${clip(draft.fanText, PREVIEW_CHARS)}`
          : 'Open to approve it',
      },
    };
    for (const [userId, recipients] of byUser) {
      const now = Date.now();
      const opened = await ctx.connection.set(quietKey(userId), String(now), 'PX', windowMs, 'NX');
      if (opened === 'OK') {
        await sendAll(recipients, message);
        continue;
      }
      // Inside this user's quiet window: one digest at its end covers this draft and the next.
      const since = Number(await ctx.connection.get(quietKey(userId))) || now;
      await enqueue(ctx.queues, {
        name: 'push.notify',
        data: { kind: 'digest', userId, since, at: since + windowMs },
      });
    }
  }

  async function notifyDigest(userId: string, since: number) {
    const user = await usersRepo.findById(ctx.db, userId);
    if (!user || user.disabledAt || !(await wants(userId, 'draft'))) return;
    const actor = { id: user.id, role: user.role, creatorIds: user.creatorIds };
    const scope =
      actor.role === 'admin'
        ? null
        : actor.creatorIds.filter((creatorId) => can(actor, 'draft:decide', { creatorId }));
    const { count, newestDraftId } = await pendingSince(ctx.db, scope, new Date(since));
    if (count === 0 || !newestDraftId) return;
    const recipients = await pushSubscriptionsRepo.forUser(ctx.db, userId);
    if (recipients.length === 0) return;
    await ctx.connection.set(quietKey(userId), String(Date.now()), 'PX', windowMs);
    await sendAll(recipients, {
      urgency: 'high',
      ttlSeconds: Math.round(ttl / 1000),
      topic: 'approvals-digest',
      payload: {
        kind: 'digest',
        count,
        draftId: newestDraftId,
        url: count === 1 ? `/approvals#draft-${newestDraftId}` : '/approvals',
        title: count === 1 ? 'A reply waits for you' : `${count} replies wait for you`,
        body: 'Open to approve them',
      },
    });
  }

  /** The person's own choice for this kind (their preferences over the defaults). */
  async function wants(userId: string, kind: PushKind): Promise<boolean> {
    return (await notificationsRepo.pushPreferences(ctx.db, userId))[kind];
  }

  /** A stored alert or notice, to its person's devices if they chose to get that kind. */
  async function notifyNotification(notificationId: number) {
    const row = await notificationsRepo.byId(ctx.db, notificationId);
    if (!row || row.readAt || !(await wants(row.userId, row.kind))) return;
    const user = await usersRepo.findById(ctx.db, row.userId);
    if (!user || user.disabledAt) return;
    const recipients = await pushSubscriptionsRepo.forUser(ctx.db, row.userId);
    if (recipients.length === 0) return;
    await sendAll(recipients, {
      urgency: row.severity === 'critical' ? 'high' : 'normal',
      ttlSeconds: Math.round(ttl / 1000),
      payload: {
        kind: 'notification',
        notificationId: String(row.id),
        notificationKind: row.kind,
        url: notificationUrl(row) ?? '/',
        title: row.severity === 'critical' ? 'Velvet: needs you now' : 'Velvet',
        body: clip(row.message, PREVIEW_CHARS),
      },
    });
  }

  return async function pushNotify(job: BullJob<JobData<'push.notify'>>): Promise<void> {
    const data = job.data;
    if (data.kind === 'draft') await notifyDraft(data.draftId);
    else if (data.kind === 'notification') await notifyNotification(data.notificationId);
    else await notifyDigest(data.userId, data.since);
  };
}
