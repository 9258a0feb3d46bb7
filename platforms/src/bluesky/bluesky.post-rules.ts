import {
  countText,
  kindProblems,
  mediaProblems,
  postText,
  type PostRules,
  type PostTextRules,
} from '@velvet/shared';
import type { PublishProfile } from '../publisher';

/** Bluesky counts user-perceived characters (graphemes): 300. */
export const blueskyPostText: PostTextRules = { counting: 'graphemes', maxLength: 300 };

export const BLUESKY_MAX_GRAPHEMES = blueskyPostText.maxLength!;

/** Bluesky: 300 graphemes, four images of at most 2,000,000 bytes each, or one video. */
export const blueskyPostRules: PostRules = (post) => {
  const text = postText(post);
  const problems = [...kindProblems(post)];
  const length = countText(text, blueskyPostText.counting);
  if (length > BLUESKY_MAX_GRAPHEMES)
    problems.push({
      field: 'text',
      message: `Bluesky: ${length} characters (graphemes), the limit is ${BLUESKY_MAX_GRAPHEMES}`,
    });
  if (!text && post.media.length === 0)
    problems.push({ field: 'text', message: 'Bluesky: a post needs text or media' });
  problems.push(
    ...mediaProblems(post, 'Bluesky', {
      images: { max: 4, bytes: 2_000_000, mimes: ['image/jpeg', 'image/png', 'image/webp'] },
      videos: { max: 1, bytes: 100_000_000, seconds: { max: 180 } },
    }),
  );
  return problems;
};

export const blueskyPublishing: PublishProfile = {
  platform: 'bluesky',
  label: 'Bluesky',
  rules: blueskyPostRules,
  text: blueskyPostText,
  dailyReel: true,
  defaultMix: { text_photo: 4, text: 2, reel: 1 },
};
