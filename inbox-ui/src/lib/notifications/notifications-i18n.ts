import type { NotificationKind, PushKind } from '@velvet/shared/domain';
import type { Lang } from '$lib/i18n';

export const notificationsText = {
  en: {
    bell: 'Notifications',
    bellUnread: 'Notifications, {n} unread',
    title: 'Notifications',
    none: 'No notification yet.',
    loadFailed: 'The notifications could not be loaded.',
    markAllRead: 'Mark all as read',
    markRead: 'Mark as read',
    acknowledge: 'Acknowledge',
    acknowledged: 'Acknowledged',
    open: 'Open',
    close: 'Close',
    seeAll: 'All notifications and push settings',
    more: 'Show older',
    unread: 'Unread',
    about: '{fan} · {creator}',
    pushTitle: 'On this person’s phones (web push)',
    pushIntro:
      'Choose what reaches your devices as a push notification. Everything stays listed here either way.',
    pushSaved: 'Push settings saved.',
    pushFailed: 'The push settings could not be saved: {e}',
  },
  fr: {
    bell: 'Notifications',
    bellUnread: 'Notifications, {n} non lues',
    title: 'Notifications',
    none: 'Aucune notification pour l’instant.',
    loadFailed: 'Les notifications n’ont pas pu être chargées.',
    markAllRead: 'Tout marquer comme lu',
    markRead: 'Marquer comme lu',
    acknowledge: 'Pris en compte',
    acknowledged: 'Pris en compte',
    open: 'Ouvrir',
    close: 'Fermer',
    seeAll: 'Toutes les notifications et réglages push',
    more: 'Plus anciennes',
    unread: 'Non lue',
    about: '{fan} · {creator}',
    pushTitle: 'Sur vos téléphones (notifications push)',
    pushIntro:
      'Choisissez ce qui arrive sur vos appareils en notification push. Tout reste listé ici de toute façon.',
    pushSaved: 'Réglages push enregistrés.',
    pushFailed: 'Les réglages push n’ont pas pu être enregistrés : {e}',
  },
} satisfies Record<Lang, Record<string, string>>;

/** Each kind in a few words: the title of a notification, and a line of the push settings. */
export const kindWords: Record<Lang, Record<PushKind, string>> = {
  en: {
    draft: 'A reply waits for approval',
    minor_signal: 'A fan may be under 18',
    minor_uncertain: 'A fan might be under 18',
    escalation: 'A conversation needs a person',
    llm_down: 'The language model is down',
    platform_error: 'A platform refuses replies',
    response_time: 'Replies are slow',
    conversion: 'Few offers are paid',
    account_attention: 'An account needs attention',
    backup_failed: 'A backup failed',
    reel_missing: 'Tomorrow has no reel planned',
    // Conversation memory (issue 22)
    memory_down: 'The conversation memory is unreachable',
    followup_sent: 'Automation sent a follow-up',
  },
  fr: {
    draft: 'Une réponse attend validation',
    minor_signal: 'Un fan est peut-être mineur',
    minor_uncertain: 'Un fan pourrait être mineur',
    escalation: 'Une conversation demande une personne',
    llm_down: 'Le modèle de langue est indisponible',
    platform_error: 'Une plateforme refuse les réponses',
    response_time: 'Les réponses sont lentes',
    conversion: 'Peu d’offres sont payées',
    account_attention: 'Un compte demande une intervention',
    backup_failed: 'Une sauvegarde a échoué',
    reel_missing: 'Aucun reel prévu demain',
    // Mémoire des conversations (issue 22)
    memory_down: 'La mémoire des conversations est injoignable',
    followup_sent: 'L’automatisation a envoyé une relance',
  },
};

export const kindTitle = (kind: NotificationKind, lang: Lang) => kindWords[lang][kind];
