import { describe, expect, it } from 'vitest';
import { insertAt, matchReplies } from './saved-replies';

describe('saved replies in the composer', () => {
  const replies = [
    { title: 'Bienvenue', text: 'Coucou Sam' },
    { title: 'Thanks', text: 'Thank you Sam!' },
  ];

  it('finds replies by every word typed, in title or text, any case', () => {
    expect(matchReplies(replies, '').map((r) => r.title)).toEqual(['Bienvenue', 'Thanks']);
    expect(matchReplies(replies, 'BIEN').map((r) => r.title)).toEqual(['Bienvenue']);
    expect(matchReplies(replies, 'sam thank').map((r) => r.title)).toEqual(['Thanks']);
    expect(matchReplies(replies, 'nothing')).toEqual([]);
  });

  it('puts the reply at the caret, replacing a selection, and says where the caret goes', () => {
    expect(insertAt('Hey !  ok', 'Coucou', 6)).toEqual({ value: 'Hey ! Coucou ok', caret: 12 });
    expect(insertAt('Hey you', 'Sam', 4, 7)).toEqual({ value: 'Hey Sam', caret: 7 });
  });
});
