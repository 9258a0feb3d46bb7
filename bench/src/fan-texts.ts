/**
 * What fans write most: greetings, compliments, small talk, in French and English. Three
 * parts give 1,800 distinct texts, none of which trips the minor-signal, spam, opt-out or
 * selling rules (checked by bench/src/fan-texts.test.ts), so every message goes the whole way:
 * classified, gated, drafted.
 */
const OPENERS = ['Coucou', 'Salut', 'Hello', 'Hey', 'Bonsoir', 'Hi', 'Re', 'Yo', 'Bonjour', 'Hey you'];
const MIDDLES = [
  "comment tu vas aujourd'hui ?",
  "j'ai adoré ta dernière story, trop belle la lumière",
  'tu fais quoi ce week-end ?',
  "merci pour ta réponse hier, ça m'a fait sourire",
  'I loved your last post, where was that beach?',
  'how was your day? Mine was long at work',
  'did you sleep well?',
  'tu es allée où en vacances cet été ?',
  'I just got back from the gym, what are you up to tonight?',
  "j'ai vu ton live, tu étais rayonnante",
  'what music are you listening to these days?',
  'tu as passé une bonne journée ?',
  'thanks for the reply, you made my evening',
  'tu préfères la mer ou la montagne ?',
  'how is the weather where you are?',
  'je pense à toi, belle soirée',
  'what was the best thing about your week?',
  'tu as vu le coucher de soleil ce soir ?',
];
const CLOSERS = ['', ' 😊', ' !', ' :)', ' ❤️', ' haha', ' 🙂', ' ✨', ' 😄', ' 🌞'];

export const FAN_TEXT_COUNT = OPENERS.length * MIDDLES.length * CLOSERS.length;

/** The i-th text, cycling through every combination. */
export function fanText(i: number): string {
  const n = i % FAN_TEXT_COUNT;
  const opener = OPENERS[n % OPENERS.length]!;
  const middle = MIDDLES[Math.floor(n / OPENERS.length) % MIDDLES.length]!;
  const closer = CLOSERS[Math.floor(n / (OPENERS.length * MIDDLES.length))]!;
  return `${opener}, ${middle}${closer}`;
}
