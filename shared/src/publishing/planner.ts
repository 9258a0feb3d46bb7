import type { PublishPlatform } from '../domain';
import { addDays, clockMinutes, clockText, localDate, zonedInstant } from './zoned-time';

/** What a post is; each publisher says which kinds its platform takes. */
export const POST_KINDS = ['text', 'text_photo', 'reel', 'carousel'] as const;
export type PostKind = (typeof POST_KINDS)[number];

// The enum lives with the other platform names; importers of this module keep finding it here.
export { PUBLISH_PLATFORMS, type PublishPlatform } from '../domain';

/**
 * Whether a platform owes a reel/short every day when the creator's plan asks for it: its
 * publisher's `dailyReel` (`platforms/<name>/<name>.post-rules.ts`), passed in by the caller.
 */
export type OwesReel = (platform: PublishPlatform) => boolean;

/** Ties in the mix go to the earlier kind here: text + photo first. */
const KIND_PRIORITY: readonly PostKind[] = ['text_photo', 'carousel', 'reel', 'text'];

export interface ClockWindow {
  /** `HH:MM`, local. A window whose end is before its start runs past midnight. */
  start: string;
  end: string;
}

/** An audience in one time zone: the hours it is awake for posts, and hours kept quiet. */
export interface MarketProfile {
  id: string;
  /** The market it belongs to (`FR`, `US`…): a market may span several zones. */
  market: string;
  timeZone: string;
  active: ClockWindow;
  quiet?: ClockWindow;
}

/** France, and the United States on both coasts: the defaults a creator starts from. */
export const DEFAULT_MARKET_PROFILES: readonly MarketProfile[] = [
  {
    id: 'FR',
    market: 'FR',
    timeZone: 'Europe/Paris',
    active: { start: '07:00', end: '23:00' },
    quiet: { start: '02:00', end: '06:00' },
  },
  {
    id: 'US-East',
    market: 'US',
    timeZone: 'America/New_York',
    active: { start: '07:00', end: '23:00' },
    quiet: { start: '02:00', end: '06:00' },
  },
  {
    id: 'US-West',
    market: 'US',
    timeZone: 'America/Los_Angeles',
    active: { start: '07:00', end: '23:00' },
    quiet: { start: '02:00', end: '06:00' },
  },
];

/** `posts` posts between `start` and `end` in a profile's local time, each moved by up to ±`jitterMinutes`. */
export interface SlotRule extends ClockWindow {
  profile: string;
  posts: number;
  jitterMinutes: number;
}

/** One creator's rules for one platform. */
export interface PlatformPlan {
  platform: PublishPlatform;
  slots: SlotRule[];
  /** Kinds allowed on this platform for this creator, with their share of the mix (weights). */
  mix: Partial<Record<PostKind, number>>;
  /** Reserve a reel/short every day. */
  dailyReel: boolean;
}

export interface PlannedSlot {
  platform: PublishPlatform;
  at: Date;
  /** The rule's zone and the local date and time the slot was computed in. */
  profile: string;
  timeZone: string;
  date: string;
  localTime: string;
}

export interface SkippedSlot {
  platform: PublishPlatform;
  profile: string;
  date: string;
  rule: number;
  reason: 'quiet_hours' | 'inactive_hours';
}

/** A deterministic pseudo-random number in [0, 1) from a text (FNV-1a then xorshift). */
function unit(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h << 13;
  h ^= h >>> 17;
  h ^= h << 5;
  return (h >>> 0) / 2 ** 32;
}

