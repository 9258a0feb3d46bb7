import type { z } from 'zod';
import { acceptPlanView, planView, plannerView, type PlannerRulesBody } from '@velvet/shared/contract';
import type { Lang } from '$lib/i18n';
import { session } from '$lib/session.svelte';

export type PlannerRules = PlannerRulesBody;
export type PlanProposal = z.output<typeof planView>;
export type PlanItem = PlanProposal['items'][number];
export type AcceptOutcome = z.output<typeof acceptPlanView>;

const id = (value: string) => encodeURIComponent(value);

export const plannerApi = {
  get: (creatorId: string) => session.request(plannerView, `/api/creators/${id(creatorId)}/planner`),
  save: (creatorId: string, body: PlannerRules) =>
    session.request(plannerView, `/api/creators/${id(creatorId)}/planner`, { method: 'PUT', body }),
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
  },
} satisfies Record<Lang, unknown>;
