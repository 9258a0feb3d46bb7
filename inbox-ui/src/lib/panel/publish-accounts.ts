import type { Lang } from '$lib/i18n';

/** Words of the accounts screen for platforms Velvet only publishes to (Bluesky, later X…). */
export const publishAccountText: Record<Lang, { labels: Record<string, string>; publishOnly: string }> = {
  en: {
    labels: {
      identifier: 'Handle or email (Bluesky: name.bsky.social)',
      password: 'App password (Bluesky: Settings → Privacy and security → App passwords)',
    },
    publishOnly:
      'Publishing only: Velvet posts there on the calendar; fans’ messages on this platform do not reach the inbox.',
  },
  fr: {
    labels: {
      identifier: 'Identifiant ou e-mail (Bluesky : nom.bsky.social)',
      password:
        'Mot de passe d’application (Bluesky : Paramètres → Confidentialité et sécurité → Mots de passe d’application)',
    },
    publishOnly:
      'Publication seulement : Velvet y publie selon le calendrier ; les messages des fans sur cette plateforme n’arrivent pas dans la boîte de réception.',
  },
};
