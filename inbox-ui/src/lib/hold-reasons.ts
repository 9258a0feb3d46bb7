import type { Lang } from '$lib/i18n';

/** The checks' reason codes (llm/src/drafting/validator.ts) in words a person reads. */
const WORDS: Record<Lang, Record<string, string>> = {
  en: {
    empty: 'the reply is empty',
    conversation_not_bot: 'a person is handling this conversation',
    opted_out: 'the fan asked not to be messaged',
    too_long: 'too long for this platform',
    contact_details: 'gives contact details (phone, email or another app)',
    off_platform_link: 'contains a link',
    off_platform_payment: 'asks for payment outside the platform',
    meeting: 'suggests meeting in person',
    explicit: 'uses a word the creator does not allow',
    selling_not_allowed: 'talks about prices or packs before the fan may be sold to',
    offer_mismatch: 'names a price that is not the offer’s',
    unbacked_price: 'names a price that is not in the catalog',
    wrong_language: 'is not in the fan’s language',
  },
  fr: {
    empty: 'la réponse est vide',
    conversation_not_bot: 'une personne gère cette conversation',
    opted_out: 'le fan a demandé à ne plus recevoir de messages',
    too_long: 'trop longue pour cette plateforme',
    contact_details: 'donne des coordonnées (téléphone, e-mail ou autre appli)',
    off_platform_link: 'contient un lien',
    off_platform_payment: 'demande un paiement hors de la plateforme',
    meeting: 'propose une rencontre',
    explicit: 'emploie un mot que la créatrice n’autorise pas',
    selling_not_allowed: 'parle de prix ou de packs avant que la vente soit permise',
    offer_mismatch: 'annonce un prix qui n’est pas celui de l’offre',
    unbacked_price: 'annonce un prix absent du catalogue',
    wrong_language: 'n’est pas dans la langue du fan',
  },
};

/** A hold reason in words; an unknown code is shown as is rather than hidden. */
export function holdReason(code: string, lang: Lang): string {
  return WORDS[lang][code] ?? code.replaceAll('_', ' ');
}
