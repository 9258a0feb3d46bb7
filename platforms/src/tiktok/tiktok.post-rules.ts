import {
  countText,
  kindProblems,
  maxTextLength,
  mediaProblems,
  postText,
  type PostRules,
  type PostTextRules,
} from '@velvet/shared';
import type { PublishProfile } from '../publisher';

/** A photo post's description holds 4,000 characters; a video's caption 2,200. */
export const tiktokPostText: PostTextRules = { counting: 'chars', maxLength: 4000, maxLengthWithVideo: 2200 };

export const TIKTOK_MAX_VIDEO_CAPTION = tiktokPostText.maxLengthWithVideo!;
export const TIKTOK_MAX_PHOTO_DESCRIPTION = tiktokPostText.maxLength!;

/**
 * TikTok Content Posting API: a video, or photos (up to 35, JPEG or WebP) — never text alone.
 * A video's caption holds 2,200 characters; a photo post's description 4,000. The longest
 * video a creator may post comes from their creator info at publishing time.
 */
export const tiktokPostRules: PostRules = (post) => {
  const text = postText(post);
  const problems = [...kindProblems(post)];
  if (post.kind === 'text')
    problems.push({
      field: 'kind',
      message: 'TikTok needs a video or photos: choose a reel, text + photo or a carousel',
    });
  const video = post.media.some((m) => m.kind === 'video');
  const limit = maxTextLength(tiktokPostText, video)!;
  const length = countText(text, tiktokPostText.counting);
  if (length > limit)
    problems.push({
      field: 'text',
      message: `TikTok: the ${video ? 'caption' : 'description'} has ${length} characters, the limit is ${limit}`,
    });
  problems.push(
    ...mediaProblems(post, 'TikTok', {
      images: { max: 35, bytes: 20_000_000, mimes: ['image/jpeg', 'image/webp'] },
      videos: { max: 1, bytes: 4_000_000_000, seconds: { min: 3 } },
    }),
  );
  return problems;
};

export const tiktokPublishing: PublishProfile = {
  platform: 'tiktok',
  label: 'TikTok',
  rules: tiktokPostRules,
  text: tiktokPostText,
  dailyReel: true,
  defaultMix: { reel: 2, carousel: 1 },
};
