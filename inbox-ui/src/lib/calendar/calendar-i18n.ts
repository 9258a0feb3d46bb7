import type { Lang } from '$lib/i18n';
import type { PostKind, PostTargetState } from '@velvet/shared/contract';

interface CalendarText {
  nav: string;
  title: string;
  myCalendar: string;
  creator: string;
  allCreators: string;
  platform: string;
  allPlatforms: string;
  month: string;
  week: string;
  previous: string;
  next: string;
  today: string;
  view: string;
  timesIn: string;
  nothing: string;
  reelMissing: string;
  reelPlanned: string;
  moving: string;
  moved: string;
  notMoved: string;
  readOnly: string;
  dragHint: string;
  // Five platforms: each published target's link on its chip.
  openOn: string;
  forbidden: string;
  kinds: Record<PostKind, string>;
  states: Record<PostTargetState, string>;
}

export { platformName } from '$lib/platforms.svelte';

export const calendarText: Record<Lang, CalendarText> = {
  en: {
    nav: 'Calendar',
    title: 'Publishing calendar',
    myCalendar: 'My calendar',
    creator: 'Creator',
    allCreators: 'All creators',
    platform: 'Platform',
    allPlatforms: 'All platforms',
    month: 'Month',
    week: 'Week',
    previous: 'Previous',
    next: 'Next',
    today: 'Today',
    view: 'View',
    timesIn: 'Times in {zone}',
    nothing: 'Nothing planned in this period.',
    reelMissing: 'No reel on {platform}',
    reelPlanned: 'Reel planned on {platform}',
    moving: 'Moving…',
    moved: 'Moved to {when}.',
    notMoved: 'Not moved: {reason}',
    readOnly: 'Read only: posts are moved from a computer.',
    dragHint: 'Drag a post to another day or hour to move it; click it to edit.',
    // Five platforms: each published target's link on its chip.
    openOn: 'Open on {p}',
    forbidden: 'Your role does not show the publishing calendar.',
    kinds: { text: 'Text', text_photo: 'Text + photo', reel: 'Reel', carousel: 'Carousel' },
    states: {
      draft: 'draft',
      scheduled: 'scheduled',
      publishing: 'publishing',
      published: 'published',
      failed: 'failed',
      unconfirmed: 'unconfirmed',
      cancelled: 'cancelled',
    },
  },
  fr: {
    nav: 'Calendrier',
    title: 'Calendrier de publication',
    myCalendar: 'Mon calendrier',
    creator: 'Créatrice',
    allCreators: 'Toutes les créatrices',
    platform: 'Plateforme',
    allPlatforms: 'Toutes les plateformes',
    month: 'Mois',
    week: 'Semaine',
    previous: 'Précédent',
    next: 'Suivant',
    today: 'Aujourd’hui',
    view: 'Vue',
    timesIn: 'Heures de {zone}',
    nothing: 'Rien de prévu sur cette période.',
    reelMissing: 'Pas de reel sur {platform}',
    reelPlanned: 'Reel prévu sur {platform}',
    moving: 'Déplacement…',
    moved: 'Déplacé au {when}.',
    notMoved: 'Non déplacé : {reason}',
    readOnly: 'Lecture seule : les publications se déplacent depuis un ordinateur.',
    dragHint: 'Glissez une publication vers un autre jour ou une autre heure ; cliquez pour la modifier.',
    // Five platforms: each published target's link on its chip.
    openOn: 'Voir sur {p}',
    forbidden: 'Votre rôle n’affiche pas le calendrier de publication.',
    kinds: { text: 'Texte', text_photo: 'Texte + photo', reel: 'Reel', carousel: 'Carrousel' },
    states: {
      draft: 'brouillon',
      scheduled: 'programmé',
      publishing: 'en cours',
      published: 'publié',
      failed: 'échec',
      unconfirmed: 'non confirmé',
      cancelled: 'annulé',
    },
  },
};
