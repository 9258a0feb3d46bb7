/** French / English / other from function words, chat slang and spelling cues; tuned for 1–5-word messages. */
import { normalizeText } from './text.normalize';

export type DetectedLanguage = 'fr' | 'en' | 'other';

// Words weighted by how surely they mark the language; shared words ("ok", "bb", "pack", "stop") are absent.
const FR_WORDS = weights({
  3: 'slt cv stp svp tkt jsp wsh wesh mdr ptdr jsuis jveux jpeux jvais jai cest ctait cetait jsais chui coucou bjr bsr bonjour bonsoir salut merci combien pourquoi quoi oui ouais nan jamais toujours aussi beaucoup trop tres rien vraiment',
  2: 'je tu il elle nous vous ils elles le la les un une des du de et est sont suis es ai avec pour dans sur mais ou pas ne que qui moi toi mon ma mes ton ta tes son sa ses ce cette ces ca ici encore deja chez sans sous au aux quand comment fait fais faire veux peux vais va vas voir envoie bien belle beau ans photos payer paye rembourse arrete laisse perso tenue petit petite bonne nuit demain soir lien marche recu cc dispo prix arnaque escroquerie totale quelle femme waouh rdv samedi voit pied pieds nu nue nues artistique gagne parrainage garanti investis tro bel kikou pk dodo ouf grave mec meuf frere chuis voila oublie remboursement rembourser remboursez',
  1: 'en si plus moins tout tous avoir etre non',
});
const EN_WORDS = weights({
  3: 'the you your youre ur u im dont cant wont doesnt didnt isnt what whats how hows why where when pls plz please thanks thx wanna gonna gotta sup yeah yep nope lmao idk btw tho',
  2: 'i my mine an is are am was were be been do does did have has had get got can could would will should just with for to of and in at it its this that these those there here who some any much many more not yes so very really send pic pics love like want need see buy paid money link cute pretty beautiful babe girl guys today tonight tomorrow hey hi hello sure always great content available price prices cost rates list order sent placed purchased payment refund worst ever alone leave unsubscribe remove enough card declined give tip add nice cool maybe happy new year grade old years age feet foot toes naked personalized voice dinner sometime gorgeous queen such cheap online fast make free claim now sophomore freshman senior school',
  1: 'or if by from up out all one no lol omg',
});

function weights(table: Record<number, string>): Map<string, number> {
  const map = new Map<string, number>();
  for (const [weight, words] of Object.entries(table)) {
    for (const word of words.split(' ')) if (!map.has(word)) map.set(word, Number(weight));
  }
  return map;
}

const FRENCH_LETTERS = /[éèêëàâîïôûùç]/g;
const FRENCH_ELISION = /\b(?:j|t|c|l|d|m|n|s|qu)['’]\p{L}/giu;
const ENGLISH_CONTRACTION = /\p{L}['’](?:s|t|m|re|ll|ve|d)\b/giu;
const FR_ENDINGS = /(?:eau|eux|oir|ique|ais|ait|ez|ee|ette|eur|euse)$/;
const EN_ENDINGS = /(?:ing|ly|ght|th|ness|ful|ck|ay|ow|ed)$/;

/**
 * Scores each language over the words it recognises; spelling cues break ties and cover unknown words.
 * No letters at all (emoji, numbers, links only) → "other", as is a message with no cue either way.
 */
export function detectLanguage(text: string): DetectedLanguage {
  const lowered = text.toLowerCase();
  let fr =
    (lowered.match(FRENCH_LETTERS)?.length ?? 0) * 2 + (lowered.match(FRENCH_ELISION)?.length ?? 0) * 2;
  let en = (lowered.match(ENGLISH_CONTRACTION)?.length ?? 0) * 2;
  const words = normalizeText(text)
    .replace(/(?:https?:\/\/|www\.)\S+/g, ' ')
    .split(/[^\p{L}]+/u)
    .filter(Boolean);
  for (const word of words) {
    const frWeight = FR_WORDS.get(word) ?? 0;
    const enWeight = EN_WORDS.get(word) ?? 0;
    fr += frWeight;
    en += enWeight;
    if (frWeight || enWeight || word.length < 4) continue;
    if (FR_ENDINGS.test(word)) fr += 0.5;
    if (EN_ENDINGS.test(word)) en += 0.5;
  }
  if (fr === en) return 'other';
  return fr > en ? 'fr' : 'en';
}
