import { graphemes, hashtagsOf, postText } from './post';

/*
 * How long a platform lets a post's text be is data its publisher declares (`PostTextRules`,
 * in `platforms/<name>/<name>.post-rules.ts`) and `GET /api/platforms` serves: the post editor
 * counts from that data with the functions below, and each platform's rules check against the
 * same data and functions (a test holds the two together), so what the editor says is what
 * scheduling says.
 */

/** How a platform counts a text's length. */
export const TEXT_COUNTINGS = ['weighted', 'graphemes', 'chars'] as const;
export type TextCounting = (typeof TEXT_COUNTINGS)[number];

/** A platform's limits on a post's text, as data. */
export interface PostTextRules {
  /**
   * `weighted`: links 23, emoji and CJK 2, everything else 1 (twitter-text v3);
   * `graphemes`: user-perceived characters; `chars`: UTF-16 units, as most APIs count.
   */
  counting: TextCounting;
  /** The most the text may count; absent when the platform sets no limit. */
  maxLength?: number;
  /** The limit instead when the post carries a video (a caption rather than a description). */
  maxLengthWithVideo?: number;
  /** The most hashtags one post may carry, where the platform sets a number. */
  maxHashtags?: number;
}

/** Every link counts as a t.co link, whatever its length. */
const URL_WEIGHT = 23;
/** Code points counted once; every other one (CJK, emoji…) counts twice (twitter-text v3). */
const LIGHT_RANGES: readonly [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
const URL = /\bhttps?:\/\/[^\s]+|\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|fr|co|me|app|link|ly)(?:\/[^\s]*)?/giu;

/** The weighted length: links 23, an emoji 2, CJK 2, everything else 1. */
export function weightedLength(text: string): number {
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

/** The length of `text` counted the way `counting` says. */
export function countText(text: string, counting: TextCounting): number {
  switch (counting) {
    case 'weighted':
      return weightedLength(text);
    case 'graphemes':
      return graphemes(text);
    case 'chars':
      return text.length;
  }
}

/** The text limit that applies to a post, if the rules set one. */
export function maxTextLength(rules: PostTextRules, hasVideo: boolean): number | undefined {
  return (hasVideo ? rules.maxLengthWithVideo : undefined) ?? rules.maxLength;
}

/** What one target's text measures against its platform's rules (none: no limit), as the editor shows it. */
export function measurePostText(
  rules: PostTextRules | undefined,
  post: { text: string; hashtags: readonly string[]; hasVideo: boolean },
): { length: number; max?: number; unit?: TextCounting; hashtags: number; maxHashtags?: number } {
  const text = postText(post);
  const max = rules && maxTextLength(rules, post.hasVideo);
  return {
    length: rules ? countText(text, rules.counting) : text.length,
    ...(rules && max !== undefined ? { max, unit: rules.counting } : {}),
    hashtags: hashtagsOf(text).length,
    ...(rules?.maxHashtags !== undefined ? { maxHashtags: rules.maxHashtags } : {}),
  };
}
