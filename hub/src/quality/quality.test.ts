import { describe, expect, it } from 'vitest';
import { editDistance, figures, relativeEdit, type Decision, type Written } from './quality';

describe('reply quality figures', () => {
  it('measures edits in characters, accents and emoji included', () => {
    expect(editDistance('Bonjour', 'Bonsoir')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('café 😘', 'cafe 😘')).toBe(1);
    expect(relativeEdit('Bonjour', 'Bonjour')).toBe(0);
    expect(relativeEdit('abc', 'xyz')).toBe(1);
  });

  it('counts approval without edit over every decision, edits over approvals, conversion per conversation', () => {
    const base = { who: 'a', creatorId: 'c', draft: 'Bonjour', replyMs: 0, converted: false };
    const decisions: Decision[] = [
      { ...base, conversationId: 'x', status: 'approved', edited: null, replyMs: 10_000 },
      { ...base, conversationId: 'x', status: 'approved', edited: 'Bonsoir', replyMs: 20_000 },
      { ...base, conversationId: 'y', status: 'approved', edited: null, replyMs: 60_000, converted: true },
      { ...base, conversationId: 'z', status: 'rejected', edited: null, replyMs: 1 },
    ];
    expect(figures(decisions)).toEqual({
      decided: 4,
      approved: 3,
      approvedWithoutEdit: 2,
      approvalWithoutEditRate: 0.5,
      editDistance: 0.095,
      written: 0,
      replyMedianMs: 20_000,
      conversations: 2,
      converted: 1,
      conversion: 0.5,
    });
    expect(figures([]).approvalWithoutEditRate).toBeNull();
  });

  it('adds replies typed without a draft to the count, the reply time and the conversion', () => {
    const base = { who: 'a', creatorId: 'c', draft: 'Bonjour', edited: null, converted: false };
    const decisions: Decision[] = [{ ...base, conversationId: 'x', status: 'approved', replyMs: 10_000 }];
    const written: Written[] = [
      { who: 'a', creatorId: 'c', conversationId: 'y', replyMs: 30_000, converted: true },
      // A second message after the first answer: counted, but it has no reply time.
      { who: 'a', creatorId: 'c', conversationId: 'y', replyMs: null, converted: true },
      { who: 'a', creatorId: 'c', conversationId: 'x', replyMs: 50_000, converted: false },
    ];
    expect(figures(decisions, written)).toMatchObject({
      decided: 1,
      approved: 1,
      written: 3,
      replyMedianMs: 30_000,
      conversations: 2,
      converted: 1,
      conversion: 0.5,
    });
    expect(figures([], written.slice(0, 2))).toMatchObject({
      decided: 0,
      approvalWithoutEditRate: null,
      editDistance: null,
      written: 2,
      replyMedianMs: 30_000,
      conversion: 1,
    });
  });
});
