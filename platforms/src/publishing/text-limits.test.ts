import { describe, expect, it } from 'vitest';
import { measurePostText, type PostContent, type PostMedia } from '@velvet/shared';
import { POST_RULES, PUBLISH_PROFILES } from './post-rules';

/** The text rules the platform declares: what `GET /api/platforms` serves the editor. */
const textOf = (platform: string) => PUBLISH_PROFILES.get(platform as 'x')!.text;

const photo: PostMedia = { kind: 'image', mime: 'image/jpeg', bytes: 300_000, width: 1080, height: 1350 };
const reel: PostMedia = {
  kind: 'video',
  mime: 'video/mp4',
  bytes: 20_000_000,
  width: 1080,
  height: 1920,
  durationSeconds: 20,
};

/** Whether the platform's rules refuse the text for its length. */
const refusesText = (platform: 'x' | 'bluesky' | 'instagram' | 'tiktok', post: PostContent) =>
  POST_RULES.get(platform)!(post).some((p) => p.field === 'text');

/**
 * The editor's live count and the rules that refuse a post must agree at the limit: text
 * exactly at it passes both, one more unit fails both, for every platform with a limit.
 */
describe('the editor’s text count agrees with each platform’s rules', () => {
  const cases = [
    { platform: 'x' as const, unit: '👋🏽', media: [photo], kind: 'text_photo' as const },
    { platform: 'x' as const, unit: 'a', media: [photo], kind: 'text_photo' as const },
    { platform: 'bluesky' as const, unit: '👋🏽', media: [photo], kind: 'text_photo' as const },
    { platform: 'instagram' as const, unit: 'é', media: [photo], kind: 'text_photo' as const },
    { platform: 'tiktok' as const, unit: 'a', media: [reel], kind: 'reel' as const },
    { platform: 'tiktok' as const, unit: 'a', media: [photo], kind: 'text_photo' as const },
  ];
  for (const { platform, unit, media, kind } of cases) {
    it(`${platform}, counting “${unit}” with ${kind}`, () => {
      const hasVideo = media.some((m) => m.kind === 'video');
      const { max, length: one } = measurePostText(textOf(platform), { text: unit, hashtags: [], hasVideo });
      expect(max).toBeGreaterThan(0);
      const fits = unit.repeat(Math.floor(max! / one));
      const over = fits + unit;
      const at = (text: string) => measurePostText(textOf(platform), { text, hashtags: ['paris'], hasVideo });
      // The hashtag is part of what the platform shows: the count includes it.
      expect(at('').length).toBeGreaterThan(0);
      const withTag = (text: string) => ({ kind, text, hashtags: ['paris'], media });
      const room = max! - at('').length - 2 * one; // "\n\n" between body and tags
      const body = unit.repeat(Math.floor(room / one));
      expect(at(body).length).toBeLessThanOrEqual(max!);
      expect(refusesText(platform, withTag(body))).toBe(false);
      const tooLong = body + unit.repeat(Math.ceil((max! - at(body).length + 1) / one));
      expect(at(tooLong).length).toBeGreaterThan(max!);
      expect(refusesText(platform, withTag(tooLong))).toBe(true);
      expect(refusesText(platform, { kind, text: fits, hashtags: [], media })).toBe(false);
      expect(refusesText(platform, { kind, text: over, hashtags: [], media })).toBe(
        measurePostText(textOf(platform), { text: over, hashtags: [], hasVideo }).length > max!,
      );
    });
  }

  it('counts Instagram hashtags against its 30', () => {
    const tags = Array.from({ length: 31 }, (_, i) => `tag${i}`);
    expect(
      measurePostText(textOf('instagram'), { text: 'hi', hashtags: tags, hasVideo: false }),
    ).toMatchObject({
      hashtags: 31,
      maxHashtags: 30,
    });
    expect(
      POST_RULES.get('instagram')!({ kind: 'text_photo', text: 'hi', hashtags: tags, media: [photo] }).some(
        (p) => p.field === 'hashtags',
      ),
    ).toBe(true);
  });

  it('sets no text limit where the platform has none', () => {
    expect(
      measurePostText(textOf('onlyfans'), { text: 'x'.repeat(5000), hashtags: [], hasVideo: false }),
    ).toEqual({
      length: 5000,
      hashtags: 0,
    });
  });
});
