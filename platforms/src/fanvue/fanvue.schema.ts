import { z } from 'zod';

/*
 * Fanvue's wire shapes (api.fanvue.com, auth.fanvue.com, November 2026), all in one place:
 * the connector and the stand-in both read them from here. Facts PLATFORMS.md marks
 * unconfirmed (event type strings, the price unit, the rate-limit reset unit) are named
 * here once, so a correction is one line.
 */

/** Sent on every API call; a missing or unknown one is a 400, a retired one a 410. */
export const FANVUE_API_VERSION = '2025-06-26';
export const FANVUE_VERSION_HEADER = 'x-fanvue-api-version';
export const FANVUE_SIGNATURE_HEADER = 'x-fanvue-signature';
/** How old a signed webhook may be, either way. */
export const FANVUE_SIGNATURE_TOLERANCE_S = 300;
/** The scopes chat needs; `offline_access` is what brings a refresh token. */
export const FANVUE_SCOPES = [
  'openid',
  'offline_access',
  'offline',
  'read:self',
  'read:chat',
  'write:chat',
  'read:fan',
  'read:creator',
] as const;
/** Fanvue's per-token bucket: 200 requests a minute. */
export const FANVUE_BUCKET = { requests: 200, windowMs: 60_000 } as const;
/**
 * Unconfirmed: the unit of `price` on a paid message. Velvet sends cents (integer minor
 * units); if Fanvue's OpenAPI says whole currency units, this becomes 1.
 */
export const FANVUE_PRICE_CENTS_PER_UNIT = 100;
export const FANVUE_TEXT_MAX = 5000;

/**
 * Webhook event types, Fanvue's current `creator.*` topics and the legacy flat names
 * (unconfirmed which a given app receives: both are read).
 */
export const FANVUE_EVENTS = {
  message: ['creator.message.received', 'message.received'],
  subscriber: ['creator.subscriber.new', 'creator.subscription.new', 'subscription.new'],
  purchase: ['creator.purchase.received', 'purchase.new'],
  tip: ['creator.tip.received', 'tip.new'],
} as const;

const uuid = z.string().min(1).max(100);

/** A Fanvue user as events and chats embed it. */
export const fvUser = z.looseObject({
  uuid,
  handle: z.string().max(200).optional(),
  displayName: z.string().max(500).nullish(),
});

/** Every webhook call: Fanvue's own event id and type, and the event under `data`. */
export const fvWebhookEnvelope = z.looseObject({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(100),
  createdAt: z.string().max(64).optional(),
  data: z.unknown(),
});

export const fvMessageReceived = z.looseObject({
  messageUuid: uuid,
  sender: fvUser,
  text: z.string().max(100_000).nullish(),
  sentAt: z.string().max(64).optional(),
});

export const fvNewSubscriber = z.looseObject({
  subscriber: fvUser,
  subscribedAt: z.string().max(64).optional(),
});

/** A fan bought something: a paid message (`messageUuid`) or another item. Amounts in cents. */
export const fvPurchaseReceived = z.looseObject({
  purchaseUuid: uuid,
  buyer: fvUser,
  amount: z.number().int().nonnegative(),
  currency: z.string().min(3).max(3),
  messageUuid: uuid.nullish(),
});

export const fvTipReceived = z.looseObject({
  tipUuid: uuid,
  sender: fvUser,
  amount: z.number().int().nonnegative(),
  currency: z.string().min(3).max(3),
  message: z.string().max(5000).nullish(),
});

/** `POST /chats/{userUuid}/message`. */
export const fvSendMessageBody = z
  .strictObject({
    text: z.string().min(1).max(FANVUE_TEXT_MAX),
    mediaUuids: z.array(uuid).max(50).optional(),
    price: z.number().int().positive().optional(),
    templateUuid: uuid.optional(),
  })
  .refine((b) => !b.price || (b.mediaUuids?.length ?? 0) > 0, {
    message: 'mediaUuids is required when price is set',
  });
export type FvSendMessageBody = z.infer<typeof fvSendMessageBody>;

export const fvSendMessageResponse = z.looseObject({ messageUuid: uuid });

