import { describe, expect, it } from 'vitest';
import { PUBLISH_PLATFORMS } from '../domain';
import { bestContentType } from './content-type';
import { generateDataset } from './generator';
import { hashtagLift } from './hashtags';
import { detectMarkets, PRIMARY_MIN_SHARE } from './markets';
import { formatRecommendation, recommendationMessages } from './texts';
import type { FollowerSnapshot } from './types';

const platforms = PUBLISH_PLATFORMS.slice(0, 3);
const data = generateDataset({
  seed: 'insights',
  creators: 4,
  postsPerCreator: 1500,
  platforms,
  samples: false,
});
const mine = (creatorId: string) => data.posts.filter((p) => p.creatorId === creatorId);

describe('hashtags', () => {
  it('finds the planted best hashtags by lift over the account mean, with minimum support', () => {
    const report = hashtagLift(mine('creator-2'), { minSupport: 30 });
    expect(new Set(report.tags.slice(0, 3).map((t) => t.hashtag))).toEqual(new Set(data.truths.bestHashtags));
    expect(report.tags[0]!.lift).toBeGreaterThan(1.2);
    expect(report.tags.every((t) => t.posts >= 30)).toBe(true);
    // A tag used too rarely is not judged.
    const rare = hashtagLift(mine('creator-2').slice(0, 40), { minSupport: 30 });
    expect(rare.tags).toEqual([]);
  });

  it('crosses lifts with current trends: proven trends and untried ones', () => {
    const [best] = data.truths.bestHashtags;
    const worst = hashtagLift(mine('creator-1')).tags.at(-1)!.hashtag;
    const report = hashtagLift(mine('creator-1'), {
      trends: [`#${best!.toUpperCase()}`, worst, 'brandnewtrend'],
    });
    expect(report.trendingProven.map((t) => t.hashtag)).toEqual([best]);
    expect(report.trendingUntried).toEqual(['brandnewtrend']);
    expect(report.tags.find((t) => t.hashtag === worst)!.trending).toBe(true);
  });
});

describe('best content type per platform', () => {
  it('finds the planted type on each platform with strong confidence', () => {
    const result = bestContentType(mine('creator-3'));
    expect(result.map((r) => r.platform).sort()).toEqual([...platforms].sort());
    for (const r of result) {
      expect(r.best).toBe(data.truths.bestKind[r.platform]);
      expect(r.confidence).toBe('strong');
      expect(r.kinds[0]!.lift).toBeGreaterThan(1.15);
    }
  });

  it('says when there is not enough data, and stays modest about a small lead', () => {
    const few = bestContentType(mine('creator-3').slice(0, 20));
    expect(few.every((r) => r.confidence === 'insufficient' && r.best === null)).toBe(true);
    const some = bestContentType(mine('creator-3').slice(0, 200));
    expect(some.every((r) => r.confidence !== 'strong' || r.kinds[0]!.posts >= 30)).toBe(true);
  });
});

describe('market detection', () => {
  it('suggests FR primary and US secondary from a 62% FR / 25% US audience, mapped to planner profiles', () => {
    const result = detectMarkets(data.followers.filter((f) => f.creatorId === 'creator-1'));
    expect(result.suggested.map((m) => [m.market, m.role])).toEqual([
      ['FR', 'primary'],
      ['US', 'secondary'],
    ]);
    expect(result.suggested[0]!.share).toBeCloseTo(0.62, 1);
    expect(result.suggested[1]!.share).toBeCloseTo(0.25, 1);
    expect(result.suggested[0]!.profiles).toEqual(['FR']);
    expect(result.suggested[1]!.profiles).toEqual(['US-East', 'US-West']);
    expect(result.unmapped).toEqual([]);
  });

  it('reads only the latest day of each account and names markets the planner lacks', () => {
    const snap = (day: string, countries: Record<string, number>): FollowerSnapshot => ({
      creatorId: 'c',
      platform: platforms[0]!,
      day,
      followers: 100,
      countries,
    });
    const result = detectMarkets([
      snap('2026-01-01', { FR: 100 }),
      snap('2026-02-01', { DE: 50, GB: 30, FR: 20 }),
    ]);
    expect(result.suggested.map((m) => [m.market, m.role])).toEqual([
      ['DE', 'primary'],
      ['GB', 'secondary'],
      ['FR', 'secondary'],
    ]);
    expect(result.unmapped).toEqual(['DE', 'GB']);
    const spread = detectMarkets([snap('2026-01-01', { DE: 25, GB: 25, FR: 25, IT: 25 })]);
    expect(spread.suggested.every((m) => m.role === 'secondary')).toBe(true);
    expect(spread.suggested.length).toBe(4);
    expect(PRIMARY_MIN_SHARE).toBe(0.3);
  });
});

