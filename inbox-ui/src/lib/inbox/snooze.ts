/** When a snooze chosen at `now` ends: in 1 or 3 hours, tomorrow 9:00, or next Monday 9:00. */
export function snoozeUntil(choice: string, now: Date): Date | undefined {
  const at9 = (days: number) => {
    const d = new Date(now.getTime());
    d.setDate(d.getDate() + days);
    d.setHours(9, 0, 0, 0);
    return d;
  };
  if (choice === 'hour') return new Date(now.getTime() + 3600_000);
  if (choice === 'threeHours') return new Date(now.getTime() + 3 * 3600_000);
  if (choice === 'tomorrow') return at9(1);
  // Monday is day 1; on a Monday, the next one.
  if (choice === 'nextWeek') return at9((8 - now.getDay()) % 7 || 7);
  return undefined;
}
