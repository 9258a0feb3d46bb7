import { kindProblems, type PostRules } from '@velvet/shared';

/** OnlyFans posts (through the provider's `POST /posts`): text, media, or both. */
export const onlyfansPostRules: PostRules = (post) => {
  const problems = [...kindProblems(post)];
  if (!post.text.trim() && post.media.length === 0)
    problems.push({ field: 'text', message: 'OnlyFans: a post needs text or media' });
  return problems;
};
