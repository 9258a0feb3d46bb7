import { describe, expect, it } from 'vitest';
import { resolvePolicy, type PolicyInput } from './policy';

const base: PolicyInput = {
  platform: 'telegram',
  intent: 'greeting',
  confidence: 0.95,
  creator: {},
  defaults: { default: 'approve', auto_min_confidence: 0.8 },
};

describe('resolvePolicy', () => {
  it('waits for a human by default', () => {
    expect(resolvePolicy(base)).toBe('approve');
  });

  it('takes the most specific setting', () => {
    const creator = { '*': { '*': 'auto' }, telegram: { pricing_question: 'off' } } as const;
    expect(resolvePolicy({ ...base, creator })).toBe('auto');
    expect(resolvePolicy({ ...base, creator, intent: 'pricing_question' })).toBe('off');
    expect(
      resolvePolicy({ ...base, creator: { telegram: { '*': 'auto' }, '*': { greeting: 'approve' } } }),
    ).toBe('auto');
  });

  it('holds an auto draft when the intent is uncertain', () => {
    expect(resolvePolicy({ ...base, creator: { '*': { '*': 'auto' } }, confidence: 0.5 })).toBe('approve');
  });

  it('never auto-sends on OnlyFans, whatever the settings', () => {
    const creator = { onlyfans: { '*': 'auto' }, '*': { '*': 'auto' } } as const;
    expect(resolvePolicy({ ...base, platform: 'onlyfans', creator })).toBe('approve');
    expect(
      resolvePolicy({ ...base, platform: 'onlyfans', defaults: { default: 'auto', auto_min_confidence: 0 } }),
    ).toBe('approve');
    expect(resolvePolicy({ ...base, platform: 'onlyfans', creator: { onlyfans: { '*': 'off' } } })).toBe(
      'off',
    );
  });
});
