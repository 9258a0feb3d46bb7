import { describe, expect, it } from 'vitest';
import { satisfactionQuestion, satisfactionScore } from './satisfaction';

const config = {
  satisfaction: {
    after_purchase: 1,
    after_handled: 1,
    answer_window: 1,
    question: { fr: 'Une note de 1 à 5 ?', en: 'A score from 1 to 5?' },
    question_typed: { fr: 'Réponds par une note de 1 à 5.', en: 'Reply with a score from 1 to 5.' },
    thanks: { fr: 'Merci', en: 'Thanks' },
  },
};

describe('satisfaction scores', () => {
  it('reads a rating button, a number typed alone, or stars', () => {
    expect(satisfactionScore({ kind: 'callback', text: 'rate:4' })).toBe(4);
    expect(satisfactionScore({ kind: 'text', text: '5' })).toBe(5);
    expect(satisfactionScore({ kind: 'text', text: ' 3/5 ' })).toBe(3);
    expect(satisfactionScore({ kind: 'text', text: '4 sur 5 !' })).toBe(4);
    expect(satisfactionScore({ kind: 'text', text: '2 out of 5' })).toBe(2);
    expect(satisfactionScore({ kind: 'text', text: '⭐⭐⭐' })).toBe(3);
  });

  it('leaves anything else to flow as an ordinary message', () => {
    for (const text of ['6', '0', '10', '5 photos stp', 'merci !', 'j’ai 5 ans de plus', '']) {
      expect(satisfactionScore({ kind: 'text', text })).toBeUndefined();
    }
    expect(satisfactionScore({ kind: 'callback', text: 'rate:9' })).toBeUndefined();
    expect(satisfactionScore({ kind: 'callback', text: 'age:yes' })).toBeUndefined();
    // A command or an edit is never a score.
    expect(satisfactionScore({ kind: 'command', text: '5' })).toBeUndefined();
    expect(satisfactionScore({ kind: 'edit', text: '5' })).toBeUndefined();
  });
});

describe('the satisfaction question', () => {
  it('has five buttons where the platform has them, in the fan’s language', () => {
    const q = satisfactionQuestion(config, { automation: {} }, 'fr', true);
    expect(q.text).toBe('Une note de 1 à 5 ?');
    expect(q.keyboard).toEqual([
      ['1', '2', '3', '4', '5 ⭐'].map((text, i) => ({ text, callbackData: `rate:${i + 1}` })),
    ]);
  });

  it('asks for a typed number elsewhere, in the creator’s own words when she set them', () => {
    expect(satisfactionQuestion(config, { automation: {} }, 'en', false)).toEqual({
      text: 'Reply with a score from 1 to 5.',
    });
    const own = { automation: { satisfaction: { enabled: true, en: 'Rate me, 1 to 5 😘' } } };
    expect(satisfactionQuestion(config, own, 'en', true).text).toBe('Rate me, 1 to 5 😘');
  });
});
