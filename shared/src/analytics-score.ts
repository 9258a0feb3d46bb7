/**
 * The best-post score: 50% engagement + 30% reach + 20% conversions, each part normalised
 * within the creator and platform so that platforms compare. `normaliseWithin` is the one
 * place the normalisation lives (min-max per creator × platform; a group whose values are
 * all equal gives each post 0.5 on that part), so another scheme can replace it alone.
 */
export const SCORE_WEIGHTS = { engagement: 0.5, reach: 0.3, conversions: 0.2 } as const;

/** The engagement rate as the product defines it: (likes + comments) ÷ views. */
export const ENGAGEMENT_FORMULA = '(likes + comments) / views';

/** Null when nothing was viewed (no rate to speak of). */
export function engagementRateOrNone(m: { likes: number; comments: number; views: number }): number | null {
  return m.views > 0 ? (m.likes + m.comments) / m.views : null;
}

export interface ScoreInput {
  creatorId: string;
  platform: string;
  /** (likes + comments) / views, or null without views (counts as 0). */
  engagement: number | null;
  /** Accounts reached, or views where the platform gives no reach. */
  reach: number;
  conversions: number;
}

export interface ScoreBreakdown {
  /** Each part in [0, 1] after normalisation. */
  engagement: number;
  reach: number;
  conversions: number;
  /** The weighted sum, in [0, 1]. */
  score: number;
}

type Part = 'engagement' | 'reach' | 'conversions';

/** Min-max normalisation of each part within each creator × platform group. */
export function normaliseWithin(rows: readonly ScoreInput[]): Record<Part, number>[] {
  const groups = new Map<string, Record<Part, { min: number; max: number }>>();
  const value = (r: ScoreInput, part: Part) => (part === 'engagement' ? (r.engagement ?? 0) : r[part]);
  const parts: Part[] = ['engagement', 'reach', 'conversions'];
  for (const r of rows) {
    const key = `${r.creatorId}|${r.platform}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        engagement: { min: Infinity, max: -Infinity },
        reach: { min: Infinity, max: -Infinity },
        conversions: { min: Infinity, max: -Infinity },
      };
      groups.set(key, g);
    }
    for (const part of parts) {
      const v = value(r, part);
      g[part].min = Math.min(g[part].min, v);
      g[part].max = Math.max(g[part].max, v);
    }
  }
  return rows.map((r) => {
    const g = groups.get(`${r.creatorId}|${r.platform}`)!;
    const out = {} as Record<Part, number>;
    for (const part of parts) {
      const { min, max } = g[part];
      out[part] = max > min ? (value(r, part) - min) / (max - min) : 0.5;
    }
    return out;
  });
}

/** Scores every row (normalised against the others of its creator and platform). */
export function scorePosts(
  rows: readonly ScoreInput[],
  normalise: (rows: readonly ScoreInput[]) => Record<Part, number>[] = normaliseWithin,
): ScoreBreakdown[] {
  return normalise(rows).map((n) => ({
    ...n,
    score:
      SCORE_WEIGHTS.engagement * n.engagement +
      SCORE_WEIGHTS.reach * n.reach +
      SCORE_WEIGHTS.conversions * n.conversions,
  }));
}
