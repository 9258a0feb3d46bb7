import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIntentClassifier } from '@velvet/llm';
import { creatorSafetyRules, loadVelvetConfig } from '@velvet/shared';
import { evaluateGates } from '../../workers/src/safety/gates';
import { ROOT } from '../../hub/test/harness';
import { FAN_TEXT_COUNT, fanText } from './fan-texts';

describe('bench fan texts', () => {
  it('are distinct, and the real gates let every one through to a draft on Telegram', () => {
    const classifier = loadIntentClassifier();
    const config = loadVelvetConfig(path.join(ROOT, 'config/velvet.yaml'));
    const texts = Array.from({ length: FAN_TEXT_COUNT }, (_, i) => fanText(i));
    expect(new Set(texts).size).toBe(FAN_TEXT_COUNT);
    const stopped = texts.flatMap((text) => {
      const result = classifier.classify(text);
      const decision = evaluateGates({
        text,
        kind: 'text',
        intent: result.intent,
        confidence: result.confidence,
        minor: result.minor.outcome,
        platformVerifiesAge: false,
        inGroup: false,
        fan: {
          ageVerifiedAt: null,
          optedOutAt: null,
          minorSignalAt: null,
          spamCooldownUntil: null,
          spamStrikes: 0,
          mutedAt: null,
        },
        now: new Date(),
        humanRequest: result.humanRequest !== undefined,
        rules: creatorSafetyRules(undefined, config.safety),
      });
      const drafted = decision.automated && decision.reply === undefined;
      return drafted
        ? []
        : [`${text}: ${result.intent} ${result.minor.outcome} ${decision.reasons.join(',')}`];
    });
    expect(stopped).toEqual([]);
  });
});
