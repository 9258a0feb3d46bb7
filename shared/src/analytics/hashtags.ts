import { engagementRate } from './scoring';
import type { PostPerformance } from './types';

/**
 * Hashtag lift: the mean engagement rate of the posts carrying a hashtag over the account's
 * mean, where each post's rate is first divided by its own account's mean (creator ×
 * platform), so a creator's platforms can be pooled. Lift 1.3 = posts with the tag do 30%
 * better than that account's usual post. Tags on fewer than `minSupport` posts are not judged.
 */
export const HASHTAG_MIN_SUPPORT = 10;

export interface HashtagLift {
  hashtag: string;
  posts: number;
  lift: number;
  /** In the supplied list of current trends. */
  trending: boolean;
}

export interface HashtagReport {
  /** Every tag with enough support, best lift first. */
  tags: HashtagLift[];
  /** Trending and lifting (lift > 1): use them now. */
  trendingProven: HashtagLift[];
  /** Current trends the account has never used (or too rarely to judge). */
  trendingUntried: string[];
  minSupport: number;
}

/** Lower-case, without `#` or surrounding spaces. */
export const normaliseHashtag = (tag: string) => tag.trim().replace(/^#+/, '').toLowerCase();

export function hashtagLift(
  posts: readonly PostPerformance[],
  options: { trends?: readonly string[]; minSupport?: number } = {},
): HashtagReport {
  const minSupport = options.minSupport ?? HASHTAG_MIN_SUPPORT;
  const accounts = new Map<string, { sum: number; n: number }>();
  for (const p of posts) {
    const key = `${p.creatorId}\u0000${p.platform}`;
    const a = accounts.get(key) ?? { sum: 0, n: 0 };
    a.sum += engagementRate(p);
    a.n++;
    accounts.set(key, a);
  }
  const byTag = new Map<string, { sum: number; n: number }>();
  for (const p of posts) {
    const a = accounts.get(`${p.creatorId}\u0000${p.platform}`)!;
    const accountMean = a.sum / a.n;
    if (accountMean <= 0) continue;
    const relative = engagementRate(p) / accountMean;
    for (const tag of new Set(p.hashtags.map(normaliseHashtag))) {
      const t = byTag.get(tag) ?? { sum: 0, n: 0 };
      t.sum += relative;
      t.n++;
      byTag.set(tag, t);
    }
  }
  const trends = new Set((options.trends ?? []).map(normaliseHashtag).filter(Boolean));
  const tags = [...byTag]
    .filter(([, t]) => t.n >= minSupport)
    .map(([hashtag, t]) => ({ hashtag, posts: t.n, lift: t.sum / t.n, trending: trends.has(hashtag) }))
    .sort((a, b) => b.lift - a.lift || b.posts - a.posts);
  const judged = new Set(tags.map((t) => t.hashtag));
  return {
    tags,
    trendingProven: tags.filter((t) => t.trending && t.lift > 1),
    trendingUntried: [...trends].filter((t) => !judged.has(t)),
    minSupport,
  };
}
