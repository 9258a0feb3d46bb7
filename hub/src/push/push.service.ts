import { authorize } from '../http/authorize';
import {
  Conflict,
  Invalid,
  pushSubscriptionsRepo,
  resolveVapidKeys,
  type Actor,
  type VelvetConfig,
} from '@velvet/shared';
import type { HubContext } from '../context';
import { ValidationFailed } from '../http/validate';
import type { SubscribeBody } from './push.schema';

/** Whether the push service behind this endpoint is one the deployment sends to. */
export function endpointAllowed(endpoint: string, config: VelvetConfig['push']): boolean {
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && !(config.allow_http && url.protocol === 'http:')) return false;
  return config.allowed_hosts.some((host) =>
    host.startsWith('.') ? url.hostname.endsWith(host) : url.hostname === host,
  );
}

/** Phones, tablets and browsers one person may register; each gets every notification. */
const MAX_DEVICES = 10;

/** Devices that want a notification when a draft waits for their user. */
export function createPushService(ctx: HubContext) {
  // Resolved once at start: a bad VAPID pair in the environment stops the hub right away.
  const { publicKey } = resolveVapidKeys(ctx.env, ctx.secrets.jwtKey);

  return {
    publicKey: () => publicKey,

    async subscribe(actor: Actor, body: SubscribeBody, userAgent: string | undefined) {
      authorize(actor, 'draft:decide');
      if (!endpointAllowed(body.endpoint, ctx.config.push)) {
        throw new ValidationFailed([
          { path: 'endpoint', message: 'is not a push service this hub sends to' },
        ]);
      }
      const devices = await pushSubscriptionsRepo.endpointsForUser(ctx.db, actor.id);
      if (devices.length >= MAX_DEVICES && !devices.includes(body.endpoint)) {
        throw new Invalid(`At most ${MAX_DEVICES} devices get notifications; turn them off on one first`);
      }
      const row = await pushSubscriptionsRepo.upsert(ctx.db, {
        userId: actor.id,
        endpoint: body.endpoint,
        p256dh: body.keys.p256dh,
        auth: body.keys.auth,
        userAgent: userAgent?.slice(0, 300) ?? null,
      });
      if (!row) throw new Conflict('This push endpoint is registered to another user');
      return { id: row.id };
    },

    async unsubscribe(actor: Actor, endpoint: string) {
      return { removed: await pushSubscriptionsRepo.removeForUser(ctx.db, actor.id, endpoint) };
    },
  };
}

export type PushService = ReturnType<typeof createPushService>;
