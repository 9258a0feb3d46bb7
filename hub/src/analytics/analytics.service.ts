import {
  analyticsRepo,
  ENGAGEMENT_FORMULA,
  engagementRateOrNone,
  Invalid,
  SCORE_WEIGHTS,
  type Actor,
  type AnalyticsQueryInput,
  type CreatorScope,
  type Platform,
  BASELINE_DESCRIPTION,
  MODEL_DESCRIPTION,
  recommendationMessages,
  recommendTimes,
  type PostPerformance,
  type PublishPlatform,
  type TimesRecommendation,
  bestContentType,
  can,
  CONTENT_TYPE_MIN_SUPPORT,
  detectMarkets,
  hashtagLift,
  normaliseHashtag,
} from '@velvet/shared';
import type { TrendsService } from '../trends/trends.service';
import { authorize } from '../http/authorize';
import type { HubContext } from '../context';

const DAY = 24 * 3600_000;
/** A heatmap cell's mean weighs as much as this many posts at the scope's mean (shrinkage). */
const SHRINK_POSTS = 5;
/** How long a trained best-times recommendation is served before it is trained again. */
const TIMES_CACHE_MS = 15 * 60_000;
const TIMES_CACHE_ENTRIES = 500;
/** The newest posts a best-times training reads, per scope (and per agency prior). */
const MAX_HISTORY = 20_000;

/**
 * The analytics figures, read from the rollups. One creator (`creatorId`, which must be in
 * the caller's scope), or the caller's whole scope: every creator for admins, theirs for
 * managers and models.
 */
