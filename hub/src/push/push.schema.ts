import { z } from 'zod';

const base64url = (bytes: number) =>
  z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((bytes * 4) / 3)}}={0,2}$`),
      `must be ${bytes} bytes, base64url`,
    );

/** `PushSubscription.toJSON()` as browsers give it. */
export const subscribeBody = z.strictObject({
  endpoint: z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.strictObject({ p256dh: base64url(65), auth: base64url(16) }),
});
export type SubscribeBody = z.output<typeof subscribeBody>;

export const unsubscribeBody = z.strictObject({ endpoint: z.string().min(1).max(2048) });
