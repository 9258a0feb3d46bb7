import type { PostRules, PublishPlatform } from '@velvet/shared';
import type { PublishProfile } from '../publisher';
import { blueskyPublishing } from '../bluesky/bluesky.post-rules';
import { instagramPublishing } from '../instagram/instagram.post-rules';
import { onlyfansPublishing } from '../onlyfans/onlyfans.post-rules';
import { sandboxPublishing } from '../sandbox/sandbox.post-rules';
import { tiktokPublishing } from '../tiktok/tiktok.post-rules';
import { xPublishing } from '../x/x.post-rules';

/** What Velvet knows of publishing to each platform. Adding a platform adds one line. */
export const PUBLISH_PROFILES: ReadonlyMap<PublishPlatform, PublishProfile> = new Map(
  [
    xPublishing,
    blueskyPublishing,
    instagramPublishing,
    tiktokPublishing,
    onlyfansPublishing,
    sandboxPublishing,
  ].map((profile) => [profile.platform, profile]),
);

/** Each publishing platform's rules, by platform. */
export const POST_RULES: ReadonlyMap<PublishPlatform, PostRules> = new Map(
  [...PUBLISH_PROFILES].map(([platform, profile]) => [platform, profile.rules]),
);

/** Whether the platform may owe a daily reel/short (the planner's and the reel alert's question). */
export const owesDailyReel = (platform: PublishPlatform): boolean =>
  PUBLISH_PROFILES.get(platform)?.dailyReel ?? false;
