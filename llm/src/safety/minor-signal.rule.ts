/**
 * Explicit patterns for a fan saying or implying they are under 18. A `clear` match (a stated age, a
 * school level as a pupil, "not 18 yet") decides on its own; a `weak` one (parents who must not find
 * out, a parent's card) only asks a human to look, since adults say those things too.
 */
import { normalizeText } from '../intents/text.normalize';

export interface MinorSignalMatch {
  /** Which family of pattern fired, for the audit trail. */
  rule: string;
  strength: 'clear' | 'weak';
  /** The normalised text that matched. */
  match: string;
}

interface MinorRule {
  rule: string;
  pattern: RegExp;
  /** Clear unless said otherwise. */
  strength?: 'weak';
  /** Skip when the sentence is about someone else ("my 15 year old cat", "mon fils est au collège"). */
  guardThirdParty?: boolean;
  /** Skip when the words just before the match make the age not the fan's own ("ma fille a 16 ans"). */
  notAfter?: RegExp;
  /** Skip when the fan speaks as a teacher or school staff ("je suis prof en 3ème", "i teach 9th grade"). */
  guardTeacher?: boolean;
}

const AGE = String.raw`(?:1[0-7])`;
const AGE_FR = String.raw`(?:${AGE}|dix|onze|douze|treize|quatorze|quinze|seize|dix[ -]?sept)`;
const AGE_EN = String.raw`(?:${AGE}|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen)`;
const EIGHTEEN = String.raw`(?:18|dix[ -]?huit|eighteen)`;
const I_AM = String.raw`(?:im|i m|i am|iam)`;
const JE_SUIS = String.raw`(?:je suis|jsuis|j suis|chui|jss|suis|moi)`;
const PARENT_FR = String.raw`(?:mes parents|mes darons|mes rents|ma mere|ma daronne|ma maman|mon pere|mon daron|mon papa)`;
const PARENT_EN = String.raw`(?:my (?:parents|mom|mum|mother|dad|father|folks|step ?(?:mom|dad)))`;
// Units that turn "I'm 16" into a distance, a duration or a count rather than an age.
const NOT_AN_AGE = String.raw`(?!\s*(?:h\b|min|mins|minutes|hours?|hrs?|km|miles?|mi\b|ft|feet|foot|inch|cm|kg|lbs?|pounds|percent|%|\$|€|dollars?|euros?|pics?|photos?|times|stone|oz\b|ounces?|th\b|st\b|nd\b|rd\b|x\b|months?|weeks?|days?|sec|seconds?|k\b|\/|[.,]\d))`;

const re = (source: string) => new RegExp(source);

