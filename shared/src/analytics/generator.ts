import { PUBLISH_PLATFORMS, type PublishPlatform } from '../domain';
import { POST_KINDS, type PostKind } from '../publishing/planner';
import { addDays, zonedInstant } from '../publishing/zoned-time';
import { createRng, type Rng } from './prng';
import type { FollowerSnapshot, HourOfWeek, MetricSample, PostPerformance } from './types';
import { howIndex } from './types';

/**
 * A seeded generator of analytics data with planted truths, so tests can check that the
 * recommendations find them and the bench can scale. Rows are yielded one at a time: a
 * caller can stream millions of them into storage without holding them.
 *
 * Engagement rate of a post = the creator's base rate on the platform
 *   × a daily rhythm (evenings better, nights worse)
 *   × `hourBoost` at the platform's planted best hours of week (creator's clock)
 *   × `kindBoost` for the platform's planted best content type
 *   × `hashtagBoost` for each planted best hashtag it carries
 *   × log-normal noise (σ = `noise`, mean 1).
 * Views do not depend on those (except reels, seen 1.5× more), so the planted effects show
 * in the engagement rate, as they would for a real account.
 */

export interface GeneratorOptions {
  seed: string | number;
  /** Default 4. */
  creators?: number;
  /** Posts per creator, spread over its platforms. Default 600. */
  postsPerCreator?: number;
  /** Default: every platform of the enum. */
  platforms?: readonly PublishPlatform[];
  /** First day (UTC calendar date `YYYY-MM-DD`). Default `2025-01-06`. */
  startDate?: string;
  /** Days covered. Default 365. */
  days?: number;
  /** Emit metric samples over each post's life (default true). */
  samples?: boolean;
  /** Emit a follower snapshot per account per day (default true). */
  followers?: boolean;
  /** Noise σ of the log engagement rate. Default 0.35. */
  noise?: number;
}

export interface GeneratedCreator {
  creatorId: string;
  timeZone: string;
  platforms: PublishPlatform[];
  /** Followers per platform at the start. */
  followers: Partial<Record<PublishPlatform, number>>;
  /** Base engagement rate per platform. */
  baseRate: Partial<Record<PublishPlatform, number>>;
}

export interface PlantedTruths {
  /** Three hours of week per platform where engagement is `hourBoost` times higher. */
  bestHours: Partial<Record<PublishPlatform, HourOfWeek[]>>;
  hourBoost: number;
  /** Hashtags that multiply engagement by `hashtagBoost`. */
  bestHashtags: string[];
  hashtagBoost: number;
  /** Every hashtag the generator uses. */
  hashtags: string[];
  /** The content type that works better, per platform. */
  bestKind: Partial<Record<PublishPlatform, PostKind>>;
  kindBoost: number;
  /** Follower geography per creator (shares summing to 1). */
  geography: Record<string, Record<string, number>>;
  /** Platforms whose generated metrics carry no reach (to exercise the views fallback). */
  noReach: PublishPlatform[];
}

export type AnalyticsRow =
  | { type: 'creator'; creator: GeneratedCreator }
  | { type: 'followers'; snapshot: FollowerSnapshot }
  | { type: 'post'; post: PostPerformance }
  | { type: 'sample'; sample: MetricSample };

const ZONES = ['Europe/Paris', 'America/New_York', 'America/Los_Angeles', 'Europe/Paris'];
const GEOGRAPHIES: Record<string, number>[] = [
  { FR: 0.62, US: 0.25, BE: 0.05, CA: 0.04, CH: 0.04 },
  { US: 0.55, GB: 0.2, CA: 0.1, FR: 0.08, DE: 0.07 },
  { FR: 0.45, BE: 0.2, CH: 0.15, US: 0.12, CA: 0.08 },
  { DE: 0.4, FR: 0.3, US: 0.2, NL: 0.1 },
];
const HASHTAGS = [
  'ootd',
  'selfcare',
  'mood',
  'gym',
  'fitness',
  'travel',
  'paris',
  'beach',
  'sunset',
  'coffee',
  'behindthescenes',
  'newpost',
  'weekend',
  'goodvibes',
  'style',
  'makeup',
  'dance',
  'music',
  'food',
  'art',
  'photography',
  'lingerie',
  'cosplay',
  'nofilter',
];
/** Ages (hours) at which the collector samples a post: often at first, then daily, then weekly. */
export const SAMPLE_AGES_HOURS = [1, 3, 6, 12, 24, 36, 48, 72, 96, 120, 144, 168, 336, 504, 672];

/** Engagement multiplier of the daily rhythm at a local hour (evenings best, nights worst). */
export function dailyRhythm(hour: number): number {
  const evening = Math.exp(-((hour - 20) ** 2) / 18);
  const night = hour >= 1 && hour <= 6 ? 0.2 : 0;
  return 0.85 + 0.2 * evening - night;
}

