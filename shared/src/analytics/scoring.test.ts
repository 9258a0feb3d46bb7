import { describe, expect, it } from 'vitest';
import { PUBLISH_PLATFORMS } from '../domain';
import {
  BEST_POST_WEIGHTS,
  bestPosts,
  ENGAGEMENT_RATE_FORMULA,
  engagementRate,
  percentileRanks,
} from './scoring';
import type { PostPerformance } from './types';

const [big, small] = PUBLISH_PLATFORMS;

function post(
  id: string,
  platform: PostPerformance['platform'],
  m: Partial<PostPerformance>,
): PostPerformance {
  return {
    postId: id,
    creatorId: 'c1',
    platform,
    kind: 'text_photo',
    hashtags: [],
    publishedAt: new Date('2026-03-01T18:00:00Z'),
    timeZone: 'Europe/Paris',
    likes: 0,
    comments: 0,
    shares: 0,
    views: 1000,
    reach: 800,
    saves: 0,
    conversions: 0,
    ...m,
  };
}

describe('engagement rate and best posts', () => {
  it('computes (likes + comments) / views and names the formula', () => {
    expect(ENGAGEMENT_RATE_FORMULA).toBe('(likes + comments) / views');
    expect(engagementRate({ likes: 45, comments: 5, views: 1000 })).toBeCloseTo(0.05);
    expect(engagementRate({ likes: 3, comments: 1, views: 0 })).toBe(0);
  });

  it('ranks with mid-ranks for ties', () => {
    expect(percentileRanks([10, 20, 20, 40])).toEqual([0.125, 0.5, 0.5, 0.875]);
    expect(percentileRanks([7])).toEqual([0.5]);
  });

  it('scores 50% engagement + 30% reach + 20% conversions, each ranked within creator and platform', () => {
    expect(
      BEST_POST_WEIGHTS.engagement + BEST_POST_WEIGHTS.reach + BEST_POST_WEIGHTS.conversions,
    ).toBeCloseTo(1);
    const posts = [
      // A big platform: numbers 100× larger than on the small one.
      post('big-top', big!, { likes: 9000, views: 100_000, reach: 90_000, conversions: 30 }),
      post('big-mid', big!, { likes: 5000, views: 100_000, reach: 50_000, conversions: 10 }),
      post('big-low', big!, { likes: 1000, views: 100_000, reach: 10_000, conversions: 0 }),
      post('small-top', small!, { likes: 90, views: 1000, reach: 900, conversions: 3 }),
      post('small-mid', small!, { likes: 50, views: 1000, reach: 500, conversions: 1 }),
      post('small-low', small!, { likes: 10, views: 1000, reach: 100, conversions: 0 }),
    ];
    const ranked = bestPosts(posts);
    // The top post of each platform scores the same: platforms compare after normalising.
    const score = (id: string) => ranked.find((r) => r.post.postId === id)!.score;
    expect(score('big-top')).toBeCloseTo(score('small-top'));
    expect(score('big-top')).toBeCloseTo(5 / 6);
    expect(score('big-low')).toBeCloseTo(1 / 6);
    expect(
      ranked
        .slice(0, 2)
        .map((r) => r.post.postId)
        .sort(),
    ).toEqual(['big-top', 'small-top']);
    const mid = ranked.find((r) => r.post.postId === 'big-mid')!.breakdown;
    expect(mid).toMatchObject({
      engagementRate: 0.05,
      engagementPercentile: 0.5,
      reach: 50_000,
      reachPercentile: 0.5,
      conversions: 10,
    });
  });

  it('weighs engagement more than reach and reach more than conversions', () => {
    const posts = [
      post('engaging', big!, { likes: 200, reach: 100, conversions: 0 }),
      post('far-reaching', big!, { likes: 100, reach: 900, conversions: 0 }),
      post('converting', big!, { likes: 50, reach: 50, conversions: 5 }),
    ];
    expect(bestPosts(posts).map((r) => r.post.postId)).toEqual(['engaging', 'far-reaching', 'converting']);
  });

  it('uses views for reach where the platform gives no reach, and says so', () => {
    const ranked = bestPosts([
      post('a', small!, { reach: null, views: 500 }),
      post('b', small!, { reach: null, views: 2000 }),
    ]);
    expect(ranked.every((r) => r.breakdown.reachFromViews)).toBe(true);
    expect(ranked.find((r) => r.post.postId === 'b')!.breakdown).toMatchObject({
      reach: 2000,
      reachPercentile: 0.75,
    });
  });
});
