import { describe, expect, it } from 'vitest';
import { resolvePolicy, type PolicyInput } from './policy';

const base: PolicyInput = {
  platform: 'telegram',
  aiAutoSend: true,
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

  it('never auto-sends where the platform forbids AI-sent chats, whatever the settings', () => {
    const human = { ...base, platform: 'onlyfans', aiAutoSend: false } as const;
    const creator = { onlyfans: { '*': 'auto' }, '*': { '*': 'auto' } } as const;
    expect(resolvePolicy({ ...human, creator })).toBe('approve');
    expect(resolvePolicy({ ...human, defaults: { default: 'auto', auto_min_confidence: 0 } })).toBe(
      'approve',
    );
    expect(resolvePolicy({ ...human, creator: { onlyfans: { '*': 'off' } } })).toBe('off');
    // The same settings auto-send where the platform allows it.
    expect(resolvePolicy({ ...human, aiAutoSend: true, creator })).toBe('auto');
  });
});
