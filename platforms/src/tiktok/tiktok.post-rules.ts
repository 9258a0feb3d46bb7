import {
  CAPTION_MAX_CHARACTERS,
  kindProblems,
  mediaProblems,
  postText,
  TIKTOK_PHOTO_MAX_CHARACTERS,
  type PostRules,
} from '@velvet/shared';

export const TIKTOK_MAX_VIDEO_CAPTION = CAPTION_MAX_CHARACTERS;
export const TIKTOK_MAX_PHOTO_DESCRIPTION = TIKTOK_PHOTO_MAX_CHARACTERS;

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
  const limit = video ? TIKTOK_MAX_VIDEO_CAPTION : TIKTOK_MAX_PHOTO_DESCRIPTION;
  if (text.length > limit)
    problems.push({
      field: 'text',
      message: `TikTok: the ${video ? 'caption' : 'description'} has ${text.length} characters, the limit is ${limit}`,
    });
  problems.push(
    ...mediaProblems(post, 'TikTok', {
      images: { max: 35, bytes: 20_000_000, mimes: ['image/jpeg', 'image/webp'] },
      videos: { max: 1, bytes: 4_000_000_000, seconds: { min: 3 } },
    }),
  );
  return problems;
};
