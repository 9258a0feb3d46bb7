/**
 * Wall-clock time in an IANA zone, computed from the zone rules Node ships (Intl), so a slot
 * at 08:00 in Paris is 08:00 on both sides of a daylight-saving change. Nothing here adds
 * fixed 24 h periods to instants: days are counted on the calendar, then placed in the zone.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The local calendar date and time of an instant in `timeZone`. */
export function wallClock(at: Date, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** How far `timeZone` is ahead of UTC at that instant, in minutes (Paris in July: 120). */
export function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** `YYYY-MM-DD` of an instant in `timeZone`. */
export function localDate(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** Minutes since local midnight of an instant in `timeZone`. */
export function localMinutes(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  return w.hour * 60 + w.minute;
}

/** A calendar date `days` later (or earlier), without touching any zone. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday, of a calendar date. */
export function weekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * The instant when the clocks of `timeZone` show `date` at `minutes` past midnight. A time
 * the clocks skip (02:30 on a spring-forward night) moves forward by the gap (03:30); a time
 * they show twice (02:30 on a fall-back night) is the first of the two.
 */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  const before = zoneOffsetMinutes(new Date(wall - 12 * 3_600_000), timeZone);
  const after = zoneOffsetMinutes(new Date(wall + 12 * 3_600_000), timeZone);
  const fits = [before, after]
    .map((offset) => wall - offset * 60_000)
    .filter((at) => zoneOffsetMinutes(new Date(at), timeZone) * 60_000 === wall - at);
  if (fits.length > 0) return new Date(Math.min(...fits));
  // In the gap: read the wall time with the offset in force before the change.
  return new Date(wall - before * 60_000);
}

/** `HH:MM` → minutes since midnight. */
export const clockMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Minutes since midnight → `HH:MM`. */
export const clockText = (minutes: number) => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

const pad = (n: number) => String(n).padStart(2, '0');
