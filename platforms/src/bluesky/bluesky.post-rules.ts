import {
  BLUESKY_MAX_GRAPHEMES,
  graphemes,
  kindProblems,
  mediaProblems,
  postText,
  type PostRules,
} from '@velvet/shared';

export { BLUESKY_MAX_GRAPHEMES };

/** Bluesky: 300 graphemes, four images of at most 2,000,000 bytes each, or one video. */
export const blueskyPostRules: PostRules = (post) => {
  const text = postText(post);
  const problems = [...kindProblems(post)];
  const length = graphemes(text);
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
