import type { Lang } from '$lib/i18n';

/** Words of the accounts screen for platforms Velvet only publishes to (Bluesky, Instagram, later X…). */
export const publishAccountText: Record<Lang, { labels: Record<string, string>; publishOnly: string }> = {
  en: {
    labels: {
      identifier: 'Handle or email (Bluesky: name.bsky.social)',
      password: 'App password (Bluesky: Settings → Privacy and security → App passwords)',
      igUserId:
        'Instagram professional account id (Meta app dashboard). Instagram fetches the media from this hub: PUBLIC_URL must be its public https:// address',
      igAccessToken: 'Long-lived access token with the content publishing permission',
    },
    publishOnly:
      'Publishing only: Velvet posts there on the calendar; fans’ messages on this platform do not reach the inbox.',
  },
  fr: {
    labels: {
      identifier: 'Identifiant ou e-mail (Bluesky : nom.bsky.social)',
      password:
        'Mot de passe d’application (Bluesky : Paramètres → Confidentialité et sécurité → Mots de passe d’application)',
      igUserId:
        'Identifiant du compte professionnel Instagram (tableau de bord de l’app Meta). Instagram récupère les médias sur ce hub : PUBLIC_URL doit être son adresse publique https://',
      igAccessToken: 'Jeton d’accès longue durée avec la permission de publication',
    },
    publishOnly:
      'Publication seulement : Velvet y publie selon le calendrier ; les messages des fans sur cette plateforme n’arrivent pas dans la boîte de réception.',
  },
};
