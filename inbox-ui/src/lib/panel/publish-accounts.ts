import type { Lang } from '$lib/i18n';

/** Words of the accounts screen for platforms Velvet only publishes to. */
export const publishAccountText: Record<Lang, { publishOnly: string }> = {
  en: {
    publishOnly:
      'Publishing only: Velvet posts there on the calendar; fans’ messages on this platform do not reach the inbox.',
  },
  fr: {
    publishOnly:
      'Publication seulement : Velvet y publie selon le calendrier ; les messages des fans sur cette plateforme n’arrivent pas dans la boîte de réception.',
  },
};
