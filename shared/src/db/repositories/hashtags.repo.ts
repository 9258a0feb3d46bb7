import { and, desc, eq, exists } from 'drizzle-orm';
import type { Db } from '../client';
import { postTargets, posts } from '../schema';

/** `#word` in a text, letters and digits of any script (a trailing `#` or `#123` alone is not one). */
const HASHTAG = /(?:^|[^\p{L}\p{N}_&#])#([\p{L}_][\p{L}\p{N}_]{0,99})/gu;

export function hashtagsIn(text: string): string[] {
  return [...text.matchAll(HASHTAG)].map((m) => m[1]!);
}

export const hashtagsRepo = {
  /**
   * The hashtags of the creator's posts published somewhere, with how many posts used each,
   * most used first (ties by the latest use). Read from the last `limit` published posts.
   */
  async published(db: Db, creatorId: string, limit = 200): Promise<{ tag: string; posts: number }[]> {
    const rows = await db
      .select({ text: posts.text, hashtags: posts.hashtags, variants: posts.variants })
      .from(posts)
      .where(
        and(
          eq(posts.creatorId, creatorId),
          exists(
            db
              .select({ one: postTargets.id })
              .from(postTargets)
              .where(and(eq(postTargets.postId, posts.id), eq(postTargets.state, 'published'))),
          ),
        ),
      )
      .orderBy(desc(posts.createdAt))
      .limit(limit);
    const counts = new Map<string, { tag: string; posts: number; order: number }>();
    rows.forEach((row, order) => {
      const tags = new Set<string>();
      const add = (tag: string) => tags.add(tag.replace(/^#/, ''));
      row.hashtags.forEach(add);
      hashtagsIn(row.text).forEach(add);
      for (const variant of Object.values(row.variants)) {
        variant.hashtags?.forEach(add);
        if (variant.text) hashtagsIn(variant.text).forEach(add);
      }
      const seen = new Set<string>();
      for (const tag of tags) {
        const key = tag.toLocaleLowerCase();
        if (!tag || seen.has(key)) continue;
        seen.add(key);
        const entry = counts.get(key) ?? { tag, posts: 0, order };
        entry.posts++;
        counts.set(key, entry);
      }
    });
    return [...counts.values()]
      .sort((a, b) => b.posts - a.posts || a.order - b.order)
      .map(({ tag, posts: n }) => ({ tag, posts: n }));
  },
};