function options(o: GeneratorOptions) {
  return {
    seed: o.seed,
    creators: o.creators ?? 4,
    postsPerCreator: o.postsPerCreator ?? 600,
    platforms: [...(o.platforms ?? PUBLISH_PLATFORMS)],
    startDate: o.startDate ?? '2025-01-06',
    days: o.days ?? 365,
    samples: o.samples ?? true,
    followers: o.followers ?? true,
    noise: o.noise ?? 0.35,
  };
}

/** The truths a seed plants: the same for the same seed and platforms. */
export function plantedTruths(o: GeneratorOptions): PlantedTruths {
  const opts = options(o);
  const rng = createRng(`${opts.seed}:truths`);
  const bestHours: PlantedTruths['bestHours'] = {};
  const bestKind: PlantedTruths['bestKind'] = {};
  for (const platform of opts.platforms) {
    // Three distinct hours of week between 08:00 and 22:00, on three different days.
    const days = rng.sample([0, 1, 2, 3, 4, 5, 6], 3);
    bestHours[platform] = days.map((weekday) => ({ weekday, hour: 8 + rng.int(15) }));
    bestKind[platform] = rng.pick(POST_KINDS);
  }
  const geography: PlantedTruths['geography'] = {};
  for (let c = 0; c < opts.creators; c++) geography[creatorId(c)] = GEOGRAPHIES[c % GEOGRAPHIES.length]!;
  return {
    bestHours,
    hourBoost: 1.8,
    bestHashtags: rng.sample(HASHTAGS, 3),
    hashtagBoost: 1.35,
    hashtags: [...HASHTAGS],
    bestKind,
    kindBoost: 1.4,
    geography,
    noReach: opts.platforms.filter((_, i) => i % 3 === 2),
  };
}

const creatorId = (c: number) => `creator-${c + 1}`;

/** Yields creators, their daily follower snapshots, then each post followed by its samples. */
export function* generateAnalytics(o: GeneratorOptions): Generator<AnalyticsRow> {
  const opts = options(o);
  const truths = plantedTruths(o);
  const endMs = Date.parse(`${addDays(opts.startDate, opts.days)}T00:00:00Z`);
  for (let c = 0; c < opts.creators; c++) {
    const rng = createRng(`${opts.seed}:creator:${c}`);
    const creator: GeneratedCreator = {
      creatorId: creatorId(c),
      timeZone: ZONES[c % ZONES.length]!,
      platforms: opts.platforms,
      followers: {},
      baseRate: {},
    };
    for (const platform of opts.platforms) {
      creator.followers[platform] = Math.round(5_000 * Math.exp(rng.next() * 3.5));
      creator.baseRate[platform] = 0.03 + 0.05 * rng.next();
    }
    yield { type: 'creator', creator };
    if (opts.followers) yield* followerRows(creator, truths, opts, rng);
    yield* postRows(creator, truths, opts, rng, endMs);
  }
}

function* followerRows(
  creator: GeneratedCreator,
  truths: PlantedTruths,
  opts: ReturnType<typeof options>,
  rng: Rng,
): Generator<AnalyticsRow> {
  const geography = truths.geography[creator.creatorId]!;
  for (const platform of creator.platforms) {
    const start = creator.followers[platform]!;
    const growth = 0.1 + 0.4 * rng.next();
    // A per-platform tilt of the shares (±2 points), so platforms differ a little.
    const tilted = Object.entries(geography).map(
      ([country, share]) => [country, share + (rng.next() - 0.5) * 0.04] as const,
    );
    const sum = tilted.reduce((s, [, share]) => s + share, 0);
    for (let d = 0; d < opts.days; d++) {
      const followers = Math.round(start * (1 + (growth * d) / opts.days));
      const countries: Record<string, number> = {};
      for (const [country, share] of tilted) countries[country] = Math.round((followers * share) / sum);
      yield {
        type: 'followers',
        snapshot: {
          creatorId: creator.creatorId,
          platform,
          day: addDays(opts.startDate, d),
          followers,
          countries,
        },
      };
    }
  }
}

