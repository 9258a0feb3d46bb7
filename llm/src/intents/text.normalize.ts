/** Text normalisation and tokenisation shared by the intent model, the minor rules and language detection. */

const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss' };

/**
 * Lower-case, strip accents, join apostrophes and squeeze letter runs, so that the sloppy spellings
 * fans type ("jai", "cest", "im", "slttt") land on the same tokens as the careful ones.
 */
export function normalizeText(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[œæß]/g, (c) => LIGATURES[c] ?? c)
      .normalize('NFD')
      // Combining marks (accents, emoji variation selectors), skin tones and joiners carry no intent.
      .replace(/[\p{M}\u{1F3FB}-\u{1F3FF}\u200B-\u200D\u2060]/gu, '')
      .replace(/[’‘`´ʼ]/g, "'")
      // "j'ai" → "jai", "i'm" → "im": most fans type these without the apostrophe anyway.
      .replace(/(\p{L})'+(?=\p{L})/gu, '$1')
      .replace(/(\p{L})\1{2,}/gu, '$1')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export const URL_TOKEN = '<url>';
export const HANDLE_TOKEN = '<at>';
export const PHONE_TOKEN = '<phone>';

// Order matters: links, handles and phone numbers are recognised before the plain words they contain.
const TOKEN_PATTERN =
  /(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|fr|ly|me|biz|co|xyz|info|app)\b(?:\/\S*)?|@[a-z0-9_.]+|\+?\d(?:[ .-]?\d){7,}|\p{L}+|\d+|\p{Extended_Pictographic}|[?$€£]/gu;

/**
 * Tokens of an already normalised text: words, numbers, emojis, `?`/currency signs and placeholders.
 * Letters and digits are split apart ("15ans" → "15", "ans") except inside links.
 */
export function tokenize(normalized: string): string[] {
  const tokens: string[] = [];
  for (const [raw] of normalized.matchAll(TOKEN_PATTERN)) {
    if (raw.startsWith('@') && raw.length > 1) tokens.push(HANDLE_TOKEN);
    else if (raw.length >= 8 && /^\+?\d[\d .-]*$/.test(raw)) tokens.push(PHONE_TOKEN);
    else if (raw.includes('.') || raw.includes('/')) tokens.push(URL_TOKEN);
    else tokens.push(raw);
  }
  return tokens;
}
