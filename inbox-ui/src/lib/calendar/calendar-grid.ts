import {
  addDays,
  localDate,
  localMinutes,
  weekday,
  zonedInstant,
  type CalendarPost,
} from '@velvet/shared/contract';

export type CalendarMode = 'month' | 'week';

/** One chip on the calendar: the targets of one post that go out at the same instant. */
export interface Placement {
  key: string;
  post: CalendarPost;
  targets: CalendarPost['targets'];
  at: Date;
  /** Local date and minutes since midnight in the zone the calendar is shown in. */
  date: string;
  minutes: number;
  /** Nothing has started publishing: the hub would accept a move. */
  movable: boolean;
}

const MOVABLE = new Set(['draft', 'failed', 'scheduled']);

/**
 * The days a view shows around `anchor` (a local date): the week from Monday, or the
 * month padded to whole weeks (or the seven days from `anchor` itself); and the instants that bound them in `zone`, so a week that
 * holds a daylight-saving change is 167 or 169 hours long, as the clocks say.
 */
export function spanOf(mode: CalendarMode, anchor: string, zone: string, fromMonday = true) {
  const monday = (date: string) => (fromMonday ? addDays(date, -((weekday(date) + 6) % 7)) : date);
  let first: string;
  let count: number;
  if (mode === 'week') {
    first = monday(anchor);
    count = 7;
  } else {
    const start = `${anchor.slice(0, 8)}01`;
    const nextMonth = addDays(start, 32).slice(0, 8) + '01';
    first = monday(start);
    const last = addDays(nextMonth, -1);
    count = Math.round((Date.parse(addDays(monday(last), 7)) - Date.parse(first)) / 86_400_000);
  }
  const days = Array.from({ length: count }, (_, i) => addDays(first, i));
  return {
    days,
    from: zonedInstant(days[0]!, 0, zone),
    to: zonedInstant(addDays(days[days.length - 1]!, 1), 0, zone),
  };
}

/** The anchor of the previous or next period. */
export function shift(mode: CalendarMode, anchor: string, step: -1 | 1): string {
  if (mode === 'week') return addDays(anchor, 7 * step);
  const [y, m] = anchor.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + step, 1)).toISOString().slice(0, 10);
}

/** The posts as chips, placed in `zone`, in time order. */
export function placements(posts: readonly CalendarPost[], zone: string): Placement[] {
  const chips: Placement[] = [];
  for (const post of posts) {
    const byTime = new Map<string, CalendarPost['targets']>();
    for (const target of post.targets) {
      byTime.set(target.scheduledAt, [...(byTime.get(target.scheduledAt) ?? []), target]);
    }
    for (const [iso, targets] of byTime) {
      const at = new Date(iso);
      chips.push({
        key: `${post.id}@${iso}`,
        post,
        targets,
        at,
        date: localDate(at, zone),
        minutes: localMinutes(at, zone),
        movable: targets.every((t) => MOVABLE.has(t.state)),
      });
    }
  }
  return chips.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * Where a chip dropped on `date` goes: the same local time that day (month view), or the
 * chosen hour keeping its minutes (week view), read on the clocks of `zone`.
 */
export function dropTime(chip: Placement, date: string, hour: number | undefined, zone: string): Date {
  const minutes = hour === undefined ? chip.minutes : hour * 60 + (chip.minutes % 60);
  return zonedInstant(date, minutes, zone);
}

/** The zone the browser runs in, for views that mix creators of several zones. */
export function browserZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}
