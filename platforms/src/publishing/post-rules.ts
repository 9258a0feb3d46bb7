import type { PostRules, PublishPlatform } from '@velvet/shared';
import { blueskyPostRules } from '../bluesky/bluesky.post-rules';
import { instagramPostRules } from '../instagram/instagram.post-rules';
import { onlyfansPostRules } from '../onlyfans/onlyfans.post-rules';
import { sandboxPostRules } from '../sandbox/sandbox.post-rules';
import { tiktokPostRules } from '../tiktok/tiktok.post-rules';
import { xPostRules } from '../x/x.post-rules';

/** Each publishing platform's rules, by platform. Adding a platform adds one line. */
export const POST_RULES: ReadonlyMap<PublishPlatform, PostRules> = new Map<PublishPlatform, PostRules>([
  ['x', xPostRules],
  ['bluesky', blueskyPostRules],
  ['instagram', instagramPostRules],
  ['tiktok', tiktokPostRules],
  ['onlyfans', onlyfansPostRules],
  ['sandbox', sandboxPostRules],
]);
