export type Lang = 'en' | 'fr';

export const messages = {
  en: {
    title: 'Sign in to Velvet',
    email: 'Email',
    password: 'Password',
    signIn: 'Sign in',
    signingIn: 'Signing in…',
    signOut: 'Sign out',
    signedInAs: 'Signed in as',
    switchTo: 'FR',
    switchLabel: 'Passer en français',
    retryAfter: 'Try again in {s} s.',
    networkError: 'Could not reach the server. Check your connection and try again.',
    unexpected: 'Unexpected response from the server.',
    navInbox: 'Inbox',
    navHome: 'Home',
    navStudio: 'My studio',
    navAccount: 'My account',
    navApprovals: 'Approvals',
    navDashboard: 'Dashboard',
    navCreators: 'Creators',
    navAccounts: 'Accounts',
    navUsers: 'Users',
    navBackups: 'Backups',
    navMore: 'More',
    mainNav: 'Main',
    connected: 'Live',
    reconnecting: 'Reconnecting…',
    offline: 'Offline',
    connectionLabel: 'Connection',
    loading: 'Loading…',
  },
  fr: {
    title: 'Connexion à Velvet',
    email: 'E-mail',
    password: 'Mot de passe',
    signIn: 'Se connecter',
    signingIn: 'Connexion…',
    signOut: 'Se déconnecter',
    signedInAs: 'Connecté en tant que',
    switchTo: 'EN',
    switchLabel: 'Switch to English',
    retryAfter: 'Réessayez dans {s} s.',
    networkError: 'Impossible de joindre le serveur. Vérifiez votre connexion et réessayez.',
    unexpected: 'Réponse inattendue du serveur.',
    navInbox: 'Messagerie',
    navHome: 'Accueil',
    navStudio: 'Mon studio',
    navAccount: 'Mon compte',
    navApprovals: 'Validations',
    navDashboard: 'Tableau de bord',
    navCreators: 'Modèles',
    navAccounts: 'Comptes',
    navUsers: 'Utilisateurs',
    navBackups: 'Sauvegardes',
    navMore: 'Plus',
    mainNav: 'Principal',
    connected: 'En direct',
    reconnecting: 'Reconnexion…',
    offline: 'Hors ligne',
    connectionLabel: 'Connexion',
    loading: 'Chargement…',
  },
} as const satisfies Record<Lang, Record<string, string>>;

export type Messages = (typeof messages)[Lang];

/** fr, fr-FR, fr-CA… → French; everything else → English. */
export function detectLang(): Lang {
  const nav = typeof navigator === 'undefined' ? '' : navigator.language;
  return nav.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}
