import { z } from 'zod';
import { PACK_TYPES, PLATFORMS } from '../domain';

const text = (max: number) =>
  z.string().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

const httpsUrl = z
  .url({ message: 'must be a URL' })
  .refine((value) => /^https?:\/\//.test(value), 'must be an http(s) URL');

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
      z.strictObject({
        kind: z.enum(['photo', 'video', 'document']),
        url: httpsUrl,
        caption: z.string().max(1024).optional(),
      }),
    )
    .max(50)
    .default([]),
  platforms: z.array(z.enum(PLATFORMS)).max(PLATFORMS.length).default([]),
  checkoutUrl: httpsUrl.nullable().default(null),
  active: z.boolean().default(true),
};

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
