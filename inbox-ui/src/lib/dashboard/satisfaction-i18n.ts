import type { Lang } from '$lib/i18n';

// Fans' satisfaction figures (issue 22, the seed's KPI "satisfaction client").
const en = {
  title: 'Fans’ satisfaction (30 days)',
  average: 'Average score',
  outOf: '/ 5',
  answers: '{n} answers',
  rate: 'Response rate',
  asked: '{n} asked',
  byCreator: 'By creator',
  byPerson: 'By person',
  creator: 'Creator',
  person: 'Person',
  none: 'No satisfaction question sent in the last 30 days.',
  how: 'After a purchase (credited to the seller) and when a person hands a conversation back (credited to them), fans get a one-tap question, 1 to 5, at most once a month. Creators can switch it off in their automation settings.',
};

const fr: typeof en = {
  title: 'Satisfaction des fans (30 jours)',
  average: 'Note moyenne',
  outOf: '/ 5',
  answers: '{n} réponses',
  rate: 'Taux de réponse',
  asked: '{n} questions',
  byCreator: 'Par créatrice',
  byPerson: 'Par personne',
  creator: 'Créatrice',
  person: 'Personne',
  none: 'Aucune question de satisfaction envoyée ces 30 derniers jours.',
  how: 'Après un achat (crédité au vendeur) et quand une personne rend une conversation (créditée à elle), le fan reçoit une question en un geste, de 1 à 5, au plus une fois par mois. Chaque créatrice peut la désactiver dans ses réglages d’automatisation.',
};

export const satisfactionText: Record<Lang, typeof en> = { en, fr };
