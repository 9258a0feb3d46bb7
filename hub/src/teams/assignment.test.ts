import { describe, expect, it } from 'vitest';
import { pick } from './assignment';

const member = (userId: string, load: number, lastAssignedAt: string | null, capacity = 3) => ({
  userId,
  load,
  capacity,
  lastAssignedAt,
});

describe('who takes the next conversation', () => {
  const team = [
    member('a', 2, '2026-01-01T10:00:00Z'),
    member('b', 0, '2026-01-01T10:05:00Z'),
    member('c', 1, null),
    member('d', 3, '2025-01-01T00:00:00Z'),
  ];

  it('round robin: whoever was assigned longest ago (never first), skipping anyone full', () => {
    expect(pick('round_robin', team)?.userId).toBe('c');
    expect(pick('round_robin', team.slice(0, 2))?.userId).toBe('a');
  });

  it('least loaded: fewest open conversations, ties by turn', () => {
    expect(pick('least_loaded', team)?.userId).toBe('b');
    expect(
      pick('least_loaded', [member('x', 1, '2026-01-02T00:00:00Z'), member('y', 1, '2026-01-01T00:00:00Z')])
        ?.userId,
    ).toBe('y');
  });

  it('nobody when everyone is at capacity', () => {
    expect(pick('least_loaded', [member('d', 3, null), member('e', 5, null, 5)])).toBeUndefined();
  });
});
