import { clockMinutes, clockText, type ClockWindow, type MarketProfile, type SlotRule } from '@velvet/shared';

function inside(minute: number, w: ClockWindow): boolean {
  const start = clockMinutes(w.start);
  const end = clockMinutes(w.end);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Whether every minute of the local hour `hour` is in the profile's active hours and outside its quiet ones. */
export function hourOpen(profile: MarketProfile, hour: number): boolean {
  for (let minute = hour * 60; minute < hour * 60 + 60; minute++) {
    if (!inside(minute, profile.active)) return false;
    if (profile.quiet && inside(minute, profile.quiet)) return false;
  }
  return true;
}

/**
 * Daily slots from a best-times heatmap (expected engagement rate [weekday][hour], on the
 * creator's clock): each hour's mean over the week, and the `posts` best hours the market
 * profile (in the creator's zone) has open, one post in each, earliest first. Ties go to
 * the earlier hour.
 */
export function slotsFromHeatmap(input: {
  heatmap: readonly (readonly number[])[];
  profile: MarketProfile;
  posts: number;
  jitterMinutes: number;
}): { slots: SlotRule[]; hours: { hour: number; expectedRate: number }[] } {
  const days = input.heatmap.length || 1;
  const byHour = Array.from({ length: 24 }, (_, hour) => ({
    hour,
    expectedRate: input.heatmap.reduce((sum, day) => sum + (day[hour] ?? 0), 0) / days,
  }));
  const hours = byHour
    .filter((h) => hourOpen(input.profile, h.hour))
    .sort((a, b) => b.expectedRate - a.expectedRate || a.hour - b.hour)
    .slice(0, Math.max(0, input.posts));
  const slots = [...hours]
    .sort((a, b) => a.hour - b.hour)
    .map((h) => ({
      profile: input.profile.id,
      start: clockText(h.hour * 60),
      end: clockText(((h.hour + 1) % 24) * 60),
      posts: 1,
      jitterMinutes: input.jitterMinutes,
    }));
  return { slots, hours };
}

/** Whether two lists of slot rules say the same thing (order included). */
export function sameSlots(a: readonly SlotRule[], b: readonly SlotRule[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (s, i) =>
        s.profile === b[i]!.profile &&
        s.start === b[i]!.start &&
        s.end === b[i]!.end &&
        s.posts === b[i]!.posts &&
        s.jitterMinutes === b[i]!.jitterMinutes,
    )
  );
}
