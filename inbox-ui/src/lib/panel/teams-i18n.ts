import type { Lang } from '$lib/i18n';

// Teams and the waiting queue (issue 22).
const en = {
  nav: 'Teams',
  title: 'Teams and queue',
  forbidden: 'Only the team’s people see this screen.',
  loadFailed: 'The teams and the queue could not be loaded.',
  live: 'Updated live; presence every {seconds} s.',
  // The caller's own shift.
  myShift: 'My shift',
  onDuty: 'On duty',
  offDuty: 'Off duty',
  goOnDuty: 'Go on duty',
  goOffDuty: 'Go off duty',
  shiftLoad: '{load} of {capacity} conversations',
  nowOn: 'You are on duty: waiting conversations may come to you while an inbox is open.',
  nowOff: 'You are off duty: {released} conversation(s) went back to the queue.',
  myConversations: 'My conversations',
  noneMine: 'No conversation is assigned to you.',
  open: 'Open',
  // The queue.
  queue: 'Waiting for a person',
  queueIntro:
    'Escalated or taken over by people, with nobody holding them yet, at creators with a team; oldest first.',
  creatorSummary: '{waiting} waiting · {onDuty} on duty · {online} online',
  noneWaiting: 'Nothing waits for a person.',
  held: 'Held by people',
  noneHeld: 'Nobody holds a conversation.',
  waitingFor: 'waiting {age}',
  reasonHuman: 'taken over by people',
  heldBy: 'with {email}',
  assignTo: 'Assign to',
  reassignTo: 'Reassign to',
  assign: 'Assign',
  reassign: 'Reassign',
  choose: 'Choose a person',
  assigned: '{fan} assigned to {email} ({load} of {capacity}).',
  assignFailed: 'Not assigned: {message}',
  // The team editor.
  teams: 'Teams',
  teamsIntro:
    'Who takes each creator’s conversations that need a person, how many each holds at most, and how they are shared.',
  creator: 'Creator',
  strategy: 'Sharing',
  roundRobin: 'Round robin (longest since the last one)',
  leastLoaded: 'Least loaded (fewest held)',
  member: 'In the team',
  capacity: 'Capacity',
  load: 'Load',
  state: 'Now',
  online: 'online',
  onDutyNoInbox: 'on duty, no inbox open',
  off: 'off duty',
  saveTeam: 'Save the team',
  teamSaved: 'Team saved for {creator}.',
  teamOff: 'No member: conversations of {creator} are assigned by hand.',
  teamFailed: 'Team not saved: {message}',
  noPeople: 'Nobody works for this creator yet (Users).',
  noCreators: 'No creator yet.',
  justNow: 'just now',
  minutes: '{n} min',
  hours: '{n} h',
  days: '{n} d',
};

const fr: typeof en = {
  nav: 'Équipes',
  title: 'Équipes et file d’attente',
  forbidden: 'Seules les personnes de l’équipe voient cet écran.',
  loadFailed: 'Les équipes et la file d’attente n’ont pas pu être chargées.',
  live: 'Mis à jour en direct ; présence toutes les {seconds} s.',
  myShift: 'Mon service',
  onDuty: 'En service',
  offDuty: 'Hors service',
  goOnDuty: 'Prendre son service',
  goOffDuty: 'Finir son service',
  shiftLoad: '{load} conversations sur {capacity}',
  nowOn:
    'Vous êtes en service : des conversations en attente peuvent vous être confiées tant qu’une messagerie est ouverte.',
  nowOff: 'Vous êtes hors service : {released} conversation(s) sont retournées dans la file.',
  myConversations: 'Mes conversations',
  noneMine: 'Aucune conversation ne vous est attribuée.',
  open: 'Ouvrir',
  queue: 'En attente d’une personne',
  queueIntro:
    'Escaladées ou reprises par l’équipe, sans personne pour les prendre, chez les créatrices qui ont une équipe ; les plus anciennes d’abord.',
  creatorSummary: '{waiting} en attente · {onDuty} en service · {online} en ligne',
  noneWaiting: 'Rien n’attend une personne.',
  held: 'Prises par l’équipe',
  noneHeld: 'Personne ne tient de conversation.',
  waitingFor: 'attend depuis {age}',
  reasonHuman: 'reprise par l’équipe',
  heldBy: 'chez {email}',
  assignTo: 'Attribuer à',
  reassignTo: 'Réattribuer à',
  assign: 'Attribuer',
  reassign: 'Réattribuer',
  choose: 'Choisir une personne',
  assigned: '{fan} attribuée à {email} ({load} sur {capacity}).',
  assignFailed: 'Non attribuée : {message}',
  teams: 'Équipes',
  teamsIntro:
    'Qui prend les conversations de chaque créatrice qui demandent une personne, combien chacun en garde au plus, et comment elles sont réparties.',
  creator: 'Créatrice',
  strategy: 'Répartition',
  roundRobin: 'À tour de rôle (le plus longtemps sans en recevoir)',
  leastLoaded: 'Au moins chargé (le moins de conversations)',
  member: 'Dans l’équipe',
  capacity: 'Capacité',
  load: 'Charge',
  state: 'Maintenant',
  online: 'en ligne',
  onDutyNoInbox: 'en service, messagerie fermée',
  off: 'hors service',
  saveTeam: 'Enregistrer l’équipe',
  teamSaved: 'Équipe enregistrée pour {creator}.',
  teamOff: 'Aucun membre : les conversations de {creator} s’attribuent à la main.',
  teamFailed: 'Équipe non enregistrée : {message}',
  noPeople: 'Personne ne travaille encore pour cette créatrice (Utilisateurs).',
  noCreators: 'Aucune créatrice pour l’instant.',
  justNow: 'à l’instant',
  minutes: '{n} min',
  hours: '{n} h',
  days: '{n} j',
};

export const teamsText: Record<Lang, typeof en> = { en, fr };

/** How long something has waited, in the largest unit that fits. */
export function age(lang: Lang, since: string, now: number): string {
  const t = teamsText[lang];
  const minutes = Math.floor((now - new Date(since).getTime()) / 60_000);
  if (minutes < 1) return t.justNow;
  if (minutes < 60) return t.minutes.replace('{n}', String(minutes));
  if (minutes < 48 * 60) return t.hours.replace('{n}', String(Math.floor(minutes / 60)));
  return t.days.replace('{n}', String(Math.floor(minutes / 1440)));
}
