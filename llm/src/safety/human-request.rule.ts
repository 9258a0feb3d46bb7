/**
 * A fan asking for a person rather than the automation: "je veux parler à un humain", "can I talk to a
 * real person?", "passe-moi un responsable", "I don't want to talk to a bot". Escalation hands the
 * conversation to a chatter, so only explicit words do it — never "are you a bot? 😂" alone, never
 * "I need someone like you", never words quoted from someone else, never "no need for a human".
 */
import { normalizeText } from '../intents/text.normalize';

const A = String.raw`(?:(?:a|an|the|some|your|any)\s+)?`;
const REAL = String.raw`(?:(?:real|actual|live)\s+)?`;
// Who a fan asks for when asking for a person. "Someone" alone is too common ("someone like you").
const STAFF = String.raw`(?:human(?: being)?|manager|agent|operator|moderator|staff|customer (?:service|support)|support team|someone real|somebody real|someone from (?:the|your) team)`;
const UN = String.raw`(?:(?:un|une|le|la|l|des|quelquun|qqn)\s*)?`;
const VRAI = String.raw`(?:(?:vrai|vraie|vrais|vraies)\s+)?`;
const HUMAIN = String.raw`(?:humain|humaine|etre humain|vraie personne|personne reelle|personne physique|responsable|conseiller|conseillere|moderateur|moderatrice|operateur|operatrice|service client|quelquun de (?:reel|vrai|lequipe|ton equipe|votre equipe)|qqn de (?:reel|vrai))`;
const BOT = String.raw`(?:(?:a|an|the|this|un|une|le|la|l|ce|cette|ton|votre|ta)\s*)?(?:bot|robot|ai|ia|machine|chatbot|automate)`;

const PATTERNS: RegExp[] = [
  // "talk to a human", "speak with a real person", "chat with someone real".
  new RegExp(String.raw`\b(?:talk|speak|chat|text)\s+(?:to|with)\s+${A}${REAL}(?:${STAFF}|person|one)\b`),
  // "I want a human", "get me a manager", "put me through to customer service", "I need a real person".
  new RegExp(
    String.raw`\b(?:want|need|wanna|get me|give me|put me through to|connect me (?:to|with)|transfer me to)\s+${A}(?:${REAL}${STAFF}|(?:real|actual|live)\s+(?:person|one))\b`,
  ),
  // "a real person please", "human please", "real human?", "is there a human there?".
  new RegExp(
    String.raw`^(?:${A}${REAL}(?:human|person|agent|manager))\s*(?:please|pls|plz|now)?[\s\p{P}]*$`,
    'u',
  ),
  new RegExp(
    String.raw`\bis (?:there|this) ${A}(?:real|actual|live)?\s*(?:human|person) (?:there|here|behind|reading)\b`,
  ),
  // "parler à un humain", "discuter avec une vraie personne", "parler à quelqu'un de l'équipe".
  new RegExp(String.raw`\b(?:parler|discuter|echanger|causer|ecrire)\s+(?:a|avec)\s+${UN}${VRAI}${HUMAIN}\b`),
  // "je veux un humain", "passe-moi un responsable", "besoin d'une vraie personne".
  new RegExp(
    String.raw`\b(?:veux|voudrais|veut|voulais|faut|besoin dun|besoin dune|besoin de|passe[ -]moi|passez[ -]moi|mets[ -]moi en contact avec|mettez[ -]moi en contact avec)\s+${UN}${VRAI}${HUMAIN}\b`,
  ),
  // "un humain svp", "une vraie personne ?".
  new RegExp(
    String.raw`^(?:un|une)?\s*(?:vrai|vraie)?\s*(?:humain|vraie personne|personne reelle|responsable)\s*(?:stp|svp|please|sil te plait|sil vous plait)?[\s\p{P}]*$`,
    'u',
  ),
  // "I don't want to talk to a bot", "je veux pas parler à un robot", "j'en ai marre du bot".
  new RegExp(
    String.raw`\b(?:dont|do not|not)\s+(?:want|wanna)\s+(?:to\s+)?(?:(?:talk|speak|chat)\s+(?:to|with)\s+)?${BOT}\b`,
  ),
  new RegExp(
    String.raw`\b(?:veux|voudrais|veut)\s+(?:pas|plus)\s+(?:(?:parler|discuter)\s+(?:a|avec)\s+)?${BOT}\b`,
  ),
];
/** Patterns from here on say "no bot" themselves: a negation before them is theirs. */
const NEGATIVE_FROM = 7;
const FORWARDED = /^\s*(?:fwd?|forwarded|message transf[ée]r[ée]|transf[ée]r[ée])\b/i;
const QUOTED = /"[^"]*"|“[^”]*”|«[^»]*»/g;
// "no need to talk to a human", "pas besoin de parler à quelqu'un", "I never want a manager".
const NEGATED_BEFORE =
  /\b(?:dont|don t|do not|doesnt|never|no need to|no need for|pas besoin de|pas besoin d|jamais|sans|ne)\s+(?:\w+\s+){0,2}$/;
const NEGATED_VERB = /\b(?:veux|voudrais|veut|faut)\s+(?:pas|plus|jamais)\b/;

/** The normalised words asking for a person, or null. */
export function detectHumanRequest(text: string): string | null {
  if (FORWARDED.test(text)) return null;
  const normalized = normalizeText(text.replace(QUOTED, ' '));
  if (!normalized) return null;
  for (const [i, pattern] of PATTERNS.entries()) {
    const found = pattern.exec(normalized);
    if (!found) continue;
    if (i < NEGATIVE_FROM) {
      const before = normalized.slice(Math.max(0, found.index - 30), found.index);
      if (NEGATED_BEFORE.test(before) || NEGATED_VERB.test(found[0])) continue;
    }
    return found[0].trim();
  }
  return null;
}
