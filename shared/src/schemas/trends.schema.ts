import { z } from 'zod';
import { PUBLISH_PLATFORMS } from '../publishing/planner';

/** `GET /api/creators/:id/trends`: where to look (a WOEID for X; 1 = worldwide). */
export const creatorTrendsQuery = z.strictObject({
  location: z.coerce
    .number({ message: 'must be a WOEID (a whole number, 1 for worldwide)' })
    .int('must be a WOEID (a whole number, 1 for worldwide)')
    .min(1, 'must be a WOEID (a whole number, 1 for worldwide)')
    .max(2 ** 31 - 1, 'must be a WOEID (a whole number, 1 for worldwide)')
    .optional(),
});

export const trendView = z.object({
  name: z.string(),
  volume: z.number().optional(),
  url: z.string().optional(),
});

export const platformTrendsView = z.object({
  platform: z.enum(PUBLISH_PLATFORMS),
  label: z.string(),
  /** `ok`: the trends below; `unavailable`: the platform could not be asked (`reason` says why). */
  state: z.enum(['ok', 'unavailable']),
  trends: z.array(trendView),
  reason: z.string().optional(),
  /** When the platform was asked (trends are kept a few minutes). */
  fetchedAt: z.string().optional(),
});

export const creatorTrendsView = z.object({
  /** One entry per platform the creator has a connected account on whose API serves trends. */
  platforms: z.array(platformTrendsView),
  /**
   * Hashtags of the creator's own published posts. `basis: 'metrics'` ranks them by the results
   * stored for those posts; `'none'`: not enough data to rank by results yet, so `tags` are the
   * most used ones, and the editor says so.
   */
  ownHashtags: z.object({
    basis: z.enum(['metrics', 'none']),
    tags: z.array(z.object({ tag: z.string(), posts: z.number().int() })),
  }),
});
export type CreatorTrendsView = z.infer<typeof creatorTrendsView>;
