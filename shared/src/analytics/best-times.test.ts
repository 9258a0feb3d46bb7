import { describe, expect, it } from 'vitest';
import { PUBLISH_PLATFORMS } from '../domain';
import { fitBaseline, hourOfWeekOf, recommendTimes, SHRINKAGE_K, trainTimesModel } from './best-times';
import { generateDataset } from './generator';
import { howIndex } from './types';

const platforms = PUBLISH_PLATFORMS.slice(0, 2);
// Four creators × 2,000 posts over two platforms: ~1,000 posts per account.
const data = generateDataset({
  seed: 'times',
  creators: 4,
  postsPerCreator: 2000,
  platforms,
  samples: false,
  followers: false,
});
const history = data.posts.filter((p) => p.creatorId === 'creator-1');
const planted = (platform: (typeof platforms)[number]) =>
  new Set(data.truths.bestHours[platform]!.map(howIndex));

describe('best times to post', () => {
  it('shrinks each hour of week toward the account mean by k posts', () => {
    const posts = history.filter((p) => p.platform === platforms[0]);
    const fit = fitBaseline(posts);
    expect(fit.k).toBe(SHRINKAGE_K);
    const at = hourOfWeekOf(posts[0]!.publishedAt, posts[0]!.timeZone);
    const cell = posts.filter((p) => howIndex(hourOfWeekOf(p.publishedAt, p.timeZone)) === howIndex(at));
    const cellMean = cell.reduce((s, p) => s + (p.likes + p.comments) / p.views, 0) / cell.length;
    expect(fit.cells[howIndex(at)]).toBeCloseTo(
      (cell.length * cellMean + SHRINKAGE_K * fit.accountMean) / (cell.length + SHRINKAGE_K),
      10,
    );
    // An hour with no post is the account mean.
    const empty = fit.counts.findIndex((n) => n === 0);
    if (empty >= 0) expect(fit.cells[empty]).toBeCloseTo(fit.accountMean, 12);
  });

  it('finds the planted best hours of each platform, with the model beating the baseline on later posts', async () => {
    for (const platform of platforms) {
      const r = await recommendTimes({ platform, history, agency: data.posts, top: 3 });
      expect(r.evaluation.testPosts).toBeGreaterThan(150);
      expect(r.evaluation.model!.mae).toBeLessThan(r.evaluation.baseline!.mae);
      expect(r.evaluation.baseline!.mae).toBeLessThanOrEqual(r.evaluation.accountMean!.mae);
      expect(r.used).toBe('model');
      expect(r.reason).toBe('model_better');
      expect(r.priorPosts).toBeGreaterThan(3000);
      expect(new Set(r.times.map(howIndex))).toEqual(planted(platform));
      expect(r.times[0]!.lift).toBeGreaterThan(1.2);
      expect(r.heatmap).toHaveLength(7);
      expect(r.heatmap[r.times[0]!.weekday]![r.times[0]!.hour]).toBeCloseTo(r.times[0]!.expectedRate);
    }
  }, 120_000);

  it('leans on the agency where the creator’s history is thin', async () => {
    const platform = platforms[0]!;
    const thin = history.filter((p) => p.platform === platform).slice(0, 150);
    const alone = await recommendTimes({ platform, history: thin, top: 3 });
    const pooled = await recommendTimes({ platform, history: thin, agency: data.posts, top: 3 });
    const hits = (r: typeof alone) => r.times.filter((t) => planted(platform).has(howIndex(t))).length;
    expect(hits(pooled)).toBe(3);
    expect(hits(pooled)).toBeGreaterThan(hits(alone));
    expect(pooled.evaluation.model!.mae).toBeLessThan(pooled.evaluation.baseline!.mae);
  }, 120_000);

  it('shows the baseline’s times and says so when the model does not beat it', async () => {
    const platform = platforms[0]!;
    // An untrained model (no steps) predicts the account mean: the baseline must win.
    const r = await recommendTimes({ platform, history, model: { epochs: 0 }, top: 3 });
    expect(r.evaluation.model!.mae).toBeGreaterThanOrEqual(r.evaluation.baseline!.mae);
    expect(r.used).toBe('baseline');
    expect(r.reason).toBe('baseline_not_beaten');
    const fit = fitBaseline(history.filter((p) => p.platform === platform));
    const best = [...fit.cells]
      .map((rate, i) => [rate, i] as const)
      .sort((a, b) => b[0] - a[0])
      .slice(0, 3);
    expect(r.times.map(howIndex)).toEqual(best.map(([, i]) => i));
  }, 120_000);

  it('uses the baseline without testing the model when the account has too few posts', async () => {
    const r = await recommendTimes({ platform: platforms[0]!, history: history.slice(0, 10) });
    expect(r).toMatchObject({ used: 'baseline', reason: 'too_few_posts' });
    expect(r.evaluation.model).toBeNull();
  });

  it('trains the same weights from the same data (deterministic)', async () => {
    const posts = history.filter((p) => p.platform === platforms[1]);
    const a = await trainTimesModel(posts);
    const b = await trainTimesModel(posts);
    expect(Array.from(b.weights.hourOfWeek)).toEqual(Array.from(a.weights.hourOfWeek));
    expect(b.calibration).toBe(a.calibration);
  }, 60_000);

  it('recommends per content type: the planted best type expects more at the same hour', async () => {
    const platform = platforms[1]!;
    const best = data.truths.bestKind[platform]!;
    const other = (['text', 'text_photo', 'reel', 'carousel'] as const).find((k) => k !== best)!;
    const forBest = await recommendTimes({ platform, history, agency: data.posts, kind: best, top: 3 });
    const forOther = await recommendTimes({ platform, history, agency: data.posts, kind: other, top: 3 });
    expect(forBest.kind).toBe(best);
    expect(forBest.times[0]!.expectedRate).toBeGreaterThan(forOther.times[0]!.expectedRate * 1.2);
    expect(new Set(forBest.times.map(howIndex))).toEqual(planted(platform));
  }, 120_000);
});
