import type { PostKind, PublishPlatform } from './planner';

/** One media file of a post, as the media library describes it. */
export interface PostMedia {
  kind: 'image' | 'video';
  mime: string;
  bytes: number;
  width?: number;
  height?: number;
  durationSeconds?: number;
  alt?: string;
}

/** A post as one target will receive it: its platform variant of the text, hashtags, media. */
export interface PostContent {
  kind: PostKind;
  text: string;
  hashtags: readonly string[];
  media: readonly PostMedia[];
}

/** Why a post cannot go to a platform as it is, on the field to fix. */
export interface PostProblem {
  field: 'kind' | 'text' | 'hashtags' | 'media';
  message: string;
}

/** Each platform's rules, in one function: no problem means the post can be scheduled there. */
export type PostRules = (post: PostContent) => PostProblem[];

/** The text a platform shows: the body, then the hashtags it does not already carry. */
export function postText(post: Pick<PostContent, 'text' | 'hashtags'>): string {
  const present = new Set(
    (post.text.match(/#[\p{L}\p{N}_]+/gu) ?? []).map((tag) => tag.slice(1).toLowerCase()),
  );
  const extra = post.hashtags
    .map((tag) => tag.replace(/^#/, ''))
    .filter((tag) => tag && !present.has(tag.toLowerCase()));
  return [post.text.trim(), extra.map((tag) => `#${tag}`).join(' ')].filter(Boolean).join('\n\n');
}

/** Every hashtag of the text a platform shows. */
export const hashtagsOf = (text: string) => text.match(/#[\p{L}\p{N}_]+/gu) ?? [];

/** User-perceived characters (an emoji with its modifiers is one), as Bluesky counts them. */
export function graphemes(text: string): number {
  let count = 0;
  for (const _ of new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)) count++;
  return count;
}

/** Platforms state their limits in decimal megabytes. */
export const megabytes = (bytes: number) => `${Math.round(bytes / 100_000) / 10} MB`;

/** Shared checks: how many images and videos, their size and length, against a platform's numbers. */
export function mediaProblems(
  post: PostContent,
  platform: string,
  limits: {
    images?: { max: number; bytes: number; mimes?: readonly string[] };
    videos?: { max: number; bytes: number; seconds?: { min?: number; max?: number } };
    /** Images and videos may not be mixed in one post. */
    mixed?: boolean;
  },
): PostProblem[] {
  const problems: PostProblem[] = [];
  const images = post.media.filter((m) => m.kind === 'image');
  const videos = post.media.filter((m) => m.kind === 'video');
  const say = (message: string) => problems.push({ field: 'media', message: `${platform}: ${message}` });
  if (images.length && videos.length && !limits.mixed) say('images and a video cannot go in the same post');
  if (images.length > (limits.images?.max ?? 0))
    say(limits.images ? `at most ${limits.images.max} images per post` : 'takes no images');
  if (videos.length > (limits.videos?.max ?? 0))
    say(limits.videos ? `at most ${limits.videos.max} video per post` : 'takes no video');
  for (const image of images) {
    if (limits.images && image.bytes > limits.images.bytes)
      say(`an image is ${megabytes(image.bytes)}, the limit is ${megabytes(limits.images.bytes)}`);
    if (limits.images?.mimes && !limits.images.mimes.includes(image.mime))
      say(`images must be ${limits.images.mimes.join(' or ')} (got ${image.mime})`);
  }
  for (const video of videos) {
    if (limits.videos && video.bytes > limits.videos.bytes)
      say(`the video is ${megabytes(video.bytes)}, the limit is ${megabytes(limits.videos.bytes)}`);
    const seconds = limits.videos?.seconds;
    if (seconds && video.durationSeconds !== undefined) {
      if (seconds.max !== undefined && video.durationSeconds > seconds.max)
        say(`the video lasts ${Math.round(video.durationSeconds)} s, the limit is ${seconds.max} s`);
      if (seconds.min !== undefined && video.durationSeconds < seconds.min)
        say(`the video lasts ${Math.round(video.durationSeconds)} s, the minimum is ${seconds.min} s`);
    }
  }
  return problems;
}

/** What each kind of post carries, the same on every platform. */
export function kindProblems(post: PostContent): PostProblem[] {
  const images = post.media.filter((m) => m.kind === 'image').length;
  const videos = post.media.filter((m) => m.kind === 'video').length;
  const problem = (message: string): PostProblem[] => [{ field: 'media', message }];
  switch (post.kind) {
    case 'text':
      if (post.media.length) return problem('a text post has no media: choose text + photo');
      if (!post.text.trim()) return [{ field: 'text', message: 'a text post needs text' }];
      return [];
    case 'text_photo':
      return images === 1 && videos === 0 ? [] : problem('text + photo takes exactly one image');
    case 'reel':
      if (videos !== 1 || images) return problem('a reel/short is exactly one video');
      return post.media.some((m) => m.width !== undefined && m.height !== undefined && m.width >= m.height)
        ? problem('a reel/short is a vertical video (taller than wide)')
        : [];
    case 'carousel':
      return post.media.length >= 2 ? [] : problem('a carousel needs at least two media');
  }
}

export type { PostKind, PublishPlatform };