function* postRows(
  creator: GeneratedCreator,
  truths: PlantedTruths,
  opts: ReturnType<typeof options>,
  rng: Rng,
  endMs: number,
): Generator<AnalyticsRow> {
  // Publication times first (sorted), so posts come out in time order.
  const slots: { day: number; minutes: number }[] = [];
  for (let i = 0; i < opts.postsPerCreator; i++) {
    const hour = rng.next() < 0.85 ? 8 + rng.int(16) : rng.int(24);
    slots.push({ day: rng.int(opts.days), minutes: hour * 60 + rng.int(60) });
  }
  slots.sort((a, b) => a.day - b.day || a.minutes - b.minutes);
  const peaks = new Map<PublishPlatform, Set<number>>();
  for (const platform of opts.platforms)
    peaks.set(platform, new Set(truths.bestHours[platform]!.map(howIndex)));
  const best = new Set(truths.bestHashtags);
  let n = 0;
  for (const slot of slots) {
    const platform = rng.pick(creator.platforms);
    const kind = rng.pick(POST_KINDS);
    const date = addDays(opts.startDate, slot.day);
    const publishedAt = localInstant(date, slot.minutes, creator.timeZone);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const hour = Math.floor(slot.minutes / 60);
    const hashtags = rng.sample(HASHTAGS, 1 + rng.int(4));
    let rate = creator.baseRate[platform]! * dailyRhythm(hour);
    if (peaks.get(platform)!.has(howIndex({ weekday, hour }))) rate *= truths.hourBoost;
    if (truths.bestKind[platform] === kind) rate *= truths.kindBoost;
    for (const tag of hashtags) if (best.has(tag)) rate *= truths.hashtagBoost;
    rate *= Math.exp(opts.noise * rng.normal() - (opts.noise * opts.noise) / 2);
    const views = Math.max(
      50,
      Math.round(
        creator.followers[platform]! * 0.25 * Math.exp(0.5 * rng.normal()) * (kind === 'reel' ? 1.5 : 1),
      ),
    );
    const interactions = Math.min(views, Math.round(views * rate));
    const comments = Math.round(interactions * (0.06 + 0.06 * rng.next()));
    const final = {
      likes: interactions - comments,
      comments,
      shares: rng.poisson(interactions * 0.05),
      views,
      reach: truths.noReach.includes(platform) ? null : Math.round(views * (0.6 + 0.3 * rng.next())),
      saves: rng.poisson(interactions * 0.08),
      conversions: rng.poisson(views * 0.0004 * (truths.bestKind[platform] === kind ? 1.3 : 1)),
    };
    const postId = `${creator.creatorId}-post-${++n}`;
    const base = { postId, creatorId: creator.creatorId, platform };
    // The post's row carries its metrics at the last sample the period allows.
    const ages = SAMPLE_AGES_HOURS.filter((age) => publishedAt.getTime() + age * 3_600_000 <= endMs);
    const lastAge = ages.at(-1);
    const latest = lastAge === undefined ? scaled(final, 0) : scaled(final, growthAt(lastAge));
    yield {
      type: 'post',
      post: { ...base, kind, hashtags, publishedAt, timeZone: creator.timeZone, ...latest },
    };
    if (!opts.samples) continue;
    for (const age of ages) {
      yield {
        type: 'sample',
        sample: {
          ...base,
          at: new Date(publishedAt.getTime() + age * 3_600_000),
          ageHours: age,
          ...scaled(final, growthAt(age)),
        },
      };
    }
  }
}

const midnights = new Map<string, { at: number; plain: boolean }>();
/** `zonedInstant`, with local midnights cached: a day without a clock change is 24 plain hours. */
function localInstant(date: string, minutes: number, timeZone: string): Date {
  const key = `${timeZone} ${date}`;
  let day = midnights.get(key);
  if (!day) {
    const at = zonedInstant(date, 0, timeZone).getTime();
    day = { at, plain: zonedInstant(addDays(date, 1), 0, timeZone).getTime() - at === 86_400_000 };
    if (midnights.size > 100_000) midnights.clear();
    midnights.set(key, day);
  }
  return day.plain ? new Date(day.at + minutes * 60_000) : zonedInstant(date, minutes, timeZone);
}

/** Share of a post's final numbers reached at an age: most in the first two days. */
const growthAt = (ageHours: number) => 1 - Math.exp(-ageHours / 20);

type Counts = Pick<
  PostPerformance,
  'likes' | 'comments' | 'shares' | 'views' | 'reach' | 'saves' | 'conversions'
>;
function scaled(final: Counts, g: number): Counts {
  return {
    likes: Math.round(final.likes * g),
    comments: Math.round(final.comments * g),
    shares: Math.round(final.shares * g),
    views: Math.round(final.views * g),
    reach: final.reach === null ? null : Math.round(final.reach * g),
    saves: Math.round(final.saves * g),
    conversions: Math.round(final.conversions * g),
  };
}

/** Everything the generator yields, in arrays: for tests and small data sets only. */
export function generateDataset(o: GeneratorOptions) {
  const creators: GeneratedCreator[] = [];
  const posts: PostPerformance[] = [];
  const followers: FollowerSnapshot[] = [];
  let samples = 0;
  for (const row of generateAnalytics(o)) {
    if (row.type === 'creator') creators.push(row.creator);
    else if (row.type === 'post') posts.push(row.post);
    else if (row.type === 'followers') followers.push(row.snapshot);
    else samples++;
  }
  return { truths: plantedTruths(o), creators, posts: posts.filter((p) => p.views > 0), followers, samples };
}
