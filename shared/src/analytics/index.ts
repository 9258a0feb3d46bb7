/** Analytics computations: pure functions over posts and metrics, no database. */
export * from './types';
export * from './prng';
export * from './generator';
export * from './scoring';
export * from './best-times';
export * from './hashtags';
export * from './content-type';
export * from './markets';
export * from './texts';

import type { PostPerformance, MetricSample } from './types';

/** Posts with their latest sample's numbers (by `at`): what the computations read. */
export function performancesFrom(
  posts: readonly Omit<
    PostPerformance,
    'likes' | 'comments' | 'shares' | 'views' | 'reach' | 'saves' | 'conversions'
  >[],
  samples: Iterable<MetricSample>,
): PostPerformance[] {
  const latest = new Map<string, MetricSample>();
  for (const s of samples) {
    const seen = latest.get(s.postId);
    if (!seen || seen.at < s.at) latest.set(s.postId, s);
  }
  return posts.flatMap((p) => {
    const s = latest.get(p.postId);
    if (!s) return [];
    const { likes, comments, shares, views, reach, saves, conversions } = s;
    return [{ ...p, likes, comments, shares, views, reach, saves, conversions }];
  });
}