export function createAnalyticsService(ctx: HubContext, deps: { trends?: TrendsService } = {}) {
  const resolve = (actor: Actor, query: AnalyticsQueryInput) => {
    if (query.creatorId) authorize(actor, 'analytics:read', { creatorId: query.creatorId });
    else authorize(actor, 'analytics:read');
    const to = query.to ? new Date(query.to) : ctx.now();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - 90 * DAY);
    if (from >= to) throw new Invalid('from must be before to');
    const creators: CreatorScope = query.creatorId
      ? [query.creatorId]
      : actor.role === 'admin'
        ? 'all'
        : actor.creatorIds;
    return { creators, platform: query.platform as Platform | undefined, from, to };
  };
  const window = (q: { from: Date; to: Date }) => ({ from: q.from.toISOString(), to: q.to.toISOString() });

  /**
   * Trained recommendations by scope × platform × window (hour-rounded), kept a while; each
   * says when it was trained (`trainedAt`, on the hub's clock), so a served copy shows.
   */
  const timesCache = new Map<string, { at: number; value: Promise<Trained> }>();
  type Trained = TimesRecommendation & { trainedAt: string };
  const timesOf = (
    q: ReturnType<typeof resolve>,
    platform: PublishPlatform,
    history: readonly PostPerformance[],
  ): Promise<Trained> => {
    const scope = q.creators === 'all' ? 'all' : [...q.creators].sort().join(',');
    const key = [scope, platform, q.from.toISOString().slice(0, 13), q.to.toISOString().slice(0, 13)].join(
      '|',
    );
    const now = ctx.now().getTime();
    const hit = timesCache.get(key);
    if (hit && now - hit.at < TIMES_CACHE_MS) return hit.value;
    const value = (async () => {
      // The agency's posts on the platform (every creator) are the model's prior.
      const agency = await analyticsRepo.performances(ctx.db, {
        creators: 'all',
        platform,
        from: q.from,
        to: q.to,
        limit: MAX_HISTORY,
      });
      const trained = await recommendTimes({ platform, history, agency });
      return { ...trained, trainedAt: new Date(now).toISOString() };
    })();
    value.catch(() => timesCache.delete(key));
    timesCache.set(key, { at: now, value });
    while (timesCache.size > TIMES_CACHE_ENTRIES) timesCache.delete(timesCache.keys().next().value!);
    return value;
  };

  return {
    async overview(actor: Actor, query: AnalyticsQueryInput) {
      const q = resolve(actor, query);
      const { days, posts, followers, geography } = await analyticsRepo.overview(ctx.db, q);
      const byPlatform = new Map<
        Platform,
        { likes: number; comments: number; shares: number; views: number }
      >();
      const byDay = new Map<string, { likes: number; comments: number; shares: number; views: number }>();
      for (const d of days) {
        for (const [map, key] of [
          [byPlatform, d.platform],
          [byDay, d.day],
        ] as const) {
          const sum = (map as Map<string, typeof d>).get(key) ?? {
            likes: 0,
            comments: 0,
            shares: 0,
            views: 0,
          };
          sum.likes += d.likes;
          sum.comments += d.comments;
          sum.shares += d.shares;
          sum.views += d.views;
          (map as Map<string, typeof sum>).set(key, sum);
        }
      }
      const postsOf = new Map(posts.map((p) => [p.platform, p.n]));
      const followersOf = new Map<Platform, { first: number; last: number }>();
      const followersByDay = new Map<string, number>();
      for (const f of followers) {
        const seen = followersOf.get(f.platform);
        followersOf.set(f.platform, { first: seen?.first ?? f.followers, last: f.followers });
        followersByDay.set(f.day, (followersByDay.get(f.day) ?? 0) + f.followers);
      }
      const platforms = [
        ...new Set<Platform>([...byPlatform.keys(), ...postsOf.keys(), ...followersOf.keys()]),
      ]
        .sort()
        .map((platform) => {
          const sum = byPlatform.get(platform) ?? { likes: 0, comments: 0, shares: 0, views: 0 };
          const f = followersOf.get(platform);
          return {
            platform,
            ...sum,
            posts: postsOf.get(platform) ?? 0,
            engagementRate: engagementRateOrNone(sum),
            followers: f ? f.last : null,
            followerGrowth: f ? f.last - f.first : null,
          };
        });
      const totals = platforms.reduce(
        (t, p) => ({
          likes: t.likes + p.likes,
          comments: t.comments + p.comments,
          shares: t.shares + p.shares,
          views: t.views + p.views,
          posts: t.posts + p.posts,
        }),
        { likes: 0, comments: 0, shares: 0, views: 0, posts: 0 },
      );
      const geoTotal = geography.reduce((n, g) => n + g.followers, 0);
      return {
        ...window(q),
        engagementFormula: ENGAGEMENT_FORMULA,
        totals: { ...totals, engagementRate: engagementRateOrNone(totals) },
        platforms,
        days: [...byDay.entries()].map(([day, sum]) => ({
          day,
          ...sum,
          engagementRate: engagementRateOrNone(sum),
        })),
        followers: [...followersByDay.entries()].map(([day, n]) => ({ day, followers: n })),
        geography: geography.map((g) => ({ ...g, share: geoTotal ? g.followers / geoTotal : 0 })),
      };
    },

    async bestPosts(actor: Actor, query: AnalyticsQueryInput & { limit: number }) {
      const q = resolve(actor, query);
      const posts = await analyticsRepo.bestPosts(ctx.db, { ...q, limit: query.limit });
      return {
        ...window(q),
        weights: { ...SCORE_WEIGHTS },
        normalisation: 'min-max within creator × platform',
        posts,
      };
    },

    async bestTimes(actor: Actor, query: AnalyticsQueryInput) {
      const q = resolve(actor, query);
      const heatmap = await analyticsRepo.heatmap(ctx.db, { ...q, shrink: SHRINK_POSTS });
      const history = await analyticsRepo.performances(ctx.db, { ...q, limit: MAX_HISTORY });
      const platforms = [...new Set(history.map((p) => p.platform))].sort();
      const recommendations = await Promise.all(platforms.map((platform) => timesOf(q, platform, history)));
      // The headline figures are the main platform's (the one with the most posts).
      const count = (platform: string) => history.filter((p) => p.platform === platform).length;
      const main = [...recommendations].sort((a, b) => count(b.platform) - count(a.platform))[0];
      return {
        ...window(q),
        model: main?.used === 'model' ? ('tfjs' as const) : ('baseline' as const),
        heldOutError: {
          baseline: main?.evaluation.baseline?.mae ?? null,
          model: main?.evaluation.model?.mae ?? null,
        },
        engagementFormula: ENGAGEMENT_FORMULA,
        baselineDescription: BASELINE_DESCRIPTION,
        modelDescription: MODEL_DESCRIPTION,
        shrink: SHRINK_POSTS,
        ...heatmap,
        platforms: recommendations.map((r) => ({
          platform: r.platform,
          used: r.used === 'model' ? ('tfjs' as const) : ('baseline' as const),
          reason: r.reason,
          posts: count(r.platform),
          accountMeanRate: r.accountMeanRate,
          evaluation: {
            trainPosts: r.evaluation.trainPosts,
            testPosts: r.evaluation.testPosts,
            cutoff: r.evaluation.cutoff?.toISOString() ?? null,
            model: r.evaluation.model,
            baseline: r.evaluation.baseline,
            accountMean: r.evaluation.accountMean,
          },
          times: r.times,
          heatmap: r.heatmap,
          priorPosts: r.priorPosts,
          trainingMs: Math.round(r.trainingMs),
          trainedAt: r.trainedAt,
        })),
        recommendations: recommendationMessages({ times: recommendations }),
      };
    },

    /** Hashtag lift over the account's mean (minimum support), crossed with current trends. */
    async hashtags(actor: Actor, query: AnalyticsQueryInput) {
      const q = resolve(actor, query);
      const posts = await analyticsRepo.performances(ctx.db, { ...q, limit: MAX_HISTORY });
      // Current trends are a creator's (its platforms'); the consolidated view has none.
      const trends: string[] = [];
      if (query.creatorId && deps.trends && can(actor, 'post:read', { creatorId: query.creatorId })) {
        // Trends that cannot be read (no such creator, platform down) leave the lift alone.
        const view = await deps.trends.forCreator(actor, query.creatorId, {}).catch((error: unknown) => {
          ctx.logger.warn({ err: error }, 'trends not crossed with hashtags');
          return { platforms: [] };
        });
        for (const platform of view.platforms)
          for (const trend of platform.trends) {
            const tag = normaliseHashtag(trend.name);
            if (/^[\p{L}\p{N}_]+$/u.test(tag)) trends.push(tag);
          }
      }
      const report = hashtagLift(posts, { trends });
      return {
        ...window(q),
        posts: posts.length,
        trends: [...new Set(trends)],
        ...report,
        recommendations: recommendationMessages({ hashtags: report }),
      };
    },

    /** Per platform, the content type whose posts beat the account's mean, and how surely. */
    async contentTypes(actor: Actor, query: AnalyticsQueryInput) {
      const q = resolve(actor, query);
      const posts = await analyticsRepo.performances(ctx.db, { ...q, limit: MAX_HISTORY });
      const platforms = bestContentType(posts);
      return {
        ...window(q),
        minSupport: CONTENT_TYPE_MIN_SUPPORT,
        platforms,
        recommendations: recommendationMessages({ contentTypes: platforms }),
      };
    },

    /** Target markets suggested from the followers' countries (latest snapshot per account). */
    async market(actor: Actor, query: AnalyticsQueryInput) {
      const q = resolve(actor, query);
      const { geography } = await analyticsRepo.overview(ctx.db, q);
      const countries = Object.fromEntries(geography.map((g) => [g.country, g.followers]));
      const detection = detectMarkets([
        {
          creatorId: 'scope',
          platform: 'sandbox',
          day: q.to.toISOString().slice(0, 10),
          followers: geography.reduce((n, g) => n + g.followers, 0),
          countries,
        },
      ]);
      return {
        ...window(q),
        ...detection,
        recommendations: recommendationMessages({ markets: detection }),
      };
    },

    /** The best-posts rows as CSV (every post of the window, best first). */
    async exportCsv(actor: Actor, query: AnalyticsQueryInput): Promise<string> {
      const q = resolve(actor, query);
      const posts = await analyticsRepo.bestPosts(ctx.db, { ...q, limit: 100_000 });
      const header = [
        'published_at',
        'creator',
        'platform',
        'kind',
        'text',
        'likes',
        'comments',
        'shares',
        'views',
        'reach',
        'saves',
        'engagement_rate',
        'conversions',
        'conversion_cents',
        'conversion_methods',
        'score',
        'score_engagement',
        'score_reach',
        'score_conversions',
      ];
      const lines = posts.map((p) =>
        [
          p.publishedAt,
          p.creatorName,
          p.platform,
          p.kind,
          p.text,
          p.likes,
          p.comments,
          p.shares,
          p.views,
          p.reach ?? '',
          p.saves ?? '',
          p.engagementRate ?? '',
          p.conversions,
          p.conversionCents,
          p.conversionMethods.join(' '),
          p.breakdown.score,
          p.breakdown.engagement,
          p.breakdown.reach,
          p.breakdown.conversions,
        ]
          .map(csvCell)
          .join(','),
      );
      return [header.join(','), ...lines].join('\r\n') + '\r\n';
    },
  };
}

/** RFC 4180 quoting; a text cell a spreadsheet would run as a formula is prefixed with `'`. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