const RULES: MinorRule[] = [
  // "j'ai 16 ans", "moi c'est Léo, 15 ans", "16 ans ici" — but not "ma fille a 16 ans", "depuis 15 ans".
  {
    rule: 'age',
    pattern: re(
      String.raw`\b${AGE_FR}\s*ans\b(?!\s*(?:de\b|d |dexp\w*|danciennete|dabonnement|detudes?|damitie|dattente|dinscription|plus tard|apres|avant|que\b))`,
    ),
    notAfter:
      /(?:\b(?:a|as|tas|avait|avais|javais|avaient|ont|de|depuis|pendant|durant|ya|y a|dans|en|des|les|fait|il|elle)\s*)$/,
    guardThirdParty: true,
  },
  { rule: 'age', pattern: re(String.raw`\bagee? de ${AGE_FR}\s*ans\b`), guardThirdParty: true },
  // "i'm 16", "im only fifteen", "is it ok if i'm 17" — but not "i'm 16 minutes away".
  {
    rule: 'age',
    pattern: re(
      String.raw`\b${I_AM}\s+(?:only\s+|just\s+|almost\s+|barely\s+|still\s+)?${AGE_EN}\b${NOT_AN_AGE}`,
    ),
  },
  // "16yo", "16 y/o", "fifteen years old" — but not "my 15 year old cat".
  {
    rule: 'age',
    pattern: re(String.raw`\b${AGE_EN}\s*(?:yo|y\s*o|y\/o|yrs?(?:\s*old)?|years?\s*old|year\s*old)\b`),
    notAfter: /\b(?:my|his|her|their|our|your|ur|a|an|the|its)\s*$/,
    guardThirdParty: true,
  },
  { rule: 'age', pattern: re(String.raw`\bage\s*:?\s*${AGE}\b${NOT_AN_AGE}`), guardThirdParty: true },
  // A bare number answering "quel âge ?": "moi 16", "j'ai 15".
  { rule: 'age', pattern: re(String.raw`\b(?:moi|jai|j ai|g)\s+(?:que\s+|juste\s+)?${AGE_FR}\s*[!?.]*$`) },
  // "16 ici", "15 here": the age alone answering "quel âge ?".
  { rule: 'age', pattern: re(String.raw`^${AGE_FR}\s*(?:ici|here)\s*[!?.]*$`) },
  // "im a 15 year old", "i'm just a sixteen yo".
  {
    rule: 'age',
    pattern: re(
      String.raw`\b${I_AM}\s+(?:only\s+|just\s+)?an?\s+${AGE_EN}\s*(?:yo|y\s*o|y\/o|yrs?\s*old|years?\s*old|year\s*old)\b`,
    ),
  },
  // A/S/L style introductions: "15 m here", "16f".
  { rule: 'age', pattern: re(String.raw`\b${AGE}\s?[mf](?:\s+here\b|\s*[/,]|\s*$)`) },
  {
    rule: 'age',
    pattern: re(String.raw`\b(?:i\s+)?(?:just\s+)?turned\s+${AGE_EN}\b${NOT_AN_AGE}`),
    guardThirdParty: true,
  },
  { rule: 'age', pattern: re(String.raw`\bsweet\s*(?:16|sixteen)\b`), guardThirdParty: true },
  { rule: 'age', pattern: re(String.raw`\bmy\s+${AGE}\s*th\s+(?:birthday|bday)\b`) },
  { rule: 'age', pattern: re(String.raw`\b(?:ill|i ll|i will)\s+(?:be|turn)\s+${AGE_EN}\b${NOT_AN_AGE}`) },
  {
    rule: 'age',
    pattern: re(String.raw`\b(?:im\s+|i m\s+|i am\s+)?turning\s+${AGE_EN}\b${NOT_AN_AGE}`),
    guardThirdParty: true,
  },
  // "hey im jake, 17", "moi c'est Léa 16": a name, then the age closing the introduction.
  {
    rule: 'age',
    pattern: re(
      String.raw`\b(?:${I_AM}|moi cest|je mappelle|jmappelle|my name is|this is)\s+[a-z]+\s*,?\s*${AGE}\s*[!?.]*$`,
    ),
  },

  // Not an adult yet.
  { rule: 'not_adult', pattern: re(String.raw`\bpas\s+(?:encore\s+|meme\s+|tout a fait\s+)?${EIGHTEEN}\b`) },
  { rule: 'not_adult', pattern: re(String.raw`\b(?:pas|pas encore|toujours pas|bientot)\s+majeure?\b`) },
  { rule: 'not_adult', pattern: /(?<!\b(?:pas|plus|non|aux|des|les|interdit aux)\s)\bmineure?s?\b/ },
  { rule: 'not_adult', pattern: re(String.raw`\bmoins de ${EIGHTEEN}\b`) },
  // "bientôt 18 ans", "presque 18", "almost 18" — but not "bientôt 18 ans de mariage".
  {
    rule: 'not_adult',
    pattern: re(
      String.raw`\b(?:bientot|presque|almost|nearly|soon to be|allmost|nearlly)\s+${EIGHTEEN}\b(?!\s*(?:ans\s+|years?\s+)?(?:de\b|d |of\b|married|together|since|depuis|que\b|that\b))`,
    ),
    guardThirdParty: true,
  },
  {
    rule: 'not_adult',
    pattern: re(String.raw`\b(?:jaurai|j aurai|je vais avoir|jvais avoir)\s+${EIGHTEEN}\b`),
  },
  { rule: 'not_adult', pattern: re(String.raw`\b${JE_SUIS}\s+(?:encore\s+)?trop\s+jeune\b`) },
  { rule: 'not_adult', pattern: re(String.raw`\bnot\s+(?:yet\s+|even\s+)?${EIGHTEEN}\b`) },
  { rule: 'not_adult', pattern: re(String.raw`\b(?:under|below)\s*(?:${EIGHTEEN}|age)\b`) },
  {
    rule: 'not_adult',
    pattern: re(
      String.raw`\b(?:${I_AM}|as)\s+(?:still\s+|only\s+)?a\s+minor\b(?!\s+(?:issue|problem|thing|bug|detail|change|fix|question|one|league|leagues|role|part|detail))`,
    ),
  },
  {
    rule: 'not_adult',
    pattern: re(String.raw`\b${I_AM}\s+not\s+(?:yet\s+)?(?:old enough|an adult|legal|of age)\b`),
  },
  { rule: 'not_adult', pattern: re(String.raw`\b${I_AM}\s+(?:still\s+)?too\s+young\b`) },
  {
    rule: 'not_adult',
    pattern: re(String.raw`\b(?:turn|be|ill be|i ll be|i will be)\s+${EIGHTEEN}\s+(?:next|in|soon|this)\b`),
  },

  // School levels.
  {
    rule: 'school',
    pattern:
      /\ben\s+(?:[3-6]\s?(?:e|eme|em|ieme)|2(?:\s?nde|de|\s?e|\s?eme)|1\s?ere)\b(?!\s*(?:position|place|rang|tour|ligne|etage|manche|main|au classement|du classement))/,
    guardThirdParty: true,
    guardTeacher: true,
  },
  {
    rule: 'school',
    pattern: re(
      String.raw`\b(?:${JE_SUIS}|rentree|je rentre|jrentre)\s+(?:encore\s+|juste\s+|que\s+|seulement\s+)?(?:en|quen)\s+(?:sixieme|cinquieme|quatrieme|troisieme|seconde|premiere|terminale)\b(?!\s*(?:position|place|ligne|main|classe|zone|partie|de ma|de mon))`,
    ),
  },
  {
    rule: 'school',
    pattern: re(
      String.raw`\b(?:${JE_SUIS}|je vais|jvais|je sors|jsors|je rentre|jrentre|cours|jai cours)\s+(?:encore\s+|toujours\s+|demain\s+)?(?:au|du|en)\s+(?:college|lycee)\b`,
    ),
  },
  {
    rule: 'school',
    pattern: /\b(?:au|du)\s+(?:college|lycee)\b/,
    notAfter:
      /\b(?:travaille|bosse|taf|prof|enseigne|surveillant|cpe|est|sont|va|vont|vus|vu|connus|rencontres)\b[^.!?]{0,15}$/,
    guardThirdParty: true,
    guardTeacher: true,
  },
  { rule: 'school', pattern: /\b(?:collegien|collegienne|lyceen|lyceenne)s?\b/, guardThirdParty: true },
  {
    rule: 'school',
    pattern:
      /\b(?:je passe|jpasse|je vais passer|jvais passer|je revise|jrevise|jai|j ai)\s+(?:le\s+|mon\s+)?(?:brevet|bac blanc)\b(?!\s*(?:en\s+(?:19|20)\d\d|y a|il y a))/,
  },
  // A bare mention: a parent or a teacher says it as often as a pupil.
  {
    rule: 'school',
    strength: 'weak',
    pattern: /\b(?:brevet|bac blanc)\b/,
    guardThirdParty: true,
    guardTeacher: true,
  },
  {
    rule: 'school',
    pattern:
      /\b(?:prof|teacher)\b[^.!?]{0,30}\b(?:confisque|ma pris mon|took my phone|caught me|confiscated)/,
  },
  {
    rule: 'school',
    pattern: re(
      String.raw`\b${I_AM}\s+(?:still\s+|only\s+|just\s+)?(?:in|at)\s+(?:high\s*school|hs|middle\s*school|junior\s*high|(?:[6-9]|1[0-2])\s*th\s*grade)\b`,
    ),
  },
  {
    rule: 'school',
    pattern: re(
      String.raw`\b(?:i|we)\s+(?:still\s+)?(?:go|goes|went back)\s+to\s+(?:high\s*school|middle\s*school|junior\s*high)\b`,
    ),
  },
  {
    rule: 'school',
    pattern: /\b(?:high|middle)\s*school\s+(?:student|kid|girl|boy)\b/,
    notAfter: /\b(?:my|his|her|their|our)\s*$/,
    guardThirdParty: true,
  },
  {
    rule: 'school',
    pattern: /\b(?:high\s*schooler|middle\s*schooler|junior\s*higher)s?\b/,
    guardThirdParty: true,
  },
  {
    rule: 'school',
    pattern:
      /\bmiddle\s*school\b(?!\s+(?:kid|kids|son|daughter|teacher|teachers|reunion|musical|crush|days|years))/,
    notAfter: /\b(?:teach|teaches|teaching|teacher|work|works|worked|job|at a|in)\b[^.!?]{0,15}$/,
    guardThirdParty: true,
    guardTeacher: true,
  },
  {
    rule: 'school',
    pattern: /\b(?:[6-9]|1[0-2])\s*th\s*grader?s?\b|\bgrade\s*(?:[6-9]|1[0-2])\b/,
    guardThirdParty: true,
    guardTeacher: true,
  },
  {
    rule: 'school',
    pattern:
      /\b(?:freshman|sophomore|junior|senior)\s+(?:year\s+)?(?:in|at|of)\s+(?:high\s*school|hs)\b|\bhs\s+(?:freshman|sophomore|junior|senior)\b/,
  },
  {
    rule: 'school',
    pattern: /\bsophomore\b(?!\s+(?:in|at)\s+(?:college|uni))/,
    notAfter: /\b(?:college|university|uni)\s*$/,
    guardThirdParty: true,
    guardTeacher: true,
  },
  { rule: 'school', pattern: /\b(?:im|i m|i am) a freshman\b(?!\s+(?:in|at)\s+(?:college|uni))/ },

  // UK school years: "i'm in year 10", "doing my GCSEs", "sixth form".
  {
    rule: 'school',
    pattern: re(
      String.raw`\b(?:${I_AM}|i m)\s+(?:still\s+|only\s+|just\s+)?(?:in|at)\s+(?:year\s*(?:[7-9]|1[0-3])|sixth\s*form)\b|\b(?:doing|taking|revising for|studying for)\s+(?:my\s+)?gcses?\b`,
    ),
  },

  // Paying with a parent's card, or parents who must not find out.
  {
    rule: 'parents',
    strength: 'weak',
    pattern:
      /\b(?:carte(?: bleue| bancaire| de credit)?|cb|visa)\s+(?:de|a)\s+(?:ma|mon|mes)\s+(?:mere|pere|parents|darons?|daronne|maman|papa)\b/,
  },
  {
    rule: 'parents',
    strength: 'weak',
    pattern: /\b(?:mom|mum|mother|dad|father|parent)s?'?\s+(?:credit\s+|debit\s+|bank\s+)?card\b/,
  },
  {
    rule: 'parents',
    strength: 'weak',
    pattern: re(
      String.raw`\b${PARENT_FR}\b[^.!?]{0,25}?\b(?:vont me tuer|va me tuer|me tue|me tuerai|me tuent|savent pas|sait pas|checkent|check|verifient|verifie|surveillent|surveille|confisque|voient ca|voit ca|va voir|vont voir|ma pris mon tel)`,
    ),
  },
  {
    rule: 'parents',
    strength: 'weak',
    pattern: re(
      String.raw`\b${PARENT_EN}\b[^.!?]{0,25}?\b(?:kill me|kill|freak|ground me|grounded|checks? my phone|takes? my phone|find out|finds out|found out|catch|catches|caught|dont know|doesnt know|cant know)\b`,
    ),
  },
  { rule: 'parents', strength: 'weak', pattern: re(String.raw`\b(?:${I_AM}|got)\s+grounded\b`) },
];

