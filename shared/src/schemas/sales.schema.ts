import { z } from 'zod';
import {
  FOLLOW_UP_KINDS,
  FOLLOW_UP_STATUSES,
  OFFER_STATUSES,
  PACK_TYPES,
  PLATFORMS,
  REFUND_KINDS,
} from '../domain';

const text = (max: number) =>
  z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

const httpsUrl = z
  .url({ message: 'must be a URL' })
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL');

/** The name the hub gives an uploaded pack file: a UUID and the extension of its sniffed type. */
export const PACK_MEDIA_FILE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(jpg|png|webp|mp4|webm)$/;

/** Prices travel as decimal amounts in the pack's currency ("price": 10 → 10 €). */
const price = z
  .number({ message: 'must be a number' })
  .min(0, 'must be 0 or more')
  .max(100_000, 'must be at most 100000')
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, 'has more than 2 decimals');

export const packFields = {
  name: text(32),
  type: z.enum(PACK_TYPES, { message: `must be one of ${PACK_TYPES.join(', ')}` }),
  price,
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code such as EUR')
    .default('EUR'),
  priceStars: z.number().int().min(1).max(100_000).nullable().default(null),
  description: z.string().max(255, 'must be at most 255 characters').default(''),
  media: z
    .array(
      z.union(
        [
          z.strictObject({
            kind: z.enum(['photo', 'video', 'document']),
            url: httpsUrl,
            caption: z.string().max(1024).optional(),
          }),
          // A file uploaded with `POST /api/creators/:id/pack-media`, kept by the hub.
          z.strictObject({
            kind: z.enum(['photo', 'video']),
            file: z.string().regex(PACK_MEDIA_FILE, 'must be a file name given by the pack media upload'),
            caption: z.string().max(1024).optional(),
          }),
        ],
        { message: 'must be {kind, url} or {kind, file} of an uploaded file' },
      ),
    )
    .max(50)
    .default([]),
  platforms: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length).default([]),
  checkoutUrl: httpsUrl.nullable().default(null),
  active: z.boolean().default(true),
};

export type PackMediaItem = z.output<typeof packFields.media>[number];

export const createPackBody = z.strictObject(packFields);
export const patchPackBody = z
  .strictObject({
    name: packFields.name,
    type: packFields.type,
    price,
    currency: z.string().regex(/^[A-Z]{3}$/, 'must be a 3-letter currency code such as EUR'),
    priceStars: z.number().int().min(1).max(100_000).nullable(),
    description: z.string().max(255),
    media: packFields.media.unwrap(),
    platforms: z.array(z.enum(PLATFORMS)),
    checkoutUrl: httpsUrl.nullable(),
    active: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');
export type CreatePackBody = z.output<typeof createPackBody>;

export const createPromoBody = z
  .strictObject({
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{3,20}$/, 'must be 3–20 letters, digits, _ or -'),
    kind: z.enum(['percent', 'fixed']),
    /** Percent off (1–100), or an amount off in the currency (5 → 5 €). */
    value: z.number().positive('must be more than 0'),
    expiresAt: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).nullable().default(null),
    maxUses: z.number().int().positive().nullable().default(null),
    maxUsesPerFan: z.number().int().positive().default(1),
    active: z.boolean().default(true),
  })
  .refine((body) => body.kind !== 'percent' || body.value <= 100, {
    message: 'a percentage is at most 100',
    path: ['value'],
  });
export type CreatePromoBody = z.output<typeof createPromoBody>;

