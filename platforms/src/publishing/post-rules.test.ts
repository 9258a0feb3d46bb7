import { describe, expect, it } from 'vitest';
import { postText, type PostContent, type PostMedia } from '@velvet/shared';
import { targetProblems } from '../publisher';
import { xWeightedLength } from '../x/x.post-rules';
import { POST_RULES } from './post-rules';

const jpeg = (bytes = 300_000): PostMedia => ({
  kind: 'image',
  mime: 'image/jpeg',
  bytes,
  width: 1080,
  height: 1350,
});
const vertical = (seconds = 20, bytes = 20_000_000): PostMedia => ({
  kind: 'video',
  mime: 'video/mp4',
  bytes,
  width: 1080,
  height: 1920,
  durationSeconds: seconds,
});
const post = (overrides: Partial<PostContent> = {}): PostContent => ({
  kind: 'text',
  text: 'Nouvelle séance photo ce soir',
  hashtags: [],
  media: [],
  ...overrides,
});
const check = (platform: Parameters<typeof POST_RULES.get>[0], p: PostContent) =>
  POST_RULES.get(platform)!(p).map((problem) => `${problem.field}: ${problem.message}`);

describe('what each platform accepts', () => {
  it('counts X characters as X does: links 23, emoji and CJK 2', () => {
    expect(xWeightedLength('hello')).toBe(5);
    expect(xWeightedLength('see https://example.com/a/very/long/path/that/goes/on?and=on')).toBe(4 + 23);
    expect(xWeightedLength('👋🏽 ok')).toBe(2 + 3);
    expect(xWeightedLength('日本')).toBe(4);
    expect(xWeightedLength('é à ç')).toBe(5);
  });

  it('refuses an X post over 280, hashtags included, and accepts one at the limit', () => {
    const body = 'a'.repeat(270);
    expect(check('x', post({ text: body, hashtags: ['velvet'] }))).toEqual([]);
    expect(check('x', post({ text: body, hashtags: ['velvetnight'] }))).toEqual([
      'text: X: 284 characters as X counts them (links 23, emoji 2), the limit is 280',
    ]);
    expect(postText({ text: 'Ce soir #live', hashtags: ['live', '#paris'] })).toBe('Ce soir #live\n\n#paris');
  });

  it('counts Bluesky in graphemes: 300 family emoji are 300, not 2,100', () => {
    const family = '👨‍👩‍👧‍👦'.repeat(300);
    expect(check('bluesky', post({ text: family }))).toEqual([]);
    expect(check('bluesky', post({ text: `${family}!` }))).toEqual([
      'text: Bluesky: 301 characters (graphemes), the limit is 300',
    ]);
  });

  it('holds Bluesky images to four of at most 2,000,000 bytes', () => {
    expect(
      check('bluesky', post({ kind: 'carousel', media: [jpeg(), jpeg(), jpeg(), jpeg(), jpeg()] })),
    ).toEqual(['media: Bluesky: at most 4 images per post']);
    expect(check('bluesky', post({ kind: 'text_photo', media: [jpeg(2_100_000)] }))).toEqual([
      'media: Bluesky: an image is 2.1 MB, the limit is 2 MB',
    ]);
  });

  it('refuses text alone on Instagram and TikTok, with the kinds that would do', () => {
    expect(check('instagram', post())).toEqual([
      'kind: Instagram needs media: choose text + photo, a reel or a carousel',
    ]);
    expect(check('tiktok', post())).toEqual([
      'kind: TikTok needs a video or photos: choose a reel, text + photo or a carousel',
    ]);
    expect(check('instagram', post({ kind: 'text_photo', media: [jpeg()] }))).toEqual([]);
    expect(check('tiktok', post({ kind: 'reel', media: [vertical()] }))).toEqual([]);
  });

  it('holds Instagram to JPEG, 30 hashtags and reels of 3 s to 15 min', () => {
    const tags = Array.from({ length: 31 }, (_, i) => `tag${String.fromCharCode(97 + (i % 26))}${i}`);
    expect(check('instagram', post({ kind: 'text_photo', media: [jpeg()], hashtags: tags }))).toEqual([
      'hashtags: Instagram: 31 hashtags, the limit is 30',
    ]);
    expect(
      check('instagram', post({ kind: 'text_photo', media: [{ ...jpeg(), mime: 'image/png' }] })),
    ).toEqual(['media: Instagram: images must be image/jpeg (got image/png)']);
    expect(check('instagram', post({ kind: 'reel', media: [vertical(1000)] }))).toEqual([
      'media: Instagram: the video lasts 1000 s, the limit is 900 s',
    ]);
    const eleven = Array.from({ length: 11 }, () => jpeg());
    expect(check('instagram', post({ kind: 'carousel', media: eleven }))).toContain(
      'media: Instagram: at most 10 images per post',
    );
  });

  it('says what each kind carries, on every platform', () => {
    expect(
      check('sandbox', post({ kind: 'reel', media: [{ ...vertical(), width: 1920, height: 1080 }] })),
    ).toEqual(['media: a reel/short is a vertical video (taller than wide)']);
    expect(check('sandbox', post({ kind: 'text_photo', media: [] }))).toEqual([
      'media: text + photo takes exactly one image',
    ]);
    expect(check('sandbox', post({ kind: 'carousel', media: [jpeg()] }))).toEqual([
      'media: a carousel needs at least two media',
    ]);
    expect(check('onlyfans', post({ text: ' ' }))).toEqual([
      'text: a text post needs text',
      'text: OnlyFans: a post needs text or media',
    ]);
  });

  it('lists the problems per target, and names a platform it cannot publish to', () => {
    const result = targetProblems(post({ text: 'x'.repeat(290) }), POST_RULES, ['bluesky', 'x', 'instagram']);
    expect(result.map((r) => [r.platform, r.problems.length])).toEqual([
      ['bluesky', 0],
      ['x', 1],
      ['instagram', 1],
    ]);
    expect(targetProblems(post(), new Map(), ['tiktok'])[0]!.problems[0]!.message).toBe(
      'Velvet cannot publish to tiktok yet',
    );
  });
});
