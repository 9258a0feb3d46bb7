import { z } from 'zod';
import type { ApiRoute } from '../http/openapi';

/** A webhook's answer: 2xx only once the message is stored; a repeated delivery is a `duplicate`. */
export const webhookReply = z.object({
  ok: z.literal(true),
  duplicate: z.boolean().optional(),
  /** Why nothing was stored (an update kind Velvet does not read, a group chat with groups off). */
  ignored: z.string().optional(),
});

export const webhooksApi: ApiRoute[] = [
  {
    route: 'POST /webhooks/:platform/:accountId',
    summary: 'A platform delivers fan messages, button presses, payments and account notices',
    access: 'the platform, by its own signature or secret header',
    auth: 'signature',
    description:
      'Each platform’s own payload and signature scheme (Telegram: `X-Telegram-Bot-Api-Secret-Token`; Fanvue: `X-Fanvue-Signature`; OnlyFans API providers: `Signature`). A wrong or missing signature answers 401 and stores nothing.',
    params: z.object({ platform: z.string(), accountId: z.uuid() }),
    body: {
      contentType: 'application/json',
      description: 'The platform’s payload, as it sends it',
      schema: { type: 'object' },
    },
    responses: { 200: { description: 'Stored (or a known duplicate, or ignored)', schema: webhookReply } },
    errors: [400, 401, 413],
  },
];
