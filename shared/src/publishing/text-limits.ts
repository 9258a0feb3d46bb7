import { graphemes, hashtagsOf, postText } from './post';

/*
 * How long each platform lets a post's text be, counted the way that platform counts: the
 * post editor shows these numbers live, and the platforms' rules check against the same
 * functions (a test holds the two together), so what the editor says is what scheduling says.
 */

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

/** Bluesky counts user-perceived characters (graphemes). */
export const BLUESKY_MAX_GRAPHEMES = 300;
/** Instagram captions and TikTok video captions, in UTF-16 units as their APIs count. */
export const CAPTION_MAX_CHARACTERS = 2200;
/** A TikTok photo post's description. */
export const TIKTOK_PHOTO_MAX_CHARACTERS = 4000;
export const INSTAGRAM_MAX_HASHTAGS = 30;

export interface TextLimit {
  /** How the platform counts: shown beside the number. */
  unit: 'characters' | 'graphemes' | 'weighted';
  max: number;
  count: (text: string) => number;
}

/**
 * The text limit a platform sets for a post (TikTok's depends on whether it carries a
 * video); none for platforms without one (OnlyFans, the sandbox).
 */
export function textLimitFor(platform: string, hasVideo: boolean): TextLimit | undefined {
  switch (platform) {
    case 'x':
      return { unit: 'weighted', max: X_MAX_WEIGHTED_LENGTH, count: xWeightedLength };
    case 'bluesky':
      return { unit: 'graphemes', max: BLUESKY_MAX_GRAPHEMES, count: graphemes };
    case 'instagram':
      return { unit: 'characters', max: CAPTION_MAX_CHARACTERS, count: (text) => text.length };
    case 'tiktok':
      return {
        unit: 'characters',
        max: hasVideo ? CAPTION_MAX_CHARACTERS : TIKTOK_PHOTO_MAX_CHARACTERS,
        count: (text) => text.length,
      };
    default:
      return undefined;
  }
}

/** The most hashtags a platform takes in one post, where it sets a number. */
export function hashtagLimitFor(platform: string): number | undefined {
  return platform === 'instagram' ? INSTAGRAM_MAX_HASHTAGS : undefined;
}

/** What one target's text measures against its platform's limits, as the editor shows it. */
export function measurePostText(
  platform: string,
  post: { text: string; hashtags: readonly string[]; hasVideo: boolean },
): { length: number; max?: number; unit?: TextLimit['unit']; hashtags: number; maxHashtags?: number } {
  const text = postText(post);
  const limit = textLimitFor(platform, post.hasVideo);
  const maxHashtags = hashtagLimitFor(platform);
  return {
    length: limit ? limit.count(text) : text.length,
    ...(limit ? { max: limit.max, unit: limit.unit } : {}),
    hashtags: hashtagsOf(text).length,
    ...(maxHashtags !== undefined ? { maxHashtags } : {}),
  };
}
