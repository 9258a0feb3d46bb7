import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolvePolicy, type CreatorSendPolicy } from '@velvet/llm';
import { createConnectors } from '@velvet/platforms';
import { INTENTS, PLATFORMS, SEND_POLICIES, loadEnv } from '@velvet/shared';

/**
 * OnlyFans' terms forbid AI-written chats sent on their own. The drafter asks the connector
 * registry (as `draft.context` does) and the policy: whatever a creator or the configuration
 * says, for any intent and any confidence, an OnlyFans draft waits for a human (or is off).
 */
describe('OnlyFans drafts always wait for a human', () => {
  const onlyfans = createConnectors(loadEnv({})).get('onlyfans')!;
  const policy = fc.constantFrom(...SEND_POLICIES);
  const scope = fc.constantFrom<'*' | (typeof INTENTS)[number]>('*', ...INTENTS);
  const creatorPolicy = fc.dictionary(
    fc.constantFrom<'*' | (typeof PLATFORMS)[number]>('*', ...PLATFORMS),
    fc.dictionary(scope, policy),
  ) as fc.Arbitrary<CreatorSendPolicy>;

  it('says so in its capabilities', () => {
    expect(onlyfans.capabilities.aiAutoSend).toBe(false);
  });

  it('never resolves to auto, for any intent, confidence, creator setting or default', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...INTENTS),
        fc.double({ min: 0, max: 1, noNaN: true }),
        creatorPolicy,
        policy,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (intent, confidence, creator, fallback, minConfidence) => {
          const chosen = resolvePolicy({
            platform: 'onlyfans',
            aiAutoSend: onlyfans.capabilities.aiAutoSend,
            intent,
            confidence,
            creator,
            defaults: { default: fallback, auto_min_confidence: minConfidence },
          });
          expect(chosen).not.toBe('auto');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the most permissive settings still wait, while they do auto-send on Telegram', () => {
    const everything: CreatorSendPolicy = {
      '*': { '*': 'auto' },
      onlyfans: { '*': 'auto' },
      telegram: { '*': 'auto' },
    };
    const defaults = { default: 'auto' as const, auto_min_confidence: 0 };
    for (const [platform, expected] of [
      ['onlyfans', 'approve'],
      ['telegram', 'auto'],
    ] as const) {
      const connector = createConnectors(loadEnv({})).get(platform)!;
      expect(
        resolvePolicy({
          platform,
          aiAutoSend: connector.capabilities.aiAutoSend,
          intent: 'greeting',
          confidence: 1,
          creator: everything,
          defaults,
        }),
      ).toBe(expected);
    }
  });
});
