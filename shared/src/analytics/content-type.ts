import type { PublishPlatform } from '../domain';
import { POST_KINDS, type PostKind } from '../publishing/planner';
import { engagementRate } from './scoring';
import type { PostPerformance } from './types';

/**
 * Best content type per platform: each post's engagement rate over its account's mean
 * (creator × platform), averaged per kind. Confidence compares the best kind with the other
 * posts of the platform by Welch's t on the log of those relative rates:
 *   strong   — t ≥ 3 and at least 30 posts of the kind,
 *   moderate — t ≥ 2 and at least `minSupport` posts,
 *   weak     — a lead too small or too noisy to rely on,
 *   insufficient — fewer than `minSupport` posts of any kind (no best kind given).
 */
export const CONTENT_TYPE_MIN_SUPPORT = 15;

export type Confidence = 'strong' | 'moderate' | 'weak' | 'insufficient';

export interface KindStats {
  kind: PostKind;
  posts: number;
  /** Mean engagement rate relative to the account mean (1.4 = 40% better). */
  lift: number;
  meanRate: number;
}

export interface BestContentType {
  platform: PublishPlatform;
  best: PostKind | null;
  confidence: Confidence;
  /** Welch t of the best kind against the rest (log scale); 0 when not computed. */
  t: number;
  kinds: KindStats[];
}

export function bestContentType(
  posts: readonly PostPerformance[],
  options: { minSupport?: number } = {},
): BestContentType[] {
  const minSupport = options.minSupport ?? CONTENT_TYPE_MIN_SUPPORT;
  const accountMeans = new Map<string, { sum: number; n: number }>();
  for (const p of posts) {
    const key = `${p.creatorId}\u0000${p.platform}`;
    const a = accountMeans.get(key) ?? { sum: 0, n: 0 };
    a.sum += engagementRate(p);
    a.n++;
    accountMeans.set(key, a);
  }
  const platforms = [...new Set(posts.map((p) => p.platform))];
  return platforms.map((platform) => {
    const rel = new Map<PostKind, { relative: number[]; rates: number[] }>();
    for (const p of posts) {
      if (p.platform !== platform) continue;
      const a = accountMeans.get(`${p.creatorId}\u0000${p.platform}`)!;
      const m = a.sum / a.n;
      if (m <= 0) continue;
      const entry = rel.get(p.kind) ?? { relative: [], rates: [] };
      entry.relative.push(engagementRate(p) / m);
      entry.rates.push(engagementRate(p));
      rel.set(p.kind, entry);
    }
    const kinds: KindStats[] = POST_KINDS.filter((k) => rel.has(k))
      .map((kind) => {
        const e = rel.get(kind)!;
        return { kind, posts: e.relative.length, lift: avg(e.relative), meanRate: avg(e.rates) };
      })
      .sort((a, b) => b.lift - a.lift);
    const eligible = kinds.filter((k) => k.posts >= minSupport);
    const top = eligible[0];
    if (!top) return { platform, best: null, confidence: 'insufficient' as const, t: 0, kinds };
    const logOf = (xs: number[]) => xs.map((x) => Math.log(x + 0.01));
    const mine = logOf(rel.get(top.kind)!.relative);
    const rest = logOf([...rel].filter(([k]) => k !== top.kind).flatMap(([, e]) => e.relative));
    const t = welchT(mine, rest);
    const confidence: Confidence = t >= 3 && top.posts >= 30 ? 'strong' : t >= 2 ? 'moderate' : 'weak';
    return { platform, best: top.kind, confidence, t, kinds };
  });
}

const avg = (xs: readonly number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

function welchT(a: readonly number[], b: readonly number[]): number {
  if (a.length < 2 || b.length < 2) return 0;
  const va = variance(a);
  const vb = variance(b);
  const se = Math.sqrt(va / a.length + vb / b.length);
  return se > 0 ? (avg(a) - avg(b)) / se : 0;
}

function variance(xs: readonly number[]): number {
  const m = avg(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
}
