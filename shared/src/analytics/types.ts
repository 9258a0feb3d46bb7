import type { PublishPlatform } from '../domain';
import type { PostKind } from '../publishing/planner';

/**
 * One published post with its latest metrics: what every analytics computation here reads.
 * The storage builds it from the newest metric sample of each post; `performancesFrom()`
 * does the same from the generator's rows.
 */
export interface PostPerformance {
  postId: string;
  creatorId: string;
  platform: PublishPlatform;
  kind: PostKind;
  /** Lower-case, without `#`. */
  hashtags: readonly string[];
  publishedAt: Date;
  /** The creator's IANA zone: hours of week are read on the creator's clock. */
  timeZone: string;
  likes: number;
  comments: number;
  shares: number;
  views: number;
  /** `null` where the platform does not report reach. */
  reach: number | null;
  saves: number;
  conversions: number;
}

/** Cumulative metrics of one post at one instant (the collector's row). */
export interface MetricSample {
  postId: string;
  creatorId: string;
  platform: PublishPlatform;
  at: Date;
  /** Hours since the post was published. */
  ageHours: number;
  likes: number;
  comments: number;
  shares: number;
  views: number;
  reach: number | null;
  saves: number;
  conversions: number;
}

/** Followers of one account on one day, with their split by country (ISO 3166-1 alpha-2). */
export interface FollowerSnapshot {
  creatorId: string;
  platform: PublishPlatform;
  /** `YYYY-MM-DD` in UTC. */
  day: string;
  followers: number;
  countries: Record<string, number>;
}

/** 0 = Sunday … 6 = Saturday; `hour` 0–23 on the creator's clock. */
export interface HourOfWeek {
  weekday: number;
  hour: number;
}

export const HOURS_OF_WEEK = 168;
export const howIndex = (h: HourOfWeek) => h.weekday * 24 + h.hour;
export const howFromIndex = (i: number): HourOfWeek => ({ weekday: Math.floor(i / 24), hour: i % 24 });
