import type { PostPerformance } from './types';

/** The engagement rate as the product defines it; shown on screen next to the figure. */
export const ENGAGEMENT_RATE_FORMULA = '(likes + comments) / views';

/** (likes + comments) / views; 0 for a post nobody has seen yet. */
export function engagementRate(m: Pick<PostPerformance, 'likes' | 'comments' | 'views'>): number {
  return m.views > 0 ? (m.likes + m.comments) / m.views : 0;
}

/** Weights of the best-posts score. */
export const BEST_POST_WEIGHTS = { engagement: 0.5, reach: 0.3, conversions: 0.2 } as const;

/**
 * How each part of the score is normalised: the post's percentile rank among the posts of the
 * same creator on the same platform, mid-rank for ties, in (0, 1): (posts below + half the
 * posts equal, itself included) / posts. A post alone on its platform scores 0.5 on each part.
 * Percentile ranks, not min–max, so one viral post does not squash every other post to 0.
 */
export const BEST_POST_NORMALISATION =
  'percentile rank within the creator and platform: (posts below + half of the ties, itself included) / posts';

export interface BestPostScore {
  post: PostPerformance;
  /** 0–1: 0.5 × engagement + 0.3 × reach + 0.2 × conversions (each a percentile rank). */
  score: number;
  breakdown: {
    engagementRate: number;
    engagementPercentile: number;
    reach: number;
    /** True when the platform gives no reach and views stood in for it. */
    reachFromViews: boolean;
    reachPercentile: number;
    conversions: number;
    conversionsPercentile: number;
  };
}

/** Mid-rank percentiles of `values` (same order), in (0, 1). */
export function percentileRanks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(values.length);
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j++;
    // Ranks i..j share one value: below = i, ties = j - i + 1.
    const p = (i + (j - i + 1) / 2) / values.length;
    for (let t = i; t <= j; t++) out[order[t]![1]] = p;
    i = j + 1;
  }
  return out;
}

/** Every post scored within its creator × platform, best first (`limit` to keep the top). */
export function bestPosts(posts: readonly PostPerformance[], limit = Infinity): BestPostScore[] {
  const groups = new Map<string, PostPerformance[]>();
  for (const post of posts) {
    const key = `${post.creatorId}\u0000${post.platform}`;
    const group = groups.get(key);
    if (group) group.push(post);
    else groups.set(key, [post]);
  }
  const scored: BestPostScore[] = [];
  for (const group of groups.values()) {
    const rates = group.map(engagementRate);
    const reachFromViews = group.some((p) => p.reach === null);
    const reaches = group.map((p) => (reachFromViews ? p.views : p.reach!));
    const conversions = group.map((p) => p.conversions);
    const [pe, pr, pc] = [percentileRanks(rates), percentileRanks(reaches), percentileRanks(conversions)];
    group.forEach((post, i) => {
      const score =
        BEST_POST_WEIGHTS.engagement * pe[i]! +
        BEST_POST_WEIGHTS.reach * pr[i]! +
        BEST_POST_WEIGHTS.conversions * pc[i]!;
      scored.push({
        post,
        score,
        breakdown: {
          engagementRate: rates[i]!,
          engagementPercentile: pe[i]!,
          reach: reaches[i]!,
          reachFromViews,
          reachPercentile: pr[i]!,
          conversions: conversions[i]!,
          conversionsPercentile: pc[i]!,
        },
      });
    });
  }
  scored.sort((a, b) => b.score - a.score || b.breakdown.engagementRate - a.breakdown.engagementRate);
  return scored.slice(0, limit);
}

/** Mean engagement rate of a set of posts (0 when empty). */
export function meanRate(posts: readonly PostPerformance[]): number {
  if (posts.length === 0) return 0;
  let sum = 0;
  for (const p of posts) sum += engagementRate(p);
  return sum / posts.length;
}
