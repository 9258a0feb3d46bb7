import type { ButtonAction, Intent } from '@velvet/shared/contract';
import type { Lang } from '$lib/i18n';

/** What the fan's message was about, as an operator says it. */
const INTENT_WORDS: Record<Lang, Record<Intent, string>> = {
  en: {
    greeting: 'said hello',
    compliment: 'paid a compliment',
    pack_request_feet: 'asked for the feet pack',
    pack_request_lingerie: 'asked for the lingerie pack',
    pack_request_nude: 'asked for the nude art pack',
    custom_request: 'asked for custom content',
    pricing_question: 'asked about prices',
    purchase_confirmation: 'says they paid',
    technical_issue: 'has a technical problem',
    complaint_refund: 'complains or wants a refund',
    meet_request: 'wants to meet',
    opt_out: 'asked not to be messaged',
    minor_signal: 'may be a minor',
    spam: 'spam',
    other: 'something else',
  },
  fr: {
    greeting: 'a dit bonjour',
    compliment: 'a fait un compliment',
    pack_request_feet: 'a demandé le pack pieds',
    pack_request_lingerie: 'a demandé le pack lingerie',
    pack_request_nude: 'a demandé le pack nu artistique',
    custom_request: 'a demandé un contenu personnalisé',
    pricing_question: 'a demandé les prix',
    purchase_confirmation: 'dit avoir payé',
    technical_issue: 'a un problème technique',
    complaint_refund: 'se plaint ou veut un remboursement',
    meet_request: 'veut une rencontre',
    opt_out: 'ne veut plus de messages',
    minor_signal: 'est peut-être mineur',
    spam: 'spam',
    other: 'autre chose',
  },
};

/** An intent in words; a code this build does not know is shown as is. */
export function intentWords(intent: string, lang: Lang): string {
  return (INTENT_WORDS[lang] as Record<string, string>)[intent] ?? intent.replaceAll('_', ' ');
}

const BUTTON_WORDS: Record<Lang, Record<ButtonAction, string>> = {
  en: {
    age_confirmed: '✓ Confirmed 18+',
    age_refused: '✗ Said they are under 18',
    pack: 'Tapped a pack in the catalog',
    satisfaction: 'Gave a satisfaction score',
    other: 'Pressed a button',
  },
  fr: {
    age_confirmed: '✓ A confirmé avoir 18 ans ou plus',
    age_refused: '✗ A dit avoir moins de 18 ans',
    pack: 'A touché un pack du catalogue',
    satisfaction: 'A donné une note de satisfaction',
    other: 'A appuyé sur un bouton',
  },
};

export function buttonWords(action: string, lang: Lang): string {
  return (BUTTON_WORDS[lang] as Record<string, string>)[action] ?? BUTTON_WORDS[lang].other;
}
