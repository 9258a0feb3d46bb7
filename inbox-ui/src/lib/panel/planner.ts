import type { z } from 'zod';
import {
  acceptPlanView,
  planView,
  plannerBestTimesView,
  plannerView,
  type PlannerRulesBody,
} from '@velvet/shared/contract';
import type { Lang } from '$lib/i18n';
import { session } from '$lib/session.svelte';

export type PlannerRules = PlannerRulesBody;
export type PlanProposal = z.output<typeof planView>;
export type PlanItem = PlanProposal['items'][number];
export type AcceptOutcome = z.output<typeof acceptPlanView>;
export type BestTimesSlots = z.output<typeof plannerBestTimesView>;

const id = (value: string) => encodeURIComponent(value);

export const plannerApi = {
  get: (creatorId: string) => session.request(plannerView, `/api/creators/${id(creatorId)}/planner`),
  save: (creatorId: string, body: PlannerRules) =>
    session.request(plannerView, `/api/creators/${id(creatorId)}/planner`, { method: 'PUT', body }),
  bestTimes: (creatorId: string) =>
    session.request(plannerBestTimesView, `/api/creators/${id(creatorId)}/planner/best-times`),
  plan: (creatorId: string) =>
    session.request(planView, `/api/creators/${id(creatorId)}/plan`, { method: 'POST', body: {} }),
  accept: (creatorId: string, items: PlanItem[]) =>
    session.request(acceptPlanView, `/api/creators/${id(creatorId)}/plan/accept`, {
      method: 'POST',
      body: {
        items: items.map(({ contentId, platform, accountId, at, timeZone }) => ({
          contentId,
          platform,
          accountId,
          at,
          timeZone,
        })),
      },
    }),
};

/** The proposal by local day, then platform, each day's posts in time order. */
export function byDay(items: readonly PlanItem[]): { date: string; platforms: [string, PlanItem[]][] }[] {
  const days = new Map<string, Map<string, PlanItem[]>>();
  for (const item of items) {
    const day = days.get(item.date) ?? new Map<string, PlanItem[]>();
    day.set(item.platform, [...(day.get(item.platform) ?? []), item]);
    days.set(item.date, day);
  }
  return [...days.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, platforms]) => ({
      date,
      platforms: [...platforms.entries()].sort(([a], [b]) => a.localeCompare(b)),
    }));
}