export const patchPromoBody = z
  .strictObject({
    active: z.boolean(),
    expiresAt: z.iso.datetime({ offset: true }).nullable(),
    maxUses: z.number().int().positive().nullable(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, 'nothing to change');

export const createOfferBody = z.strictObject({
  packId: z.uuid({ message: 'must be a pack id' }),
  promoCode: z.string().trim().max(20).optional(),
});

export const SALES_GROUPS = ['creator', 'pack', 'intent', 'platform', 'seller'] as const;
export const salesMetricsQuery = z.strictObject({
  creatorId: z.uuid().optional(),
  by: z.enum(SALES_GROUPS).default('pack'),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

// What the sales routes answer (the presenters' fields).

export const packView = z.object({
  id: z.uuid(),
  creatorId: z.uuid(),
  name: z.string(),
  type: z.enum(PACK_TYPES),
  /** Decimal amount in `currency`; `priceCents` is the same in minor units. */
  price: z.number(),
  priceCents: z.number().int(),
  currency: z.string(),
  priceStars: z.number().int().nullable(),
  description: z.string(),
  /** A file at an address, or one uploaded to the creator's pack media (`file`). */
  media: z.array(
    z.union([
      z.object({
        kind: z.enum(['photo', 'video', 'document']),
        url: z.string(),
        caption: z.string().optional(),
      }),
      z.object({ kind: z.enum(['photo', 'video']), file: z.string(), caption: z.string().optional() }),
    ]),
  ),
  platforms: z.array(z.enum(PLATFORMS)),
  checkoutUrl: z.string().nullable(),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** What `POST /api/creators/:id/pack-media` answers: the stored file, to put in a pack's media. */
export const packMediaUpload = z.object({
  kind: z.enum(['photo', 'video']),
  file: z.string(),
  mimeType: z.string(),
  size: z.number(),
  url: z.string(),
});

export const promoView = z.object({
  id: z.uuid(),
  creatorId: z.uuid(),
  code: z.string(),
  kind: z.enum(['percent', 'fixed']),
  value: z.number(),
  expiresAt: z.string().nullable(),
  maxUses: z.number().int().nullable(),
  maxUsesPerFan: z.number().int(),
  uses: z.number().int(),
  active: z.boolean(),
});

/** The panel's name for it. */
export const promoCodeView = promoView;

export const offerView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  creatorId: z.uuid(),
  fanId: z.uuid(),
  packId: z.uuid(),
  packName: z.string(),
  priceCents: z.number().int(),
  listPriceCents: z.number().int(),
  currency: z.string(),
  priceStars: z.number().int().nullable(),
  promoCode: z.string().nullable(),
  status: z.enum(OFFER_STATUSES),
  offeredBy: z.enum(['ai', 'human']),
  expiresAt: z.string(),
  createdAt: z.string(),
});

export const followUpView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  creatorId: z.uuid(),
  offerId: z.uuid().nullable(),
  packId: z.uuid().nullable(),
  kind: z.enum(FOLLOW_UP_KINDS),
  status: z.enum(FOLLOW_UP_STATUSES),
  dueAt: z.string(),
  cancelReason: z.string().nullable(),
});

export const conversationSalesView = z.object({
  offers: z.array(offerView),
  purchases: z.array(
    z.object({
      id: z.uuid(),
      offerId: z.uuid().nullable(),
      packId: z.uuid().nullable(),
      packName: z.string().nullable(),
      amountCents: z.number().int(),
      currency: z.string(),
      provider: z.string(),
      deliveredAt: z.string().nullable(),
      refundedAt: z.string().nullable(),
      refundKind: z.enum(REFUND_KINDS).nullable(),
      createdAt: z.string(),
    }),
  ),
  followUps: z.array(followUpView),
});

/** `created: false` when an open offer of the same pack was handed back instead. */
export const offerCreatedView = z.object({
  offer: offerView,
  created: z.boolean(),
  /** The signed checkout link, on platforms paid through one. */
  checkoutUrl: z.string().optional(),
});

export const salesMetricsView = z.object({
  by: z.enum(SALES_GROUPS),
  from: z.string(),
  to: z.string(),
  totals: z.object({ offers: z.number(), purchases: z.number(), conversion: z.number().nullable() }),
  rows: z.array(
    z.object({
      key: z.string().nullable(),
      label: z.string().nullable(),
      currency: z.string().nullable(),
      offers: z.number(),
      purchases: z.number(),
      conversion: z.number().nullable(),
      revenueCents: z.number(),
    }),
  ),
});
