import {
  countText,
  kindProblems,
  mediaProblems,
  postText,
  weightedLength,
  type PostRules,
  type PostTextRules,
} from '@velvet/shared';
import type { PublishProfile } from '../publisher';

/** X API v2: 280 weighted characters (links 23, emoji and CJK 2). */
export const xPostText: PostTextRules = { counting: 'weighted', maxLength: 280 };

export const X_MAX_WEIGHTED_LENGTH = xPostText.maxLength!;
/** The count the editor shows and the rules check, from the same shared function. */
export const xWeightedLength = weightedLength;

/** X API v2: 280 weighted characters, four images or one video (140 s, 512 MB), images 5 MB. */
export const xPostRules: PostRules = (post) => {
  const text = postText(post);
  const problems = [...kindProblems(post)];
  const length = countText(text, xPostText.counting);
  if (length > X_MAX_WEIGHTED_LENGTH)
    problems.push({
      field: 'text',
      message: `X: ${length} characters as X counts them (links 23, emoji 2), the limit is ${X_MAX_WEIGHTED_LENGTH}`,
    });
  if (!text && post.media.length === 0)
    problems.push({ field: 'text', message: 'X: a post needs text or media' });
  problems.push(
    ...mediaProblems(post, 'X', {
      images: {
        max: 4,
        bytes: 5_000_000,
        mimes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
      },
      videos: { max: 1, bytes: 512_000_000, seconds: { min: 0.5, max: 140 } },
    }),
  );
  return problems;
};

export const xPublishing: PublishProfile = {
  platform: 'x',
  label: 'X',
  rules: xPostRules,
  text: xPostText,
  dailyReel: true,
  defaultMix: { text_photo: 4, text: 2, reel: 1 },
};
