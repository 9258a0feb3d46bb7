import {
  countText,
  hashtagsOf,
  kindProblems,
  mediaProblems,
  postText,
  type PostRules,
  type PostTextRules,
} from '@velvet/shared';
import type { PublishProfile } from '../publisher';

/** Captions of 2,200 characters (UTF-16 units, as the Graph API counts) with at most 30 hashtags. */
export const instagramPostText: PostTextRules = { counting: 'chars', maxLength: 2200, maxHashtags: 30 };

export const INSTAGRAM_MAX_CAPTION = instagramPostText.maxLength!;
export const INSTAGRAM_MAX_HASHTAGS = instagramPostText.maxHashtags!;

/**
 * Instagram Graph API publishing: media is required (no text-only posts), captions of 2,200
 * characters with at most 30 hashtags, JPEG images up to 8 MB, reels of 3 s to 15 min,
 * carousels of up to 10 items.
 */
export const instagramPostRules: PostRules = (post) => {
  const text = postText(post);
  const problems = [...kindProblems(post)];
  if (post.kind === 'text')
    problems.push({
      field: 'kind',
      message: 'Instagram needs media: choose text + photo, a reel or a carousel',
    });
  const length = countText(text, instagramPostText.counting);
  if (length > INSTAGRAM_MAX_CAPTION)
    problems.push({
      field: 'text',
      message: `Instagram: the caption has ${length} characters, the limit is ${INSTAGRAM_MAX_CAPTION}`,
    });
  const tags = hashtagsOf(text).length;
  if (tags > INSTAGRAM_MAX_HASHTAGS)
    problems.push({
      field: 'hashtags',
      message: `Instagram: ${tags} hashtags, the limit is ${INSTAGRAM_MAX_HASHTAGS}`,
    });
  const carousel = post.kind === 'carousel';
  problems.push(
    ...mediaProblems(post, 'Instagram', {
      images: { max: carousel ? 10 : 1, bytes: 8_000_000, mimes: ['image/jpeg'] },
      videos: { max: carousel ? 10 : 1, bytes: 300_000_000, seconds: { min: 3, max: 900 } },
      mixed: carousel,
    }),
  );
  if (carousel && post.media.length > 10)
    problems.push({ field: 'media', message: 'Instagram: a carousel holds at most 10 items' });
  return problems;
};

export const instagramPublishing: PublishProfile = {
  platform: 'instagram',
  label: 'Instagram',
  rules: instagramPostRules,
  text: instagramPostText,
  dailyReel: true,
  defaultMix: { text_photo: 4, carousel: 2, reel: 1 },
};
