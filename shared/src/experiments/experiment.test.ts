import { describe, expect, it } from 'vitest';
import {
  assignVariant,
  composeGuidance,
  instructionFor,
  twoProportionTest,
  verdict,
  type ExperimentVariant,
} from './experiment';

const variants: ExperimentVariant[] = [
  { key: 'A', text: '', weight: 70 },
  { key: 'B', text: 'Pose une question.', weight: 30 },
];

describe('prompt experiments', () => {
  it('assigns a fan the same variant every time, and splits many fans by the weights', () => {
    expect(assignVariant('exp-1', 'fan-1', variants)).toEqual(assignVariant('exp-1', 'fan-1', variants));
    const counts = { A: 0, B: 0 };
    for (let i = 0; i < 10_000; i++) counts[assignVariant('exp-1', `fan-${i}`, variants).key as 'A' | 'B']++;
    expect(counts.A / 10_000).toBeGreaterThan(0.67);
    expect(counts.A / 10_000).toBeLessThan(0.73);
    // Another experiment reshuffles: the same fans are not always in the same arm.
    let same = 0;
    for (let i = 0; i < 1000; i++)
      if (
        assignVariant('exp-1', `fan-${i}`, variants).key === assignVariant('exp-2', `fan-${i}`, variants).key
      )
        same++;
    expect(same).toBeLessThan(700);
  });

  it('appends to or replaces the template’s instruction, and composes promoted guidance', () => {
    expect(instructionFor('Salue.', undefined)).toBe('Salue.');
    expect(instructionFor('Salue.', { mode: 'append', text: 'Tutoie.' })).toBe('Salue.\nTutoie.');
    expect(instructionFor('Salue.', { mode: 'replace', text: 'Sois brève.' })).toBe('Sois brève.');
    const first = composeGuidance(undefined, { mode: 'append', text: 'Tutoie.' });
    expect(composeGuidance(first, { mode: 'append', text: 'Pose une question.' })).toEqual({
      mode: 'append',
      text: 'Tutoie.\nPose une question.',
    });
    expect(composeGuidance(first, { mode: 'replace', text: 'Sois brève.' })).toEqual({
      mode: 'replace',
      text: 'Sois brève.',
    });
    // An empty control changes nothing.
    expect(composeGuidance(first, { mode: 'append', text: '  ' })).toEqual(first);
  });

  it('computes a two-proportion z-test and says when there is not enough data', () => {
    // 60/100 against 40/100: z ≈ 2.83, p ≈ 0.0047.
    const test = twoProportionTest({ successes: 60, trials: 100 }, { successes: 40, trials: 100 })!;
    expect(test.z).toBeCloseTo(2.828, 2);
    expect(test.pValue).toBeCloseTo(0.00468, 4);
    expect(twoProportionTest({ successes: 0, trials: 0 }, { successes: 1, trials: 2 })).toBeNull();
    expect(
      verdict(
        [
          { key: 'A', successes: 40, trials: 100 },
          { key: 'B', successes: 60, trials: 100 },
        ],
        30,
      ),
    ).toEqual({ status: 'significant', leader: 'B', pValue: 0.0047 });
    expect(
      verdict(
        [
          { key: 'A', successes: 10, trials: 20 },
          { key: 'B', successes: 12, trials: 20 },
        ],
        10,
      ),
    ).toMatchObject({ status: 'no_clear_winner', leader: 'B' });
    expect(
      verdict(
        [
          { key: 'A', successes: 5, trials: 5 },
          { key: 'B', successes: 0, trials: 40 },
        ],
        30,
      ),
    ).toEqual({ status: 'not_enough_data', needed: 30 });
  });
});
