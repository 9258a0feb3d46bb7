import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './quiet-hours';

const night = { start: '23:00', end: '08:00' };

describe('quietHoursEnd', () => {
  it('holds automated messages during the creator’s local night', () => {
    // 02:30 in Paris (UTC+1 in November) → quiet until 08:00 Paris = 07:00 UTC.
    expect(quietHoursEnd(new Date('2026-11-21T01:30:00Z'), 'Europe/Paris', night)?.toISOString()).toBe(
      '2026-11-21T07:00:00.000Z',
    );
    // 23:15 in Paris → until 08:00 the next morning.
    expect(quietHoursEnd(new Date('2026-11-21T22:15:00Z'), 'Europe/Paris', night)?.toISOString()).toBe(
      '2026-11-22T07:00:00.000Z',
    );
  });

  it('lets them through in the daytime and follows the creator’s zone', () => {
    expect(quietHoursEnd(new Date('2026-11-21T12:00:00Z'), 'Europe/Paris', night)).toBeUndefined();
    // 12:00 UTC is 07:00 in New York: still quiet there.
    expect(quietHoursEnd(new Date('2026-11-21T12:00:00Z'), 'America/New_York', night)?.toISOString()).toBe(
      '2026-11-21T13:00:00.000Z',
    );
  });

  it('handles windows inside one day and empty windows', () => {
    expect(
      quietHoursEnd(new Date('2026-11-21T13:30:00Z'), 'UTC', { start: '13:00', end: '14:00' })?.toISOString(),
    ).toBe('2026-11-21T14:00:00.000Z');
    expect(
      quietHoursEnd(new Date('2026-11-21T13:30:00Z'), 'UTC', { start: '00:00', end: '00:00' }),
    ).toBeUndefined();
  });
});
