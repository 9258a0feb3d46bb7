import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MARKET_PROFILES,
  missingReels,
  planWeek,
  slotsForDay,
  type PlatformPlan,
  type ReadyContent,
} from './planner';
import { addDays, localDate, localMinutes, zonedInstant } from './zoned-time';

const plan = (overrides: Partial<PlatformPlan> = {}): PlatformPlan => ({
  platform: 'x',
  slots: [{ profile: 'FR', start: '07:00', end: '10:00', posts: 2, jitterMinutes: 0 }],
  mix: { text_photo: 1 },
  dailyReel: false,
  ...overrides,
});

const local = (at: Date, zone: string) => {
  const m = localMinutes(at, zone);
  return `${localDate(at, zone)} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/** What the publishers declare: OnlyFans and the sandbox owe no daily reel. */
const owesReel = (platform: PlatformPlan['platform']) => platform !== 'onlyfans' && platform !== 'sandbox';

const content = (kind: ReadyContent['kind'], n: number): ReadyContent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${kind}-${i}`, kind }));

describe('zoned time', () => {
  it('places a wall time in its zone on both sides of a change, and through its gaps', () => {
    expect(zonedInstant('2027-07-01', 8 * 60, 'Europe/Paris').toISOString()).toBe('2027-07-01T06:00:00.000Z');
    expect(zonedInstant('2027-01-15', 8 * 60, 'Europe/Paris').toISOString()).toBe('2027-01-15T07:00:00.000Z');
    // 02:30 does not exist in Paris on 28 March 2027: the clocks jump to 03:30.
    expect(local(zonedInstant('2027-03-28', 150, 'Europe/Paris'), 'Europe/Paris')).toBe('2027-03-28 03:30');
    // 01:30 happens twice in New York on 7 November 2027: the first one (EDT).
    expect(zonedInstant('2027-11-07', 90, 'America/New_York').toISOString()).toBe('2027-11-07T05:30:00.000Z');
    expect(addDays('2027-02-28', 1)).toBe('2027-03-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });
});

describe('slots of a day', () => {
  it('spreads a rule evenly over its window, in local time', () => {
    const { slots } = slotsForDay(plan(), DEFAULT_MARKET_PROFILES, '2027-06-10', 'creator-a');
    expect(slots.map((s) => s.localTime)).toEqual(['07:45', '09:15']);
    expect(slots.map((s) => s.at.toISOString())).toEqual([
      '2027-06-10T05:45:00.000Z',
      '2027-06-10T07:15:00.000Z',
    ]);
    expect(slots.every((s) => s.timeZone === 'Europe/Paris' && s.date === '2027-06-10')).toBe(true);
  });

  it('moves each post by at most ±jitter, inside the window, differently from day to day', () => {
    const rule = { profile: 'FR', start: '07:00', end: '10:00', posts: 2, jitterMinutes: 20 };
    const minutes: number[] = [];
    for (let d = 0; d < 200; d++) {
      const date = addDays('2027-01-01', d);
      const { slots } = slotsForDay(plan({ slots: [rule] }), DEFAULT_MARKET_PROFILES, date, 'creator-a');
      expect(slots).toHaveLength(2);
      const [first, second] = slots.map((s) => localMinutes(s.at, 'Europe/Paris'));
      expect(Math.abs(first! - (7 * 60 + 45))).toBeLessThanOrEqual(20);
      expect(Math.abs(second! - (9 * 60 + 15))).toBeLessThanOrEqual(20);
      minutes.push(first!);
    }
    // A natural cadence: not the same minute every day, and both directions used.
    expect(new Set(minutes).size).toBeGreaterThan(25);
    expect(Math.min(...minutes)).toBeLessThan(7 * 60 + 35);
    expect(Math.max(...minutes)).toBeGreaterThan(7 * 60 + 55);
  });

  it('gives the same slots for the same seed, and others for another creator', () => {
    const rules = plan({
      slots: [{ profile: 'FR', start: '07:00', end: '22:00', posts: 5, jitterMinutes: 45 }],
    });
    const a = slotsForDay(rules, DEFAULT_MARKET_PROFILES, '2027-06-10', 'creator-a').slots;
    const again = slotsForDay(rules, DEFAULT_MARKET_PROFILES, '2027-06-10', 'creator-a').slots;
    const b = slotsForDay(rules, DEFAULT_MARKET_PROFILES, '2027-06-10', 'creator-b').slots;
    expect(again.map((s) => s.at.getTime())).toEqual(a.map((s) => s.at.getTime()));
    expect(b.map((s) => s.at.getTime())).not.toEqual(a.map((s) => s.at.getTime()));
  });

  it('keeps posts out of quiet hours, and says why when a window is all quiet', () => {
    const edge = slotsForDay(
      plan({ slots: [{ profile: 'FR', start: '01:00', end: '05:00', posts: 2, jitterMinutes: 0 }] }),
      [{ ...DEFAULT_MARKET_PROFILES[0]!, active: { start: '00:00', end: '23:59' } }],
      '2027-06-10',
      'seed',
    );
    // Quiet from 02:00: the two posts share the hour left, evenly.
    expect(edge.slots.map((s) => s.localTime)).toEqual(['01:15', '01:45']);
    const quiet = slotsForDay(
      plan({ slots: [{ profile: 'FR', start: '02:30', end: '05:30', posts: 1, jitterMinutes: 10 }] }),
      DEFAULT_MARKET_PROFILES,
      '2027-06-10',
      'seed',
    );
    expect(quiet.slots).toEqual([]);
    expect(quiet.skipped).toEqual([
      { platform: 'x', profile: 'FR', date: '2027-06-10', rule: 0, reason: 'quiet_hours' },
    ]);
    const asleep = slotsForDay(
      plan({ slots: [{ profile: 'FR', start: '23:10', end: '23:50', posts: 1, jitterMinutes: 0 }] }),
      DEFAULT_MARKET_PROFILES,
      '2027-06-10',
      'seed',
    );
    expect(asleep.skipped.map((s) => s.reason)).toEqual(['inactive_hours']);
  });

  it('rejects a rule that names no known market profile', () => {
    expect(() =>
      slotsForDay(
        plan({ slots: [{ profile: 'JP', start: '07:00', end: '08:00', posts: 1, jitterMinutes: 0 }] }),
        DEFAULT_MARKET_PROFILES,
        '2027-06-10',
        'seed',
      ),
    ).toThrow(/unknown market profile "JP"/);
  });

  const atEight = (profile: string) =>
    plan({ slots: [{ profile, start: '08:00', end: '08:01', posts: 1, jitterMinutes: 0 }] });
  const week = (profile: string, start: string) =>
    Array.from(
      { length: 7 },
      (_, d) =>
        slotsForDay(atEight(profile), DEFAULT_MARKET_PROFILES, addDays(start, d), 'seed').slots[0]!.at,
    );

  it('keeps 08:00 in Paris across both daylight-saving weeks', () => {
    const spring = week('FR', '2027-03-25');
    expect(spring.map((at) => local(at, 'Europe/Paris').slice(11))).toEqual(Array(7).fill('08:00'));
    expect(spring.map((at) => at.toISOString().slice(11, 16))).toEqual([
      '07:00',
      '07:00',
      '07:00',
      '06:00', // 28 March: summer time
      '06:00',
      '06:00',
      '06:00',
    ]);
    // The night of the change is 23 hours long, not 24.
    expect(spring[3]!.getTime() - spring[2]!.getTime()).toBe(23 * 3_600_000);
    const autumn = week('FR', '2027-10-29');
    expect(autumn.map((at) => at.toISOString().slice(11, 16))).toEqual([
      '06:00',
      '06:00',
      '07:00', // 31 October: winter time
      '07:00',
      '07:00',
      '07:00',
      '07:00',
    ]);
    expect(autumn[2]!.getTime() - autumn[1]!.getTime()).toBe(25 * 3_600_000);
  });

  it('keeps 08:00 on both US coasts across their daylight-saving weeks', () => {
    const east = week('US-East', '2027-03-12');
    const west = week('US-West', '2027-03-12');
    expect(east.map((at) => local(at, 'America/New_York').slice(11))).toEqual(Array(7).fill('08:00'));
    expect(west.map((at) => local(at, 'America/Los_Angeles').slice(11))).toEqual(Array(7).fill('08:00'));
    expect(east.map((at) => at.toISOString().slice(11, 13))).toEqual([
      '13',
      '13',
      '12',
      '12',
      '12',
      '12',
      '12',
    ]);
    expect(west.map((at) => at.toISOString().slice(11, 13))).toEqual([
      '16',
      '16',
      '15',
      '15',
      '15',
      '15',
      '15',
    ]);
    const fall = week('US-East', '2027-11-05');
    expect(fall.map((at) => at.toISOString().slice(11, 13))).toEqual([
      '12',
      '12',
      '13',
      '13',
      '13',
      '13',
      '13',
    ]);
  });
});

describe('plan the week', () => {
  const now = new Date('2027-06-06T00:00:00Z');
  const x = plan({
    slots: [{ profile: 'FR', start: '08:00', end: '22:00', posts: 4, jitterMinutes: 30 }],
    mix: { text_photo: 2, text: 1, reel: 1 },
    dailyReel: true,
  });
  const ready = [...content('text_photo', 30), ...content('text', 30), ...content('reel', 30)];

  it('fills every slot, one reel a day first, then the mix with text + photo ahead', () => {
    const week = planWeek({
      owesReel,
      seed: 'c1',
      start: '2027-06-07',
      now,
      plans: [x],
      content: ready,
      scheduled: [],
    });
    expect(week.proposals).toHaveLength(28);
    expect(week.unfilled).toEqual([]);
    expect(week.reelGaps).toEqual([]);
    for (let d = 0; d < 7; d++) {
      const date = addDays('2027-06-07', d);
      const day = week.proposals.filter((p) => localDate(p.at, 'Europe/Paris') === date);
      expect(day).toHaveLength(4);
      expect(day.filter((p) => p.reel)).toHaveLength(1);
    }
    const count = (kind: string) => week.proposals.filter((p) => p.kind === kind).length;
    // Half text + photo, a quarter each for text and reels (the daily reels count as reels).
    expect(count('text_photo')).toBe(14);
    expect(count('text') + count('reel')).toBe(14);
    expect(count('reel')).toBeGreaterThanOrEqual(7);
    expect(new Set(week.proposals.map((p) => p.contentId)).size).toBe(28);
  });

  it('does not double-book a slot already taken, nor reuse its content, nor plan the past', () => {
    const first = planWeek({
      owesReel,
      seed: 'c1',
      start: '2027-06-07',
      now,
      plans: [x],
      content: ready,
      scheduled: [],
    });
    const kept = first.proposals.slice(0, 10).map((p) => ({
      platform: p.platform,
      at: p.at,
      kind: p.kind,
      contentId: p.contentId,
    }));
    const later = new Date(first.proposals[2]!.at.getTime() + 60_000);
    const again = planWeek({
      owesReel,
      seed: 'c1',
      start: '2027-06-07',
      now: later,
      plans: [x],
      content: ready,
      scheduled: kept,
    });
    expect(again.proposals).toHaveLength(18);
    expect(again.proposals.every((p) => p.at > later)).toBe(true);
    const keptIds = new Set(kept.map((p) => p.contentId));
    expect(again.proposals.some((p) => keptIds.has(p.contentId))).toBe(false);
    expect(
      again.proposals.some((p) => kept.some((k) => Math.abs(k.at.getTime() - p.at.getTime()) < 1_800_000)),
    ).toBe(false);
  });

  it('gives a tie to text + photo and never proposes a kind the platform plan leaves out', () => {
    const instagram = plan({
      platform: 'instagram',
      slots: [{ profile: 'FR', start: '12:00', end: '13:00', posts: 1, jitterMinutes: 0 }],
      mix: { text_photo: 1, carousel: 1 },
    });
    const week = planWeek({
      owesReel,
      seed: 'c1',
      start: '2027-06-07',
      days: 2,
      now,
      plans: [instagram],
      content: [...content('text', 5), ...content('carousel', 5), ...content('text_photo', 5)],
      scheduled: [],
    });
    expect(week.proposals.map((p) => p.kind)).toEqual(['text_photo', 'carousel']);
  });

  it('says which slots nothing ready could fill, and which days will lack their reel', () => {
    const week = planWeek({
      owesReel,
      seed: 'c1',
      start: '2027-06-07',
      days: 3,
      now,
      plans: [x],
      content: content('text_photo', 5),
      scheduled: [],
    });
    expect(week.proposals).toHaveLength(5);
    expect(week.proposals.every((p) => p.kind === 'text_photo' && !p.reel)).toBe(true);
    expect(week.unfilled).toHaveLength(7);
    expect(week.unfilled.every((s) => s.reason === 'no_ready_content')).toBe(true);
    expect(week.reelGaps).toEqual([
      { platform: 'x', date: '2027-06-07' },
      { platform: 'x', date: '2027-06-08' },
      { platform: 'x', date: '2027-06-09' },
    ]);
  });

  it('computes each market in its own zone when a creator targets France and the US', () => {
    const both = plan({
      platform: 'bluesky',
      slots: [
        { profile: 'FR', start: '19:00', end: '19:01', posts: 1, jitterMinutes: 0 },
        { profile: 'US-East', start: '19:00', end: '19:01', posts: 1, jitterMinutes: 0 },
        { profile: 'US-West', start: '19:00', end: '19:01', posts: 1, jitterMinutes: 0 },
      ],
    });
    const week = planWeek({
      owesReel,
      seed: 'c1',
      start: '2027-06-07',
      days: 1,
      now,
      plans: [both],
      content: content('text_photo', 3),
      scheduled: [],
    });
    expect(week.proposals.map((p) => [p.profile, p.localTime, p.at.toISOString()])).toEqual([
      ['FR', '19:00', '2027-06-07T17:00:00.000Z'],
      ['US-East', '19:00', '2027-06-07T23:00:00.000Z'],
      ['US-West', '19:00', '2027-06-08T02:00:00.000Z'],
    ]);
  });
});

describe('the daily reel alert', () => {
  const plans = [
    plan({ platform: 'instagram', dailyReel: true }),
    plan({ platform: 'tiktok', dailyReel: true }),
    plan({ platform: 'onlyfans', dailyReel: true }),
    plan({ platform: 'bluesky', dailyReel: false }),
  ];

  it('names the platforms whose plan wants a reel and whose day has none', () => {
    const reelAt = zonedInstant('2027-06-08', 23 * 60 + 30, 'Europe/Paris');
    const scheduled = [
      { platform: 'instagram' as const, at: reelAt, kind: 'reel' as const },
      { platform: 'tiktok' as const, at: reelAt, kind: 'text_photo' as const },
    ];
    // OnlyFans owes no daily reel, Bluesky's plan does not ask for one.
    expect(missingReels(plans, scheduled, '2027-06-08', owesReel)).toEqual([
      { platform: 'tiktok', date: '2027-06-08' },
    ]);
    // The reel at 23:30 in Paris counts for the 8th (the day is Paris's); the 9th lacks both.
    expect(missingReels(plans, scheduled, '2027-06-09', owesReel)).toEqual([
      { platform: 'instagram', date: '2027-06-09' },
      { platform: 'tiktok', date: '2027-06-09' },
    ]);
  });
});
