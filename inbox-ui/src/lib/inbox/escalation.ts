import type { EscalationReason } from '@velvet/shared/domain';
import type { Lang } from '$lib/i18n';

/** Why a conversation is escalated, in a few words (list badge) and in a sentence (thread banner). */
export const escalationWords: Record<Lang, Record<EscalationReason, { short: string; why: string }>> = {
  en: {
    minor_signal: { short: 'minor', why: 'The fan may be under 18.' },
    minor_uncertain: { short: 'maybe a minor', why: 'A message might come from someone under 18.' },
    technical_issue: { short: 'technical issue', why: 'The fan reports a technical issue.' },
    complaint_refund: { short: 'complaint', why: 'The fan complains or asks for a refund.' },
    human_request: { short: 'asked for a person', why: 'The fan asked to talk to a person.' },
    fallbacks: { short: 'AI failing', why: 'The AI could not answer three times in a row.' },
    manual: { short: 'by a person', why: 'A team member escalated it.' },
  },
  fr: {
    minor_signal: { short: 'mineur', why: 'Le fan est peut-être mineur.' },
    minor_uncertain: { short: 'mineur possible', why: 'Un message pourrait venir d’un mineur.' },
    technical_issue: { short: 'souci technique', why: 'Le fan signale un problème technique.' },
    complaint_refund: { short: 'réclamation', why: 'Le fan se plaint ou demande un remboursement.' },
    human_request: { short: 'veut une personne', why: 'Le fan a demandé à parler à une personne.' },
    fallbacks: { short: 'IA en échec', why: 'L’IA n’a pas pu répondre trois fois de suite.' },
    manual: { short: 'par une personne', why: 'Un membre de l’équipe l’a escaladée.' },
  },
};

export const escalationLabel: Record<Lang, string> = { en: 'Why:', fr: 'Pourquoi :' };
