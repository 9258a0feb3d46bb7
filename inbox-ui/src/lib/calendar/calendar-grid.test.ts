import { describe, expect, it } from 'vitest';
import type { CalendarPost } from '@velvet/shared/contract';
import { dropTime, placements, shift, spanOf } from './calendar-grid';

const post = (targets: { scheduledAt: string; state?: CalendarPost['targets'][number]['state'] }[]) =>
  ({
    id: '00000000-0000-4000-8000-000000000001',
    creatorId: '00000000-0000-4000-8000-000000000002',
    kind: 'reel',
    excerpt: '',
    version: 1,
    targets: targets.map((t, i) => ({
      accountId: `00000000-0000-4000-8000-00000000001${i}`,
      platform: 'instagram',
      accountLabel: '',
      state: t.state ?? 'scheduled',
      scheduledAt: t.scheduledAt,
      timeZone: 'Europe/Paris',
    })),
  }) satisfies CalendarPost;

describe('the calendar grid', () => {
  it('spans a week from Monday, 167 hours long when Paris springs forward', () => {
    const week = spanOf('week', '2027-03-24', 'Europe/Paris');
    expect(week.days).toEqual([
      '2027-03-22',
      '2027-03-23',
      '2027-03-24',
      '2027-03-25',
      '2027-03-26',
      '2027-03-27',
      '2027-03-28',
    ]);
    expect(week.from.toISOString()).toBe('2027-03-21T23:00:00.000Z');
    expect(week.to.toISOString()).toBe('2027-03-28T22:00:00.000Z');
    expect((week.to.getTime() - week.from.getTime()) / 3_600_000).toBe(167);
  });

  it('pads a month to whole weeks and steps by calendar months', () => {
    const month = spanOf('month', '2026-12-15', 'Europe/Paris');
    expect(month.days[0]).toBe('2026-11-30');
    expect(month.days.at(-1)).toBe('2027-01-03');
    expect(month.days).toHaveLength(35);
    expect(shift('month', '2027-01-31', 1)).toBe('2027-02-01');
    expect(shift('week', '2027-03-24', -1)).toBe('2027-03-17');
  });

  it('places a post on the day and hour of the zone it is shown in', () => {
    const [paris] = placements([post([{ scheduledAt: '2027-03-27T23:30:00.000Z' }])], 'Europe/Paris');
    expect(paris).toMatchObject({ date: '2027-03-28', minutes: 30, movable: true });
    const [newYork] = placements([post([{ scheduledAt: '2027-03-27T23:30:00.000Z' }])], 'America/New_York');
    expect(newYork).toMatchObject({ date: '2027-03-27', minutes: 19 * 60 + 30 });
  });

  it('groups targets going out together, and a chip with one publishing is not movable', () => {
    const chips = placements(
      [
        post([
          { scheduledAt: '2027-01-10T09:00:00.000Z' },
          { scheduledAt: '2027-01-10T09:00:00.000Z', state: 'publishing' },
          { scheduledAt: '2027-01-11T09:00:00.000Z' },
        ]),
      ],
      'Europe/Paris',
    );
    expect(chips.map((c) => [c.date, c.targets.length, c.movable])).toEqual([
      ['2027-01-10', 2, false],
      ['2027-01-11', 1, true],
    ]);
  });

  it('keeps the minutes when dropped on an hour, and skips the hour the clocks skip', () => {
    const [chip] = placements([post([{ scheduledAt: '2027-03-20T09:17:00.000Z' }])], 'Europe/Paris');
    expect(dropTime(chip!, '2027-03-29', 15, 'Europe/Paris').toISOString()).toBe('2027-03-29T13:17:00.000Z');
    // 02:17 does not exist in Paris on 28 March 2027: it is 03:17 summer time.
    expect(dropTime(chip!, '2027-03-28', 2, 'Europe/Paris').toISOString()).toBe('2027-03-28T01:17:00.000Z');
    // The month view keeps the time of day: 10:17 winter time becomes 10:17 summer time.
    expect(dropTime(chip!, '2027-03-29', undefined, 'Europe/Paris').toISOString()).toBe(
      '2027-03-29T08:17:00.000Z',
    );
  });
});
