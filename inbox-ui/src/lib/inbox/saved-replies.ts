/** Replies whose title or text contains every word typed, in the order given. */
export function matchReplies<R extends { title: string; text: string }>(
  replies: readonly R[],
  filter: string,
): R[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...replies];
  return replies.filter((r) => {
    const hay = `${r.title} ${r.text}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/**
 * The composer's text with `insert` put where the caret was (replacing a selection), and
 * where the caret goes after it.
 */
export function insertAt(text: string, insert: string, start: number, end = start) {
  const before = text.slice(0, start);
  const after = text.slice(end);
  const value = before + insert + after;
  return { value, caret: before.length + insert.length };
}
