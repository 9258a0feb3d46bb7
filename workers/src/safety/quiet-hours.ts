/** Minutes since local midnight in `timeZone`. */
function localMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? 0);
  const minute = Number(parts.find((p) => p.type === 'minute')?.value ?? 0);
  return hour * 60 + minute;
}

const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/**
 * When the creator's quiet hours end, if `at` falls inside them (local time in the
 * creator's zone; windows may cross midnight); undefined outside them.
 */
export function quietHoursEnd(
  at: Date,
  timeZone: string,
  window: { start: string; end: string },
): Date | undefined {
  const now = localMinutes(at, timeZone);
  const start = toMinutes(window.start);
  const end = toMinutes(window.end);
  if (start === end) return undefined;
  const inside = start < end ? now >= start && now < end : now >= start || now < end;
  if (!inside) return undefined;
  const minutesLeft = (end - now + 24 * 60) % (24 * 60) || 24 * 60;
  const endAt = new Date(at.getTime() + minutesLeft * 60_000);
  endAt.setUTCSeconds(0, 0);
  return endAt;
}

/**
 * When the creator's quiet hours end, if `at` falls inside them: the creator's own window,
 * else their market's, else the default.
 */
export function creatorQuietUntil(
  creator: { quietHours: { start: string; end: string } | null; market: string; timezone: string },
  windows: Record<string, { start: string; end: string }>,
  at: Date,
): Date | undefined {
  const window = creator.quietHours ?? windows[creator.market] ?? windows.default;
  return window ? quietHoursEnd(at, creator.timezone, window) : undefined;
}
