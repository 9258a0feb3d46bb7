import { kindProblems, type PostRules } from '@velvet/shared';
import type { PublishProfile } from '../publisher';

/** OnlyFans posts (through the provider's `POST /posts`): text, media, or both. */
export const onlyfansPostRules: PostRules = (post) => {
  const problems = [...kindProblems(post)];
  if (!post.text.trim() && post.media.length === 0)
    problems.push({ field: 'text', message: 'OnlyFans: a post needs text or media' });
  return problems;
};

/** No text limit is documented; no daily reel is owed there. */
export const onlyfansPublishing: PublishProfile = {
  platform: 'onlyfans',
  label: 'OnlyFans',
  rules: onlyfansPostRules,
  text: { counting: 'chars' },
  dailyReel: false,
  defaultMix: { text_photo: 4, carousel: 2, reel: 1 },
};
