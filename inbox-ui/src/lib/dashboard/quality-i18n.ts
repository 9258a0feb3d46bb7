import type { Lang } from '$lib/i18n';

// Reply quality figures (issue 22).
const en = {
  title: 'Reply quality (7 days)',
  byPerson: 'By person',
  byCreator: 'By creator',
  person: 'Person',
  creator: 'Creator',
  decided: 'Drafts decided',
  unedited: 'Approved without edit',
  edit: 'Edit distance',
  written: 'Written without a draft',
  replyTime: 'Median reply time',
  conversion: 'Conversion',
  none: 'No draft decided and no reply written by a person in the last 7 days.',
  definitions: 'Definitions',
  defs: {
    approvalWithoutEditRate:
      'Approved without edit: AI drafts approved exactly as written, over the drafts approved or rejected.',
    editDistance:
      'Edit distance: characters changed between the draft and the text sent, over the longer text (0 unchanged, 1 rewritten), averaged over approved drafts.',
    written: 'Written without a draft: replies the person typed themselves, without an AI draft.',
    replyMedianMs:
      'Median reply time: from the fan’s message to the approval of a draft, or to the person’s own first reply to it.',
    conversion:
      'Conversion: conversations with an approved or written reply that were followed by a purchase (not refunded), over those conversations.',
  },
};

const fr: typeof en = {
  title: 'Qualité des réponses (7 jours)',
  byPerson: 'Par personne',
  byCreator: 'Par créatrice',
  person: 'Personne',
  creator: 'Créatrice',
  decided: 'Brouillons traités',
  unedited: 'Validés sans retouche',
  edit: 'Distance d’édition',
  written: 'Écrites sans brouillon',
  replyTime: 'Temps de réponse médian',
  conversion: 'Conversion',
  none: 'Aucun brouillon traité ni aucune réponse écrite par une personne ces 7 derniers jours.',
  definitions: 'Définitions',
  defs: {
    approvalWithoutEditRate:
      'Validés sans retouche : brouillons de l’IA validés tels quels, sur les brouillons validés ou rejetés.',
    editDistance:
      'Distance d’édition : caractères changés entre le brouillon et le texte envoyé, sur le plus long des deux (0 inchangé, 1 réécrit), en moyenne sur les brouillons validés.',
    written: 'Écrites sans brouillon : réponses que la personne a tapées elle-même, sans brouillon de l’IA.',
    replyMedianMs:
      'Temps de réponse médian : du message du fan à la validation d’un brouillon, ou à la première réponse écrite par la personne.',
    conversion:
      'Conversion : conversations avec une réponse validée ou écrite suivies d’un achat (non remboursé), sur ces conversations.',
  },
};

export const qualityText: Record<Lang, typeof en> = { en, fr };