// Someone else is the subject: the fan's child, sibling, pet or pupil — unless the fan speaks of
// themselves again after it ("mon fils a 16 ans et moi j'ai 15 ans").
const THIRD_PARTY =
  /\b(?:my|his|her|their|our|ma|mon|mes|sa|son|ses|leur|notre|\d+|deux|trois|two|three)\s+(?:\w+\s+)?(?:son|sons|daughters?|kids?|child|children|teens?|brother|sister|nephew|niece|cousin|friend|cat|dog|students?|pupils?|fils|filles?|frere|soeur|neveu|niece|cousine?|pote|chat|chien|enfants?|gamine?s?|gosses?|ados?|petits?|eleves?|classe)\b([^.!?]{0,30})$/;
const FIRST_PERSON = /\b(?:jai|j ai|je|jsuis|moi|im|i m|i am|i|me)\b/;
// "...for my niece", "... de ma fille": the school or age belongs to the person named after it.
const FOR_SOMEONE_ELSE =
  /^[^.!?]{0,12}\b(?:for|of|pour|de)\s+(?:my|his|her|their|our|ma|mon|mes|sa|son|ses)\s+(?!self\b)/;
// The fan speaks as a teacher or school staff: the level is where they work, not where they study.
const TEACHER =
  /\b(?:parents? deleves?|parent of a|jenseigne|j enseigne|enseignante?|professeure?|prof de|prof en|prof au|prof dans|jsuis prof|je suis prof|suis prof|instit\w*|surveillante?|cpe|aed|i teach|teaching|teacher|coach|i coach|i work|je travaille|je bosse|jbosse)\b/;