/*
 * Media: Fanvue's multipart upload session (PLATFORMS.md: "upload session → parts → status
 * created/processing/ready/error"). The flow, as Fanvue's clients use it:
 *   1. `POST /media/uploads` {name, filename, mediaType} → {uploadId, mediaUuid}
 *   2. per part: `GET /media/uploads/{uploadId}/parts/{partNumber}/url` → a pre-signed
 *      storage URL; `PUT` the bytes there without the bearer token; storage answers `ETag`
 *   3. `PATCH /media/uploads/{uploadId}` {parts: [{PartNumber, ETag}]} → {status}
 *   4. `GET /media/{mediaUuid}` until `status` is `ready`; the `mediaUuid` then goes in a
 *      message's `mediaUuids`. Media URLs Fanvue hands back are signed and expire: only the
 *      `mediaUuid` is worth keeping.
 * Unconfirmed (not in PLATFORMS.md, read them off the OpenAPI document when it is at hand):
 * the exact paths of steps 2–4, `name` and `filename` as the create fields, whether the
 * part-URL answer is a bare JSON string or `{url}` (both are read), the S3-style
 * `PartNumber`/`ETag` casing, the part size (10 MiB here; S3 needs ≥ 5 MiB but the last),
 * and `failed` as a synonym of `error` (both are read as a processing failure).
 */
export const FANVUE_UPLOAD_PART_BYTES = 10 * 1024 * 1024;
export const FANVUE_MEDIA_READY = 'ready';
export const FANVUE_MEDIA_PENDING: readonly string[] = ['created', 'processing'];
export const FANVUE_MEDIA_FAILED: readonly string[] = ['error', 'failed'];

/** Step 1: `POST /media/uploads`. */
export const fvCreateUploadBody = z.strictObject({
  name: z.string().min(1).max(255),
  filename: z.string().min(1).max(255),
  mediaType: z.enum(['image', 'video']),
});
export type FvCreateUploadBody = z.infer<typeof fvCreateUploadBody>;
export const fvCreateUploadResponse = z.looseObject({
  uploadId: z.string().min(1).max(2000),
  mediaUuid: uuid,
});

/** Step 2: `GET /media/uploads/{uploadId}/parts/{partNumber}/url`: a JSON string or `{url}`. */
export const fvPartUrlResponse = z
  .union([z.url({ protocol: /^https?$/ }), z.looseObject({ url: z.url({ protocol: /^https?$/ }) })])
  .transform((answer) => (typeof answer === 'string' ? answer : answer.url));

/** Step 3: `PATCH /media/uploads/{uploadId}`; `ETag` is storage's header as sent, quotes kept. */
export const fvCompleteUploadBody = z.strictObject({
  parts: z
    .array(
      z.strictObject({
        PartNumber: z.number().int().min(1).max(10_000),
        ETag: z.string().min(1).max(200),
      }),
    )
    .min(1),
});
export type FvCompleteUploadBody = z.infer<typeof fvCompleteUploadBody>;
export const fvCompleteUploadResponse = z.looseObject({ status: z.string().max(50).optional() });

/** Step 4: `GET /media/{mediaUuid}`. */
export const fvMediaStatus = z.looseObject({
  mediaUuid: uuid.optional(),
  status: z.string().min(1).max(50),
});

/** `GET /users/me`: who the token speaks for. */
export const fvMe = z.looseObject({
  uuid,
  handle: z.string().max(200).optional(),
  displayName: z.string().max(500).nullish(),
  isCreator: z.boolean().optional(),
});

/** The token endpoint's answer (RFC 6749 §5.1). */
export const fvTokenResponse = z.looseObject({
  access_token: z.string().min(1).max(10_000),
  refresh_token: z.string().min(1).max(10_000).optional(),
  expires_in: z
    .number()
    .positive()
    .max(86_400 * 30),
  token_type: z.string().max(50).optional(),
  scope: z.string().max(2000).optional(),
});

/** Error bodies: the API's `{message}`/`{error}` and OAuth's `{error, error_description}`. */
export const fvErrorBody = z.looseObject({
  error: z.string().max(2000).optional(),
  error_description: z.string().max(2000).optional(),
  message: z.string().max(2000).optional(),
  nextVersion: z.string().max(64).optional(),
});

/** What Velvet keeps for one connected Fanvue account (sealed at rest). */
export const fanvueStoredCredentials = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1),
  /** ISO time the access token stops working. */
  expiresAt: z.string().min(1),
  userUuid: z.string().min(1),
});
export type FanvueStoredCredentials = z.infer<typeof fanvueStoredCredentials>;