export const plannerText = {
  en: {
    nav: 'Planner',
    title: 'Planner',
    creator: 'Creator',
    noCreators: 'No creator yet.',
    intro:
      'Slots are computed in each market’s local time, correct across daylight-saving changes. Each post moves by a random offset within ±jitter so posts don’t land on the same minute every day.',
    defaults: 'These are the defaults: save them to keep them.',
    markets: 'Markets',
    marketId: 'Name',
    marketCode: 'Market',
    timeZone: 'Time zone',
    active: 'Active from',
    activeEnd: 'until',
    quiet: 'Quiet from',
    quietEnd: 'until',
    noQuiet: 'No quiet hours',
    addMarket: 'Add a market',
    remove: 'Remove',
    platforms: 'Platforms',
    notConnected: 'No connected account: nothing is planned here.',
    dailyReel: 'A reel/short every day',
    mix: 'Content types and their share',
    slots: 'Slots',
    slotMarket: 'Market',
    slotStart: 'From',
    slotEnd: 'To',
    slotPosts: 'Posts',
    slotJitter: '± minutes',
    addSlot: 'Add a slot',
    addPlatform: 'Add rules for',
    save: 'Save the rules',
    saving: 'Saving…',
    saved: 'Rules saved.',
    plan: 'Plan the week',
    planning: 'Planning…',
    proposal: 'Proposal',
    noProposal: 'Nothing to plan: no free slot, or no ready content (draft posts, unused media).',
    reel: 'Reel of the day',
    unfilled: '{n} free slot(s) with no ready content.',
    reelGap: 'No reel for {platform} on {date}: upload a vertical video.',
    unconnected: 'Not planned (no connected account): {platforms}.',
    accept: 'Accept and schedule {n} post(s)',
    accepting: 'Scheduling…',
    accepted: '{n} post(s) scheduled.',
    notPlaced: 'Not placed',
    kinds: { text: 'Text', text_photo: 'Text + photo', reel: 'Reel/short', carousel: 'Carousel' },
    bestTimes: 'Use the best times from analytics',
    bestTimesLoading: 'Reading the best times…',
    bestTimesTitle: 'Best times as slots',
    bestTimesIntro:
      'From the last 90 days of engagement, on the creator’s clock ({zone}): as many posts a day as now, one in each best hour open in the market {profile}. Nothing changes until you apply.',
    timesSource: {
      tfjs: 'TensorFlow.js model (it beat the baseline), {n} posts',
      baseline: 'baseline (hour-of-week means), {n} posts',
    },
    timesNow: 'Now:',
    timesNew: 'Proposed:',
    timesUnchanged: 'Already these slots.',
    timesSkipped: {
      no_history: 'no published post with figures yet',
      too_few_posts: 'fewer than 30 posts, too few to judge',
      no_market_in_zone: 'no market in the creator’s time zone',
      no_open_hours: 'no best hour inside the market’s active hours',
    },
    timesSkippedLine: '{platform}: left as is ({reason}).',
    timesNothing: 'No platform would change.',
    applyTimes: 'Apply and save',
    cancel: 'Cancel',
    timesApplied: 'Best times applied and saved.',
  },
  fr: {
    nav: 'Planification',
    title: 'Planification',
    creator: 'Créatrice',
    noCreators: 'Aucune créatrice pour l’instant.',
    intro:
      'Les créneaux sont calculés à l’heure locale de chaque marché, y compris aux changements d’heure. Chaque publication est décalée au hasard dans ±la marge pour ne pas tomber à la même minute chaque jour.',
    defaults: 'Ce sont les réglages par défaut : enregistrez-les pour les garder.',
    markets: 'Marchés',
    marketId: 'Nom',
    marketCode: 'Marché',
    timeZone: 'Fuseau horaire',
    active: 'Actif de',
    activeEnd: 'à',
    quiet: 'Silence de',
    quietEnd: 'à',
    noQuiet: 'Pas d’heures de silence',
    addMarket: 'Ajouter un marché',
    remove: 'Retirer',
    platforms: 'Plateformes',
    notConnected: 'Aucun compte connecté : rien n’est planifié ici.',
    dailyReel: 'Un reel/short chaque jour',
    mix: 'Types de contenu et leur part',
    slots: 'Créneaux',
    slotMarket: 'Marché',
    slotStart: 'De',
    slotEnd: 'À',
    slotPosts: 'Publications',
    slotJitter: '± minutes',
    addSlot: 'Ajouter un créneau',
    addPlatform: 'Ajouter des règles pour',
    save: 'Enregistrer les règles',
    saving: 'Enregistrement…',
    saved: 'Règles enregistrées.',
    plan: 'Planifier la semaine',
    planning: 'Planification…',
    proposal: 'Proposition',
    noProposal:
      'Rien à planifier : aucun créneau libre, ou aucun contenu prêt (brouillons, médias inutilisés).',
    reel: 'Reel du jour',
    unfilled: '{n} créneau(x) libre(s) sans contenu prêt.',
    reelGap: 'Pas de reel sur {platform} le {date} : ajoutez une vidéo verticale.',
    unconnected: 'Non planifié (aucun compte connecté) : {platforms}.',
    accept: 'Accepter et programmer {n} publication(s)',
    accepting: 'Programmation…',
    accepted: '{n} publication(s) programmée(s).',
    notPlaced: 'Non placées',
    kinds: { text: 'Texte', text_photo: 'Texte + photo', reel: 'Reel/short', carousel: 'Carrousel' },
    bestTimes: 'Utiliser les meilleurs horaires des statistiques',
    bestTimesLoading: 'Lecture des meilleurs horaires…',
    bestTimesTitle: 'Les meilleurs horaires comme créneaux',
    bestTimesIntro:
      'D’après l’engagement des 90 derniers jours, à l’heure de la créatrice ({zone}) : autant de publications par jour qu’aujourd’hui, une dans chacune des meilleures heures ouvertes du marché {profile}. Rien ne change avant d’appliquer.',
    timesSource: {
      tfjs: 'modèle TensorFlow.js (il a battu la référence), {n} publications',
      baseline: 'référence (moyennes par heure de la semaine), {n} publications',
    },
    timesNow: 'Actuellement :',
    timesNew: 'Proposé :',
    timesUnchanged: 'Ce sont déjà ces créneaux.',
    timesSkipped: {
      no_history: 'aucune publication avec des chiffres pour l’instant',
      too_few_posts: 'moins de 30 publications, trop peu pour juger',
      no_market_in_zone: 'aucun marché dans le fuseau de la créatrice',
      no_open_hours: 'aucune meilleure heure dans les heures actives du marché',
    },
    timesSkippedLine: '{platform} : inchangé ({reason}).',
    timesNothing: 'Aucune plateforme ne changerait.',
    applyTimes: 'Appliquer et enregistrer',
    cancel: 'Annuler',
    timesApplied: 'Meilleurs horaires appliqués et enregistrés.',
  },
} satisfies Record<Lang, unknown>;