const TEACHER_AFTER = /^\s*(?:\w+\s+)?(?:teachers?|profs?|staff)\b/;
// The fan speaks of their own past: "i was a sophomore when…", "quand j'étais au lycée".
const PAST = /\b(?:i was|when i was|back when|used to be|jetais|quand jetais|j etais)\b[^.!?]{0,15}$/;
// Something long past: "au lycée il y a 20 ans", "brevet back in 2003".
const LONG_AGO = /^[^.!?]{0,30}\b(?:il y a|y a|ago|back in|en (?:19|20)\d\d|in (?:19|20)\d\d)\b/;

function aboutSomeoneElse(before: string, after: string): boolean {
  const found = THIRD_PARTY.exec(before);
  if (found !== null && !FIRST_PERSON.test(found[1] ?? '')) return true;
  return FOR_SOMEONE_ELSE.test(after);
}

// matchAll needs global patterns; compiled once here so the rule table above stays readable.
const COMPILED = RULES.map((rule) => ({ ...rule, pattern: new RegExp(rule.pattern.source, 'g') }));

/** The first clear match, else the first weak one, else null. */
export function detectMinorSignal(text: string): MinorSignalMatch | null {
  const normalized = normalizeText(text);
  if (!normalized) return null;
  let weak: MinorSignalMatch | null = null;
  for (const { rule, pattern, strength, guardThirdParty, guardTeacher, notAfter } of COMPILED) {
    // Every occurrence counts: "mon fils a 16 ans et moi 15 ans" must not stop at the guarded first one.
    for (const found of normalized.matchAll(pattern)) {
      const before = normalized.slice(Math.max(0, found.index - 40), found.index);
      const after = normalized.slice(found.index + found[0].length, found.index + found[0].length + 40);
      if (notAfter?.test(before)) continue;
      if (guardThirdParty && aboutSomeoneElse(before, after)) continue;
      if (guardTeacher && (TEACHER.test(before) || TEACHER_AFTER.test(after))) continue;
      if (rule === 'school' && (LONG_AGO.test(after) || PAST.test(before))) continue;
      const match = { rule, strength: strength ?? ('clear' as const), match: found[0].trim() };
      if (match.strength === 'clear') return match;
      weak ??= match;
    }
  }
  return weak;
}
