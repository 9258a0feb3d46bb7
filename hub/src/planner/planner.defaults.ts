import {
  DEFAULT_MARKET_PROFILES,
  type MarketProfile,
  type PlatformPlan,
  type PublishPlatform,
} from '@velvet/shared';
import { PUBLISH_PROFILES } from '@velvet/platforms';

/**
 * A new creator's planner: France and both US coasts, and for each platform the creator
 * publishes to, a morning and an evening post in Paris and an evening post on the East
 * Coast (lunchtime on the West Coast), each within ±20 minutes; a daily reel where it is owed.
 */
export function defaultPlanner(platforms: readonly PublishPlatform[]): {
  markets: MarketProfile[];
  platforms: PlatformPlan[];
} {
  return {
    markets: DEFAULT_MARKET_PROFILES.map((m) => ({
      ...m,
      active: { ...m.active },
      quiet: m.quiet && { ...m.quiet },
    })),
    platforms: platforms.map((platform) => ({
      platform,
      slots: [
        { profile: 'FR', start: '08:00', end: '10:00', posts: 1, jitterMinutes: 20 },
        { profile: 'FR', start: '19:00', end: '22:00', posts: 1, jitterMinutes: 20 },
        { profile: 'US-East', start: '19:00', end: '22:00', posts: 1, jitterMinutes: 20 },
      ],
      // Each publisher's default mix and whether a reel is owed there (text + photo first).
      mix: { ...PUBLISH_PROFILES.get(platform)?.defaultMix },
      dailyReel: PUBLISH_PROFILES.get(platform)?.dailyReel ?? false,
    })),
  };
}
