import {
  kindProblems,
  mediaProblems,
  postText,
  xWeightedLength,
  X_MAX_WEIGHTED_LENGTH,
  type PostRules,
} from '@velvet/shared';

// The count lives in shared so the post editor shows the same number the rules check.
export { xWeightedLength, X_MAX_WEIGHTED_LENGTH };

/** X API v2: 280 weighted characters, four images or one video (140 s, 512 MB), images 5 MB. */
export const xPostRules: PostRules = (post) => {
  const text = postText(post);
  const problems = [...kindProblems(post)];
  const length = xWeightedLength(text);
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
