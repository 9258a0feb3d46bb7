import { z } from 'zod';
import type { ApiRoute } from '../http/openapi';
import { subscribeBody, unsubscribeBody } from './push.schema';

export const pushApi: ApiRoute[] = [
  {
    route: 'GET /api/push/vapid-public-key',
    summary: 'The key a browser subscribes to web push with',
    access: 'any signed-in user',
    auth: 'bearer',
    responses: { 200: { description: 'The VAPID public key', schema: z.object({ publicKey: z.string() }) } },
  },
  {
    route: 'POST /api/push/subscriptions',
    summary: 'Subscribe this device to web push',
    access: 'any signed-in user (for themselves)',
    auth: 'bearer',
    body: subscribeBody,
    responses: { 201: { description: 'The subscription', schema: z.object({ id: z.uuid() }) } },
  },
  {
    route: 'DELETE /api/push/subscriptions',
    summary: 'Unsubscribe a device',
    access: 'any signed-in user (their own devices)',
    auth: 'bearer',
    body: unsubscribeBody,
    responses: { 204: { description: 'Unsubscribed' } },
  },
];
