import { kindProblems, mediaProblems, postText, type PostRules } from '@velvet/shared';

export const X_MAX_WEIGHTED_LENGTH = 280;
/** Every link counts as a t.co link, whatever its length. */
const URL_WEIGHT = 23;
/** Code points X counts once; every other one (CJK, emoji…) counts twice (twitter-text v3). */
const LIGHT_RANGES: readonly [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
const URL = /\bhttps?:\/\/[^\s]+|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|fr|co|me|app|link|ly)(?:\/[^\s]*)?/giu;

/** The length X checks against 280: links 23, an emoji 2, CJK 2, everything else 1. */
export function xWeightedLength(text: string): number {
  let length = 0;
  const rest = text.replace(URL, () => {
    length += URL_WEIGHT;
    return '';
  });
  for (const { segment } of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(rest)) {
    if (/\p{Extended_Pictographic}/u.test(segment)) {
      length += 2;
      continue;
    }
    for (const char of segment) {
      const code = char.codePointAt(0)!;
      length += LIGHT_RANGES.some(([from, to]) => code >= from && code <= to) ? 1 : 2;
    }
  }
  return length;
}

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
