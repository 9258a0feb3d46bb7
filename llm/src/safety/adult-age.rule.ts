/**
 * A fan stating their own adult age ("j'ai 25 ans", "I'm 19", "18 years old", "trentenaire"). It never
 * outweighs a clear minor signal; it settles the softer cues (a parent's card, the model's hunch).
 */
import { normalizeText } from '../intents/text.normalize';

const ADULT = String.raw`(?:1[89]|[2-9]\d)`;
const ADULT_WORD = String.raw`(?:dix[ -]?huit|eighteen|nineteen|(?:vingt|trente|quarante|cinquante|soixante|twenty|thirty|forty|fifty|sixty)(?:[ -]?\w+)?)`;
const UNIT_FR = String.raw`(?:ans|an|balais|piges|berges|printemps)`;
const UNIT_EN = String.raw`(?:yo|y o|y\/o|yrs? old|years? old|years? young)`;
// Counts and durations that look like ages: "25 ans de mariage", "i'm 25 minutes away".
const NOT_FR_AGE = String.raw`(?!\s*(?:de\b|dans\b|en\s+(?:janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre)|d |dexp\w*|danciennete|dabonnement|detudes?|que\b|plus tard))`;
const NOT_EN_AGE = String.raw`(?!\s*(?:in\b|next\b|soon\b|h\b|min|mins|minutes|hours?|hrs?|km|miles?|ft|feet|inch|cm|kg|lbs?|pounds|stone|percent|%|\$|€|dollars?|euros?|pics?|photos?|times|months?|weeks?|days?|seconds?|k\b|\/|[.,:]\d|th\b|st\b|nd\b|rd\b))`;

const PATTERNS: RegExp[] = [
  // "j'ai 25 ans", "jai eu 18 ans", "moi 29 ans", "g 30 balais"; not "j'avais 20 ans", "il a 40 ans".
  new RegExp(
    String.raw`\b(?:jai|j ai|g|moi|jsuis|je suis|chui|jviens davoir|je viens davoir)\s+(?:eu\s+|deja\s+|maintenant\s+|que\s+)?(?:${ADULT}|${ADULT_WORD})\s*${UNIT_FR}\b${NOT_FR_AGE}`,
  ),
  // "25 ans", "34 ans aujourd'hui" opening the message.
  new RegExp(String.raw`^(?:${ADULT}|${ADULT_WORD})\s*${UNIT_FR}\b${NOT_FR_AGE}`),
  // "mes 40 ans", "fête mes 30 ans": the fan's own birthday.
  new RegExp(String.raw`\bmes\s+(?:${ADULT}|${ADULT_WORD})\s*ans\b${NOT_FR_AGE}`),
  // "I'm 19", "im 25, you?", "i am 34 years old"; not "i'm 25 minutes away".
  new RegExp(
    String.raw`\b(?:im|i m|i am|iam)\s+(?:only\s+|just\s+|already\s+)?(?:${ADULT}|${ADULT_WORD})\b${NOT_EN_AGE}`,
  ),
  // "22yo", "34 years old"; not "my 20 year old car".
  new RegExp(
    String.raw`(?<!\b(?:my|his|her|their|our|a|an|the)\s)\b(?:${ADULT}|${ADULT_WORD})\s*${UNIT_EN}\b`,
  ),
  // "just turned 21", "turning 40 on saturday", "j'ai fêté mes 30".
  new RegExp(
    String.raw`(?:^|\b(?:i|ive|i ve|just|je|jai))\s*(?:just\s+)?(?:turned|turning|turn)\s+(?:${ADULT}|${ADULT_WORD})\b${NOT_EN_AGE}`,
  ),
  // "27 m here", "30f".
  new RegExp(String.raw`\b${ADULT}\s?[mf](?:\s+here\b|\s*[/,]|\s*$)`),
  // "18+", "je suis majeur", "trentenaire".
  /\b(?:im|i m|i am|je suis|jsuis|chui)\s+(?:bien\s+)?(?:18\s*\+|majeure?|an adult|over 18|over eighteen)\b/,
  /\b(?:trentenaire|quadra(?:genaire)?|quinqua(?:genaire)?|la (?:trentaine|quarantaine|cinquantaine))\b/,
];

/** The adult age the fan states for themselves, or null. */
export function detectAdultAge(text: string): string | null {
  const normalized = normalizeText(text);
  for (const pattern of PATTERNS) {
    const found = pattern.exec(normalized);
    if (found) return found[0].trim();
  }
  return null;
}
