/**
 * An explicit opt-out: "STOP" on its own, "unsubscribe me", "arrête de m'écrire", "leave me alone".
 * Opting out silences every automated message to the fan, so only these words do it — never the model
 * alone, never "stop" inside "don't stop", "arrête pas" or "stop it you're too funny 😂".
 */
import { normalizeText } from '../intents/text.normalize';

const STOP_WORD = String.raw`(?:stop+|arr?e+te?(?:z|r)?|arret|cesse(?:z)?)`;
const POLITE = String.raw`(?:[\s,]+(?:stp|svp|please|pls|plz|now|it|tout|ca suffit|cest bon|maintenant|merci|thanks|thank you|already|right now|for real))*`;
// "stop" alone or with a please, or another opt-out word, leading nothing but punctuation and a stop sign.
const BARE = new RegExp(
  String.raw`^[\s\p{P}]*(?:${STOP_WORD}|unsubscribe|unsub|desabonne(?:r|z)?(?:[ -]moi)?|desinscri(?:s|re|ption|vez)?(?:[ -]moi)?|opt[ -]?out|laisse(?:z)?[ -]moi|go away|no more|plus rien)${POLITE}[\s\p{P}🛑✋⛔🚫]*$`,
  'u',
);
const EXPLICIT: RegExp[] = [
  // "stop texting me", "arrête de m'écrire", "arrêtez de m'envoyer des messages".
  new RegExp(
    String.raw`\b${STOP_WORD}\s+(?:de\s+|d\s*)?(?:me\s+|m\s*)?(?:ecrire|envoyer|contacter|spammer|harceler|relancer|texting|messaging|sending|contacting|emailing|spamming|writing to me|dming|msging|hitting me up)\b`,
  ),
  // "stop all messages", "stop the messages", "stop les messages".
  new RegExp(
    String.raw`\b${STOP_WORD}\s+(?:all\s+|the\s+|les\s+|tes\s+|vos\s+|ces\s+)?(?:messages|msgs|texts|notifs|notifications|spam)\b`,
  ),
  /\b(?:unsubscribe|unsub|desabonne\w*|desinscri\w*|opt me out|remove me|take me off|retirez?[ -]moi de|supprimez?[ -]moi)\b/,
  /\b(?:supprime|supprimez|efface|effacez|delete|erase)\s+(?:mes donnees|my data|me from|mon compte|my account)\b/,
  /\b(?:leave me alone|laissez?[ -]moi tranquille|(?:fous|foutez|fiche|fichez)[ -]moi la paix)\b/,
  // "ne m'écris plus", "ne plus m'envoyer de messages", "m'envoie plus rien".
  /\b(?:ne\s+)?m(?:e\s+)?(?:ecri|envoi|envoy|contact|relance)\w*\s+plus\b/,
  /\bne plus m(?:e\s+)?(?:ecri|envoi|envoy|contact|relance)\w*/,
  /\b(?:je|j)?\s*veux plus (?:entendre parler de toi|de tes messages|de messages|recevoir)/,
  /\b(?:dont|do not|never)\s+(?:text|message|msg|contact|write to|dm|email)\s+me\b(?!\s+(?:before|until|till|at|when|during|on)\b)/,
  /\b(?:no more|plus de)\s+(?:messages|msgs|texts|notifs)\b/,
];
const FORWARDED = /^\s*(?:fwd?|forwarded|message transf[ée]r[ée]|transf[ée]r[ée])\b/i;
const QUOTED = /"[^"]*"|“[^”]*”|«[^»]*»/g;
// "don't stop", "ne t'arrête pas", "never stop", "faut pas arrêter".
const NEGATED_BEFORE = /\b(?:dont|don t|do not|never|ne|jamais|pas)\s+(?:ever\s+|jamais\s+|te\s+)?$/;
const NEGATED_AFTER = /^\s*(?:pas|jamais|surtout pas)\b/;
// Laughter after a bare "stop": teasing, not an opt-out ("stop 😂", "arrête mdr").
const PLAYFUL =
  /(?:😂|🤣|😭|😆|😅|😜|😝|🙈|😏|😘|❤|🥰|\blol\b|\bmdr\b|\bptdr\b|\bhaha\w*|\bhihi\w*|\blmao\w*)/u;

/** The normalised words that opt the fan out, or null. */
export function detectOptOut(text: string): string | null {
  // Quoted or forwarded words are someone else's: "Forwarded: \"unsubscribe links never work\"".
  if (FORWARDED.test(text)) return null;
  const normalized = normalizeText(text.replace(QUOTED, ' '));
  if (!normalized) return null;
  if (BARE.test(normalized) && !PLAYFUL.test(normalized)) return normalized;
  for (const pattern of EXPLICIT) {
    const found = pattern.exec(normalized);
    if (!found) continue;
    const before = normalized.slice(Math.max(0, found.index - 25), found.index);
    const after = normalized.slice(found.index + found[0].length);
    if (NEGATED_BEFORE.test(before) || NEGATED_AFTER.test(after)) continue;
    return found[0];
  }
  return null;
}
