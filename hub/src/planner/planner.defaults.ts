import {
  DAILY_REEL_PLATFORMS,
  DEFAULT_MARKET_PROFILES,
  type MarketProfile,
  type PlatformPlan,
  type PostKind,
  type PublishPlatform,
} from '@velvet/shared';

/**
 * What each platform takes by default, text + photo first (the seed's priority): Instagram
 * and TikTok carry no text-only posts; X and Bluesky do, a little.
 */
const DEFAULT_MIX: Record<PublishPlatform, Partial<Record<PostKind, number>>> = {
  instagram: { text_photo: 4, carousel: 2, reel: 1 },
  tiktok: { reel: 2, carousel: 1 },
  x: { text_photo: 4, text: 2, reel: 1 },
  bluesky: { text_photo: 4, text: 2, reel: 1 },
  onlyfans: { text_photo: 4, carousel: 2, reel: 1 },
  sandbox: { text_photo: 4, text: 2, carousel: 1, reel: 1 },
};

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
      mix: { ...DEFAULT_MIX[platform] },
      dailyReel: DAILY_REEL_PLATFORMS.includes(platform),
    })),
  };
}