describe('recommendation texts', () => {
  it('gives keys and numbers, worded in English and French', () => {
    const messages = recommendationMessages({
      hashtags: hashtagLift(mine('creator-1')),
      contentTypes: bestContentType(mine('creator-1')),
      markets: detectMarkets(data.followers.filter((f) => f.creatorId === 'creator-1')),
    });
    const primary = messages.find((m) => m.key === 'markets.primary')!;
    const share = primary.params.sharePercent as number;
    expect(primary.params.market).toBe('FR');
    expect(Math.abs(share - 62)).toBeLessThanOrEqual(2);
    expect(formatRecommendation(primary, 'en')).toBe(`Your main market is FR (${share}% of followers).`);
    expect(formatRecommendation(primary, 'fr')).toBe(`Votre marché principal : FR (${share} % des abonnés).`);
    const content = messages.find((m) => m.key === 'content.strong')!;
    expect(content.params.kind).toBe(
      data.truths.bestKind[content.params.platform as (typeof platforms)[number]],
    );
    expect(formatRecommendation(content, 'en', (id) => id.toUpperCase())).toMatch(
      /^On [A-Z]+, .+ posts clearly do best: \d+% above/,
    );
    for (const m of messages) {
      expect(formatRecommendation(m, 'en')).not.toMatch(/\{\w+\}/);
      expect(formatRecommendation(m, 'fr')).not.toMatch(/\{\w+\}/);
    }
    expect(messages.filter((m) => m.key === 'hashtags.best').map((m) => m.params.hashtag)).toEqual(
      expect.arrayContaining(data.truths.bestHashtags.slice(0, 1)),
    );
  });

  it('words the best times with the method used and its errors', () => {
    const message = recommendationMessages({
      times: [
        {
          platform: platforms[0]!,
          kind: null,
          used: 'baseline',
          reason: 'baseline_not_beaten',
          times: [{ weekday: 2, hour: 19, expectedRate: 0.06, lift: 1.5 }],
          heatmap: [],
          accountMeanRate: 0.04,
          evaluation: {
            trainPosts: 80,
            testPosts: 20,
            cutoff: new Date(),
            model: { mae: 0.0151, rmse: 0.02 },
            baseline: { mae: 0.0123, rmse: 0.018 },
            accountMean: { mae: 0.013, rmse: 0.019 },
            shrinkageK: 5,
          },
          priorPosts: 0,
          trainingMs: 1,
        },
      ],
    });
    expect(message.map((m) => formatRecommendation(m, 'en', () => 'Sandbox'))).toEqual([
      'On Sandbox, the model did not beat the simple hour-of-week average on your latest 20 posts (1.51 vs 1.23 points), so the average is shown.',
      'On Sandbox, post on Tuesday around 19:00: expected engagement 50% above your usual.',
    ]);
    expect(formatRecommendation(message[1]!, 'fr', () => 'Sandbox')).toBe(
      'Sur Sandbox, publiez le mardi vers 19 h : engagement attendu 50 % au-dessus de l’habitude.',
    );
  });
});