/** The minutes of a local day inside a window (windows past midnight wrap). */
function inside(minute: number, window: ClockWindow): boolean {
  const start = clockMinutes(window.start);
  const end = clockMinutes(window.end);
  if (start === end) return false;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/**
 * The slots of one local day for one platform. Each rule's posts are spread evenly over its
 * window, then each is moved by a jitter drawn from the seed (the same plan gives the same
 * slots) by at most half the spacing between posts. Only the window's minutes inside the
 * profile's active hours and outside its quiet hours count; a window with none left skips
 * its posts and says why.
 */
export function slotsForDay(
  plan: PlatformPlan,
  profiles: readonly MarketProfile[],
  date: string,
  seed: string,
): { slots: PlannedSlot[]; skipped: SkippedSlot[] } {
  const slots: PlannedSlot[] = [];
  const skipped: SkippedSlot[] = [];
  for (const [index, rule] of plan.slots.entries()) {
    const profile = profiles.find((p) => p.id === rule.profile);
    if (!profile) throw new Error(`slot rule ${index} names an unknown market profile "${rule.profile}"`);
    const start = clockMinutes(rule.start);
    let length = clockMinutes(rule.end) - start;
    if (length <= 0) length += 24 * 60;
    const allowed = (minute: number) => {
      const m = ((minute % 1440) + 1440) % 1440;
      if (profile.quiet && inside(m, profile.quiet)) return 'quiet_hours' as const;
      if (!inside(m, profile.active)) return 'inactive_hours' as const;
      return undefined;
    };
    // The window's minutes the profile allows; posts are spread over those, so a window
    // partly in quiet hours still gets its posts, evenly, in the part that is not.
    const open: number[] = [];
    let reason: SkippedSlot['reason'] = 'inactive_hours';
    for (let minute = start; minute < start + length; minute++) {
      const refusal = allowed(minute);
      if (!refusal) open.push(minute);
      else if (refusal === 'quiet_hours') reason = refusal;
    }
    // Jitter never exceeds half the spacing: posts keep their order and never collide.
    const spacing = open.length / Math.max(1, rule.posts);
    const jitterLimit = Math.max(0, Math.min(rule.jitterMinutes, Math.floor(spacing / 2) - 1));
    for (let k = 0; k < rule.posts; k++) {
      if (open.length === 0) {
        skipped.push({ platform: plan.platform, profile: profile.id, date, rule: index, reason });
        continue;
      }
      const slotIndex = Math.floor((k + 0.5) * spacing);
      const draw = unit(`${seed}|${plan.platform}|${date}|${index}|${k}`) * 2 - 1;
      const target = Math.min(open.length - 1, Math.max(0, slotIndex + Math.round(draw * jitterLimit)));
      const minute = open[target]!;
      // A window past midnight puts its late minutes on the next calendar day.
      const day = minute >= 1440 ? addDays(date, 1) : date;
      const local = minute % 1440;
      const at = zonedInstant(day, local, profile.timeZone);
      slots.push({
        platform: plan.platform,
        at,
        profile: profile.id,
        timeZone: profile.timeZone,
        date: day,
        localTime: clockText(local),
      });
    }
  }
  slots.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { slots, skipped };
}

/** Content ready to be planned: one item may go to several platforms, once on each. */
export interface ReadyContent {
  id: string;
  kind: PostKind;
  /** Platforms this item may go to; all when absent. */
  platforms?: readonly PublishPlatform[];
}

/** A post already on the calendar (scheduled or published). */
export interface ScheduledPost {
  platform: PublishPlatform;
  at: Date;
  kind: PostKind;
  contentId?: string;
}

export interface Proposal extends PlannedSlot {
  contentId: string;
  kind: PostKind;
  /** This post is the day's reel/short. */
  reel: boolean;
}

export interface ReelGap {
  platform: PublishPlatform;
  /** Local date (in the platform's first rule's zone) with no reel. */
  date: string;
}

export interface WeekPlan {
  proposals: Proposal[];
  /** Free slots nothing ready could fill, and why. */
  unfilled: (PlannedSlot & { reason: 'no_ready_content' })[];
  skipped: SkippedSlot[];
  /** Days that will still lack their reel if the proposal is accepted. */
  reelGaps: ReelGap[];
}

/** Two posts closer than this on one platform count as the same slot. */
const SAME_SLOT_MS = 30 * 60_000;

/** The zone a platform's day is counted in: its first rule's profile. */
function dayZone(plan: PlatformPlan, profiles: readonly MarketProfile[]): string {
  const first = plan.slots[0];
  return profiles.find((p) => p.id === first?.profile)?.timeZone ?? 'UTC';
}

/**
 * "Plan the week": fill the free future slots of `days` days from `start` with ready
 * content. Per platform and day, the reel comes first when the plan wants one and the day
 * has none; the other slots follow the mix (the kind furthest below its share, ties to
 * text + photo), counting what is already scheduled. A kind with nothing ready gives way
 * to the next; a slot nothing can fill is returned as unfilled.
 */
export function planWeek(input: {
  seed: string;
  start: string;
  days?: number;
  now: Date;
  plans: readonly PlatformPlan[];
  profiles?: readonly MarketProfile[];
  content: readonly ReadyContent[];
  scheduled: readonly ScheduledPost[];
  owesReel: OwesReel;
}): WeekPlan {
  const profiles = input.profiles ?? DEFAULT_MARKET_PROFILES;
  const days = input.days ?? 7;
  const result: WeekPlan = { proposals: [], unfilled: [], skipped: [], reelGaps: [] };
  for (const plan of input.plans) {
    const zone = dayZone(plan, profiles);
    const onPlatform = input.scheduled.filter((p) => p.platform === plan.platform);
    const used = new Set(onPlatform.flatMap((p) => (p.contentId ? [p.contentId] : [])));
    const counts = new Map<PostKind, number>();
    for (const post of onPlatform) counts.set(post.kind, (counts.get(post.kind) ?? 0) + 1);
    const weights = Object.entries(plan.mix).filter(([, w]) => (w ?? 0) > 0) as [PostKind, number][];
    const totalWeight = weights.reduce((sum, [, w]) => sum + w, 0);
    const available = (kind: PostKind) =>
      input.content.find(
        (c) =>
          c.kind === kind &&
          !used.has(c.id) &&
          (!c.platforms || c.platforms.includes(plan.platform)) &&
          (plan.mix[kind] ?? 0) > 0,
      );
    const take = (slot: PlannedSlot, item: ReadyContent, reel: boolean) => {
      used.add(item.id);
      counts.set(item.kind, (counts.get(item.kind) ?? 0) + 1);
      result.proposals.push({ ...slot, contentId: item.id, kind: item.kind, reel });
    };

    for (let d = 0; d < days; d++) {
      const date = addDays(input.start, d);
      const day = slotsForDay(plan, profiles, date, input.seed);
      result.skipped.push(...day.skipped);
      const free = day.slots.filter(
        (slot) =>
          slot.at > input.now &&
          !onPlatform.some((post) => Math.abs(post.at.getTime() - slot.at.getTime()) < SAME_SLOT_MS),
      );
      const hasReel = () =>
        onPlatform.some((p) => p.kind === 'reel' && localDate(p.at, zone) === date) ||
        result.proposals.some(
          (p) => p.platform === plan.platform && p.reel && localDate(p.at, zone) === date,
        );
      const wantsReel = plan.dailyReel && input.owesReel(plan.platform);
      if (wantsReel && !hasReel()) {
        const reel = input.content.find(
          (c) =>
            c.kind === 'reel' && !used.has(c.id) && (!c.platforms || c.platforms.includes(plan.platform)),
        );
        const slot = free[0];
        if (reel && slot) {
          take(slot, reel, true);
          free.shift();
        }
      }
      for (const slot of free) {
        const planned = [...counts.values()].reduce((a, b) => a + b, 0) + 1;
        const order = weights
          .map(([kind, weight]) => ({
            kind,
            deficit: (weight / totalWeight) * planned - (counts.get(kind) ?? 0),
          }))
          .sort(
            (a, b) => b.deficit - a.deficit || KIND_PRIORITY.indexOf(a.kind) - KIND_PRIORITY.indexOf(b.kind),
          );
        const item = order.map(({ kind }) => available(kind)).find(Boolean);
        if (item) take(slot, item, false);
        else result.unfilled.push({ ...slot, reason: 'no_ready_content' });
      }
      if (wantsReel && !hasReel()) result.reelGaps.push({ platform: plan.platform, date });
    }
  }
  result.proposals.sort((a, b) => a.at.getTime() - b.at.getTime());
  return result;
}

/**
 * The platforms whose plan wants a daily reel and that have none on the calendar for the
 * local `date`: what the reel alert fires on, the day before.
 */
export function missingReels(
  plans: readonly PlatformPlan[],
  scheduled: readonly ScheduledPost[],
  date: string,
  owesReel: OwesReel,
  profiles: readonly MarketProfile[] = DEFAULT_MARKET_PROFILES,
): ReelGap[] {
  return plans
    .filter((plan) => plan.dailyReel && owesReel(plan.platform))
    .filter((plan) => {
      const zone = dayZone(plan, profiles);
      return !scheduled.some(
        (post) =>
          post.platform === plan.platform && post.kind === 'reel' && localDate(post.at, zone) === date,
      );
    })
    .map((plan) => ({ platform: plan.platform, date }));
}
