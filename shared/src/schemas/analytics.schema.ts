import { z } from 'zod';
import { PLATFORMS } from '../domain';

/** What every analytics route takes: one creator or the caller's whole scope, a platform, a window. */
export const analyticsQuery = z.strictObject({
  creatorId: z.uuid().optional(),
  platform: z.enum(PLATFORMS).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});
export type AnalyticsQueryInput = z.infer<typeof analyticsQuery>;

export const bestPostsQuery = analyticsQuery.extend({
  limit: z.coerce.number().int().min(1).max(500).default(20),
});

const counts = {
  likes: z.number(),
  comments: z.number(),
  shares: z.number(),
  views: z.number(),
};

export const analyticsOverviewView = z.object({
  from: z.string(),
  to: z.string(),
  engagementFormula: z.string(),
  totals: z.object({ ...counts, posts: z.number().int(), engagementRate: z.number().nullable() }),
  platforms: z.array(
    z.object({
      platform: z.enum(PLATFORMS),
      ...counts,
      posts: z.number().int(),
      engagementRate: z.number().nullable(),
      followers: z.number().nullable(),
      followerGrowth: z.number().nullable(),
    }),
  ),
  days: z.array(z.object({ day: z.string(), ...counts, engagementRate: z.number().nullable() })),
  followers: z.array(z.object({ day: z.string(), followers: z.number() })),
  geography: z.array(z.object({ country: z.string(), followers: z.number(), share: z.number() })),
});

export const CONVERSION_METHODS = ['link', 'promo_code', 'chat_window'] as const;

export const bestPostView = z.object({
  targetId: z.uuid(),
  postId: z.uuid(),
  creatorId: z.uuid(),
  creatorName: z.string(),
  platform: z.enum(PLATFORMS),
  kind: z.string(),
  text: z.string(),
  publishedAt: z.string(),
  ...counts,
  reach: z.number().nullable(),
  saves: z.number().nullable(),
  engagementRate: z.number().nullable(),
  conversions: z.number().int(),
  conversionCents: z.number().int(),
  conversionMethods: z.array(z.enum(CONVERSION_METHODS)),
  breakdown: z.object({
    engagement: z.number(),
    reach: z.number(),
    conversions: z.number(),
    score: z.number(),
  }),
});

export const bestPostsView = z.object({
  from: z.string(),
  to: z.string(),
  weights: z.object({ engagement: z.number(), reach: z.number(), conversions: z.number() }),
  normalisation: z.string(),
  posts: z.array(bestPostView),
});

const heldOutErrors = z.object({ mae: z.number(), rmse: z.number() });

export const bestTimesView = z.object({
  from: z.string(),
  to: z.string(),
  /** Which figures the UI shows: the model's only where it beat the baseline on held-out data. */
  model: z.enum(['tfjs', 'baseline']),
  heldOutError: z.object({ baseline: z.number().nullable(), model: z.number().nullable() }),
  engagementFormula: z.string(),
  overall: z.number().nullable(),
  posts: z.number().int(),
  shrink: z.number(),
  cells: z.array(
    z.object({
      weekday: z.number().int().min(1).max(7),
      hour: z.number().int().min(0).max(23),
      posts: z.number().int(),
      mean: z.number(),
      expected: z.number(),
    }),
  ),
  baselineDescription: z.string(),
  modelDescription: z.string(),
  /** Per platform: the TensorFlow.js model against the shrunk baseline on the latest posts. */
  platforms: z.array(
    z.object({
      platform: z.string(),
      used: z.enum(['tfjs', 'baseline']),
      reason: z.enum(['model_better', 'baseline_not_beaten', 'too_few_posts']),
      posts: z.number().int(),
      accountMeanRate: z.number(),
      evaluation: z.object({
        trainPosts: z.number().int(),
        testPosts: z.number().int(),
        cutoff: z.string().nullable(),
        model: heldOutErrors.nullable(),
        baseline: heldOutErrors.nullable(),
        accountMean: heldOutErrors.nullable(),
      }),
      /** Best hours of week, best first; weekday 0 = Sunday, on the creator's clock. */
      times: z.array(
        z.object({
          weekday: z.number().int().min(0).max(6),
          hour: z.number().int().min(0).max(23),
          expectedRate: z.number(),
          lift: z.number(),
        }),
      ),
      /** Expected engagement rate [weekday 0 = Sunday][hour] from the method used. */
      heatmap: z.array(z.array(z.number())),
      priorPosts: z.number().int(),
      trainingMs: z.number(),
      /** When this recommendation was trained: a copy served from the 15-minute cache keeps it. */
      trainedAt: z.string(),
    }),
  ),
  /** Recommendations as keys and numbers, for the UI's FR/EN sentences. */
  recommendations: z.array(
    z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }),
  ),
});

const recommendations = z.array(
  z.object({ key: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])) }),
);
const hashtagLiftView = z.object({
  hashtag: z.string(),
  posts: z.number().int(),
  lift: z.number(),
  trending: z.boolean(),
});

export const hashtagsView = z.object({
  from: z.string(),
  to: z.string(),
  posts: z.number().int(),
  /** The creator's platforms' current trends read as hashtags (none for the consolidated view). */
  trends: z.array(z.string()),
  tags: z.array(hashtagLiftView),
  trendingProven: z.array(hashtagLiftView),
  trendingUntried: z.array(z.string()),
  minSupport: z.number().int(),
  recommendations,
});

export const contentTypesView = z.object({
  from: z.string(),
  to: z.string(),
  minSupport: z.number().int(),
  platforms: z.array(
    z.object({
      platform: z.string(),
      best: z.string().nullable(),
      confidence: z.enum(['strong', 'moderate', 'weak', 'insufficient']),
      t: z.number(),
      kinds: z.array(
        z.object({ kind: z.string(), posts: z.number().int(), lift: z.number(), meanRate: z.number() }),
      ),
    }),
  ),
  recommendations,
});

export const marketView = z.object({
  from: z.string(),
  to: z.string(),
  totalFollowers: z.number(),
  shares: z.array(z.object({ country: z.string(), share: z.number(), followers: z.number() })),
  suggested: z.array(
    z.object({
      market: z.string(),
      role: z.enum(['primary', 'secondary']),
      share: z.number(),
      followers: z.number(),
      /** The planner's market profiles for this market. */
      profiles: z.array(z.string()),
    }),
  ),
  unmapped: z.array(z.string()),
  recommendations,
});
