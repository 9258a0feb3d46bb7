import { describe, expect, it } from 'vitest';
import { PUBLISH_PLATFORMS } from '../domain';
import { generateAnalytics, generateDataset, plantedTruths, SAMPLE_AGES_HOURS } from './generator';
import { performancesFrom } from './index';
import { hourOfWeekOf } from './best-times';
import type { MetricSample, PostPerformance } from './types';

const platforms = PUBLISH_PLATFORMS.slice(0, 3);

describe('analytics data generator', () => {
  it('gives the same rows for the same seed and other rows for another seed', () => {
    const a = generateDataset({ seed: 'same', creators: 2, postsPerCreator: 80, platforms, days: 60 });
    const b = generateDataset({ seed: 'same', creators: 2, postsPerCreator: 80, platforms, days: 60 });
    const c = generateDataset({ seed: 'other', creators: 2, postsPerCreator: 80, platforms, days: 60 });
    expect(b.posts).toEqual(a.posts);
    expect(b.truths).toEqual(a.truths);
    expect(c.posts.map((p) => p.likes)).not.toEqual(a.posts.map((p) => p.likes));
  });

  it('streams rows lazily, so a caller can stop or store them as they come', () => {
    // A million posts would take minutes to build; the first rows come at once.
    const rows = generateAnalytics({ seed: 'lazy', creators: 1000, postsPerCreator: 1000, platforms });
    const started = performance.now();
    const first: string[] = [];
    for (const row of rows) {
      first.push(row.type);
      if (first.length === 5000) break;
    }
    expect(performance.now() - started).toBeLessThan(5000);
    expect(first[0]).toBe('creator');
    expect(first).toContain('followers');
  });

  it('publishes on the creator’s clock, samples each post over its life and grows its counts', () => {
    const posts: Omit<PostPerformance, 'likes'>[] = [];
    const samples: MetricSample[] = [];
    for (const row of generateAnalytics({
      seed: 'life',
      creators: 2,
      postsPerCreator: 60,
      platforms,
      days: 90,
    })) {
      if (row.type === 'post') posts.push(row.post);
      if (row.type === 'sample') samples.push(row.sample);
    }
    const first = samples.filter((s) => s.postId === posts[0]!.postId);
    expect(first.map((s) => s.ageHours)).toEqual(SAMPLE_AGES_HOURS);
    for (let i = 1; i < first.length; i++) {
      expect(first[i]!.views).toBeGreaterThanOrEqual(first[i - 1]!.views);
      expect(first[i]!.likes).toBeGreaterThanOrEqual(first[i - 1]!.likes);
    }
    // Most posts land between 08:00 and 23:59 on the creator's own clock.
    const hours = posts.map((p) => hourOfWeekOf(p.publishedAt, p.timeZone).hour);
    expect(hours.filter((h) => h >= 8).length / hours.length).toBeGreaterThan(0.75);
    // The latest sample of each post is the post row's numbers.
    const rebuilt = performancesFrom(posts, samples);
    const direct = generateDataset({
      seed: 'life',
      creators: 2,
      postsPerCreator: 60,
      platforms,
      days: 90,
    }).posts;
    expect(rebuilt.filter((p) => p.views > 0)).toEqual(direct);
  });

  it('plants three best hours per platform, three best hashtags, a best type and a geography', () => {
    const t = plantedTruths({ seed: 'truths', platforms });
    for (const p of platforms) {
      expect(t.bestHours[p]).toHaveLength(3);
      expect(new Set(t.bestHours[p]!.map((h) => h.weekday)).size).toBe(3);
      expect(t.bestKind[p]).toBeTruthy();
    }
    expect(t.bestHashtags).toHaveLength(3);
    expect(t.geography['creator-1']).toMatchObject({ FR: 0.62, US: 0.25 });
    expect(t.noReach).toEqual([platforms[2]]);
  });
});
