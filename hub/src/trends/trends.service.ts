import {
  accountsRepo,
  creatorsRepo,
  hashtagsRepo,
  NotFound,
  PlatformError,
  type Actor,
  type CreatorTrendsView,
  type PublishPlatform,
} from '@velvet/shared';
import { createPublishers, PUBLISH_PROFILES, type Publishers, type Trend } from '@velvet/platforms';
import type { HubContext } from '../context';
import { authorize } from '../http/authorize';

/** Trends shown per platform. */
const TRENDS_SHOWN = 15;
/** Own hashtags shown. */
const OWN_TAGS_SHOWN = 12;
/** A platform that could not answer is not asked again for this long. */
const FAILURE_CACHE_MS = 60_000;

type Cached = { trends: Trend[]; fetchedAt: string } | { error: string; fetchedAt: string };

/**
 * Trends for the post editor: each platform the creator publishes to whose official API serves
 * them (Bluesky's AppView, X by location), kept in Redis for `interactions.trends_cache` so the
 * editor's readers share one call, and never more than `trends_calls_per_window` calls to a
 * platform per `trends_window`, whoever asks. Beside them, the creator's own hashtags.
 */
export function createTrendsService(ctx: HubContext, deps: { publishers?: Publishers } = {}) {
  const publishers =
    deps.publishers ?? createPublishers({ env: ctx.env, redis: ctx.redis, redisPrefix: ctx.redisPrefix });
  const settings = ctx.config.interactions;
  const key = (platform: string, location: number) => `${ctx.redisPrefix}:trends:${platform}:${location}`;

  /** One more call to the platform in this window, or false when the window's calls are spent. */
  async function mayCall(platform: string): Promise<boolean> {
    const counter = `${ctx.redisPrefix}:trends-calls:${platform}`;
    const used = await ctx.redis.incr(counter);
    if (used === 1) await ctx.redis.pexpire(counter, settings.trends_window);
    return used <= settings.trends_calls_per_window;
  }

  async function trendsOf(platform: PublishPlatform, location: number): Promise<Cached> {
    const cached = await ctx.redis.get(key(platform, location));
    if (cached) return JSON.parse(cached) as Cached;
    const publisher = publishers.get(platform);
    if (!publisher?.trends) return { error: 'not served', fetchedAt: ctx.now().toISOString() };
    if (!(await mayCall(platform)))
      return {
        error: 'Velvet asked this platform for trends often lately: they come back in a few minutes',
        fetchedAt: ctx.now().toISOString(),
      };
    let result: Cached;
    try {
      result = {
        trends: await publisher.trends({ location, limit: TRENDS_SHOWN }),
        fetchedAt: ctx.now().toISOString(),
      };
    } catch (error) {
      ctx.logger.warn({ err: error, platform }, 'trends not fetched');
      result = {
        error: error instanceof PlatformError ? error.message : 'The platform did not answer with its trends',
        fetchedAt: ctx.now().toISOString(),
      };
    }
    const ttl =
      'error' in result
        ? result.error.includes('X_BEARER_TOKEN')
          ? settings.trends_cache
          : FAILURE_CACHE_MS
        : settings.trends_cache;
    await ctx.redis.set(key(platform, location), JSON.stringify(result), 'PX', ttl);
    return result;
  }

  return {
    async forCreator(
      actor: Actor,
      creatorId: string,
      query: { location?: number },
    ): Promise<CreatorTrendsView> {
      authorize(actor, 'post:read', { creatorId });
      if (!(await creatorsRepo.findById(ctx.db, creatorId))) throw new NotFound('Creator');
      const accounts = await accountsRepo.listByCreator(ctx.db, creatorId);
      const platforms = [
        ...new Set(
          accounts
            .filter((a) => a.status !== 'disconnected' && publishers.get(a.platform)?.trends)
            .map((a) => a.platform as PublishPlatform),
        ),
      ];
      const location = query.location ?? 1;
      const views: CreatorTrendsView['platforms'] = [];
      for (const platform of platforms) {
        const result = await trendsOf(platform, location);
        const label = PUBLISH_PROFILES.get(platform)?.label ?? platform;
        views.push(
          'error' in result
            ? {
                platform,
                label,
                state: 'unavailable',
                trends: [],
                reason: result.error,
                fetchedAt: result.fetchedAt,
              }
            : { platform, label, state: 'ok', trends: result.trends, fetchedAt: result.fetchedAt },
        );
      }
      const tags = await hashtagsRepo.published(ctx.db, creatorId);
      return {
        platforms: views,
        // No results are stored per post yet: the tags are the most used, and say so.
        ownHashtags: { basis: 'none', tags: tags.slice(0, OWN_TAGS_SHOWN) },
      };
    },
  };
}

export type TrendsService = ReturnType<typeof createTrendsService>;
