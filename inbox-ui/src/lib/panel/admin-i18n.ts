import type { Lang } from '$lib/i18n';

/** The words of the home screens, passwords, archiving and automation settings. */
export const adminText = {
  en: {
    // Home
    homeTitle: 'Home',
    homeScope: 'Show',
    allCreators: 'All creators',
    studioTitle: 'My studio',
    lastDays: 'Last {n} days',
    creatorsManaged: 'Creators managed',
    archivedCount: '{n} archived',
    manageCreators: 'Manage creators',
    performance: 'Performance across platforms',
    platformCol: 'Platform',
    allPlatforms: 'All platforms',
    messagesIn: 'Fan messages',
    messagesOut: 'Replies sent',
    replyTime: 'Median reply time',
    conversion: 'Conversion',
    revenue: 'Revenue',
    noFigures: 'No messages or offers in this period yet.',
    publishing: 'Publishing',
    published: 'Published',
    publishFailed: 'Failed',
    unconfirmed: 'To check',
    scheduledNext: 'Scheduled',
    noPosts: 'No post published, failed or scheduled in this period.',
    openPosts: 'Open posts',
    approvals: 'Waiting for approval',
    approvalsCount: '{n} replies wait for a person',
    oldestWaiting: 'oldest waiting {d}',
    openApprovals: 'Open approvals',
    alerts: 'Open alerts',
    noAlerts: 'Nothing needs attention.',
    accountAttention: '{a} ({c}) needs attention',
    escalated: '{n} escalated conversations',
    minors: '{n} fans flagged as possibly under 18',
    held: '{n} drafts held by the checks',
    openInbox: 'Open the inbox',
    openAccounts: 'Open accounts',
    firstAccountTitle: 'Connect your first account',
    firstAccountText:
      'No platform account is connected yet. Connect a Telegram bot, Fanvue or OnlyFans for a creator to start receiving fan messages.',
    firstCreatorText: 'Start by creating a creator, then connect their platform accounts.',
    createCreator: 'Create a creator',
    connectAccount: 'Connect an account',
    automationDid: 'What automation did',
    automationNone: 'Nothing automated was sent in this period.',
    kinds: { auto_reply: 'AI reply sent', offer: 'Offer made', follow_up: 'Follow-up sent' },
    followUpKinds: {
      offer: 'offer reminder',
      welcome: 'welcome',
      suggestion: 'suggestion',
      thank_you: 'thank-you',
    } as Record<string, string>,
    toFan: 'to {f}',
    myFigures: 'My figures',
    loadFailed: 'Could not load the figures.',

    // Passwords
    accountTitle: 'My account',
    changePassword: 'Change my password',
    currentPassword: 'Current password',
    newPassword: 'New password',
    confirmPassword: 'New password again',
    passwordHint: 'At least 12 characters.',
    mismatch: 'does not match the new password',
    passwordChanged: 'Your password is changed. Your other sign-ins are ended.',
    mustChange: 'You signed in with a temporary password. Choose your own password to continue.',
    resetPassword: 'Reset password',
    resetConfirm: 'Reset the password of {e}? Their sign-ins end at once.',
    resetYes: 'Yes, reset',
    temporaryTitle: 'Temporary password for {e}',
    temporaryText:
      'Give it to them by a safe channel: it is shown only this once. They must choose their own at their next sign-in.',
    copy: 'Copy',
    copied: 'Copied.',
    done: 'Done',
    mustChangeBadge: 'must change password',

    // Archive
    archive: 'Archive',
    unarchive: 'Unarchive',
    archiveConfirm:
      'Archive {c}? They leave the lists and nothing automated is sent for them; fans’ messages are still received and shown.',
    archiveYes: 'Yes, archive',
    archivedNotice: '{c} is archived.',
    unarchivedNotice: '{c} is back among the working creators.',
    archivedTitle: 'Archived creators',
    archivedSince: 'archived {d}',
    showArchived: 'Show archived creators',
    hideArchived: 'Hide archived creators',
    noArchived: 'No archived creator.',

    // Automation
    automation: 'Automation',
    automationTitle: 'Automation settings · {c}',
    automationHint: 'Leave a field empty to use the default shown beside it.',
    followUps: 'Follow-ups after an offer',
    followUpDelay: 'Delay for {p} (minutes)',
    packTypes: {
      feet: 'feet packs',
      lingerie: 'lingerie packs',
      nude_art: 'art nude packs',
      default: 'other packs',
    } as Record<string, string>,
    budget: 'Follow-ups per fan per week',
    spamThreshold: 'Spam threshold (0.5–1)',
    spamThresholdHint: 'How sure the classifier must be before a message counts as spam.',
    spamCooldown: 'Spam cooldown (seconds)',
    welcomeDelay: 'Welcome delay (seconds)',
    escalateWhen: 'Hand the conversation to a person when',
    escalateMinors: 'A fan who may be under 18 is always handed to a person.',
    escalationRules: {
      technical_issue: 'the fan reports a technical problem',
      complaint_refund: 'the fan complains or asks for a refund',
      human_request: 'the fan asks to talk to a person',
      fallbacks: 'the AI fell back to a template three times in a row',
    },
    quietFrom: 'Quiet hours from',
    quietUntil: 'Quiet hours until',
    quietHint: 'No automated message in this local window; empty for the market default ({s}–{e}).',
    defaultIs: 'Default: {v}',
    automationSaved: 'Automation settings of {c} saved.',
    // Fans' satisfaction question
    satisfactionTitle: 'Fans’ satisfaction',
    satisfactionEnable: 'Ask fans a one-tap satisfaction question (1 to 5)',
    satisfactionHint:
      'After a purchase, and when a person hands a conversation back, at most once a month per fan: buttons where the platform has them, else the fan types a number. Never to a fan who opted out, may be under 18, has not confirmed 18+ where the platform does not check, or whose conversation a person holds. Scores show on the dashboard.',
    satisfactionFr: 'Her own wording, French (optional)',
    satisfactionEn: 'Her own wording, English (optional)',
    satisfactionWordingHint: 'Empty: the default wording. Buttons 1 to 5 follow it.',
    // Auto-like of friendly replies (inspiration and interactions)
    autoLikeTitle: 'Like friendly replies to her posts',
    autoLikeEnable: 'Like the replies the classifier finds friendly (X, Bluesky)',
    autoLikeHint:
      'Off unless you turn it on. A few times an hour Velvet reads the replies under her own published posts through the platform’s official API and likes, as her account, only those the classifier finds friendly (a compliment or a greeting): never spam, never a hostile reply, never anyone who may be under 18. Each reply is liked at most once, and each like is in the activity log.',
    autoLikeBudget: 'Likes per 24 hours (1–500)',
    autoLikePlatforms:
      'Instagram and TikTok: their official APIs offer no way to like comments as the account, so Velvet does not do it there.',
    autoLikeWhyNotTitle: 'Why not like or share from other accounts to boost her reach?',
    autoLikeWhyNot:
      'Velvet never likes or shares from other accounts (“farm” accounts) to inflate reach. It is fake engagement: the platforms forbid it, detect it, and suspend the accounts it helps, hers included. Only her own account likes, and only real replies to her own posts.',
  },
  fr: {
    homeTitle: 'Accueil',
    homeScope: 'Afficher',
    allCreators: 'Toutes les créatrices',
    studioTitle: 'Mon studio',
    lastDays: '{n} derniers jours',
    creatorsManaged: 'Créatrices gérées',
    archivedCount: '{n} archivée(s)',
    manageCreators: 'Gérer les créatrices',
    performance: 'Performances, toutes plateformes',
    platformCol: 'Plateforme',
    allPlatforms: 'Toutes les plateformes',
    messagesIn: 'Messages de fans',
    messagesOut: 'Réponses envoyées',
    replyTime: 'Délai de réponse médian',
    conversion: 'Conversion',
    revenue: 'Chiffre d’affaires',
    noFigures: 'Aucun message ni offre sur cette période pour l’instant.',
    publishing: 'Publications',
    published: 'Publiées',
    publishFailed: 'Échouées',
    unconfirmed: 'À vérifier',
    scheduledNext: 'Programmées',
    noPosts: 'Aucune publication publiée, échouée ou programmée sur cette période.',
    openPosts: 'Ouvrir les publications',
    approvals: 'En attente de validation',
    approvalsCount: '{n} réponses attendent une personne',
    oldestWaiting: 'la plus ancienne attend depuis {d}',
    openApprovals: 'Ouvrir les validations',
    alerts: 'Alertes ouvertes',
    noAlerts: 'Rien ne demande d’attention.',
    accountAttention: '{a} ({c}) demande une intervention',
    escalated: '{n} conversations escaladées',
    minors: '{n} fans signalés comme peut-être mineurs',
    held: '{n} brouillons retenus par les contrôles',
    openInbox: 'Ouvrir la messagerie',
    openAccounts: 'Ouvrir les comptes',
    firstAccountTitle: 'Connectez votre premier compte',
    firstAccountText:
      'Aucun compte de plateforme n’est encore connecté. Connectez un bot Telegram, Fanvue ou OnlyFans pour une créatrice afin de recevoir les messages des fans.',
    firstCreatorText: 'Commencez par créer une créatrice, puis connectez ses comptes.',
    createCreator: 'Créer une créatrice',
    connectAccount: 'Connecter un compte',
    automationDid: 'Ce que l’automatisation a fait',
    automationNone: 'Rien d’automatique n’a été envoyé sur cette période.',
    kinds: { auto_reply: 'Réponse IA envoyée', offer: 'Offre faite', follow_up: 'Relance envoyée' },
    followUpKinds: {
      offer: 'rappel d’offre',
      welcome: 'bienvenue',
      suggestion: 'suggestion',
      thank_you: 'remerciement',
    } as Record<string, string>,
    toFan: 'à {f}',
    myFigures: 'Mes chiffres',
    loadFailed: 'Impossible de charger les chiffres.',

    accountTitle: 'Mon compte',
    changePassword: 'Changer mon mot de passe',
    currentPassword: 'Mot de passe actuel',
    newPassword: 'Nouveau mot de passe',
    confirmPassword: 'Nouveau mot de passe, encore',
    passwordHint: 'Au moins 12 caractères.',
    mismatch: 'ne correspond pas au nouveau mot de passe',
    passwordChanged: 'Votre mot de passe est changé. Vos autres connexions sont terminées.',
    mustChange: 'Vous êtes connecté·e avec un mot de passe temporaire. Choisissez le vôtre pour continuer.',
    resetPassword: 'Réinitialiser le mot de passe',
    resetConfirm: 'Réinitialiser le mot de passe de {e} ? Ses connexions se terminent aussitôt.',
    resetYes: 'Oui, réinitialiser',
    temporaryTitle: 'Mot de passe temporaire pour {e}',
    temporaryText:
      'Transmettez-le par un canal sûr : il n’est affiché qu’une fois. La personne devra choisir le sien à sa prochaine connexion.',
    copy: 'Copier',
    copied: 'Copié.',
    done: 'Terminé',
    mustChangeBadge: 'doit changer son mot de passe',

    archive: 'Archiver',
    unarchive: 'Désarchiver',
    archiveConfirm:
      'Archiver {c} ? Elle quitte les listes et rien d’automatique n’est envoyé pour elle ; les messages des fans sont toujours reçus et affichés.',
    archiveYes: 'Oui, archiver',
    archivedNotice: '{c} est archivée.',
    unarchivedNotice: '{c} est de retour parmi les créatrices actives.',
    archivedTitle: 'Créatrices archivées',
    archivedSince: 'archivée le {d}',
    showArchived: 'Afficher les créatrices archivées',
    hideArchived: 'Masquer les créatrices archivées',
    noArchived: 'Aucune créatrice archivée.',

    automation: 'Automatisation',
    automationTitle: 'Réglages d’automatisation · {c}',
    automationHint: 'Laissez un champ vide pour utiliser la valeur par défaut indiquée.',
    followUps: 'Relances après une offre',
    followUpDelay: 'Délai pour les {p} (minutes)',
    packTypes: {
      feet: 'packs pieds',
      lingerie: 'packs lingerie',
      nude_art: 'packs nu artistique',
      default: 'autres packs',
    } as Record<string, string>,
    budget: 'Relances par fan et par semaine',
    spamThreshold: 'Seuil de spam (0,5–1)',
    spamThresholdHint: 'La certitude du classifieur à partir de laquelle un message compte comme spam.',
    spamCooldown: 'Pause après un spam (secondes)',
    welcomeDelay: 'Délai du message de bienvenue (secondes)',
    escalateWhen: 'Passer la conversation à une personne quand',
    escalateMinors: 'Un fan qui pourrait avoir moins de 18 ans est toujours passé à une personne.',
    escalationRules: {
      technical_issue: 'le fan signale un problème technique',
      complaint_refund: 'le fan se plaint ou demande un remboursement',
      human_request: 'le fan demande à parler à une personne',
      fallbacks: 'l’IA a dû répondre par un modèle trois fois de suite',
    },
    quietFrom: 'Heures calmes, de',
    quietUntil: 'Heures calmes, jusqu’à',
    quietHint: 'Aucun message automatique dans cette plage locale ; vide pour la valeur du marché ({s}–{e}).',
    defaultIs: 'Par défaut : {v}',
    automationSaved: 'Réglages d’automatisation de {c} enregistrés.',
    // Fans' satisfaction question
    satisfactionTitle: 'Satisfaction des fans',
    satisfactionEnable: 'Poser aux fans une question de satisfaction en un geste (1 à 5)',
    satisfactionHint:
      'Après un achat, et quand une personne rend une conversation, au plus une fois par mois par fan : des boutons là où la plateforme en a, sinon le fan tape un chiffre. Jamais à un fan désinscrit, peut-être mineur, qui n’a pas confirmé ses 18 ans là où la plateforme ne vérifie pas, ou dont une personne tient la conversation. Les notes s’affichent sur le tableau de bord.',
    satisfactionFr: 'Sa propre formulation, en français (facultatif)',
    satisfactionEn: 'Sa propre formulation, en anglais (facultatif)',
    satisfactionWordingHint: 'Vide : la formulation par défaut. Les boutons 1 à 5 suivent.',
    // Auto-like of friendly replies (inspiration and interactions)
    autoLikeTitle: 'Aimer les réponses bienveillantes à ses publications',
    autoLikeEnable: 'Aimer les réponses que le classifieur juge bienveillantes (X, Bluesky)',
    autoLikeHint:
      'Désactivé tant que vous ne l’activez pas. Quelques fois par heure, Velvet lit les réponses sous ses propres publications parues via l’API officielle de la plateforme et aime, avec son compte, seulement celles que le classifieur juge bienveillantes (un compliment ou un bonjour) : jamais de spam, jamais une réponse hostile, jamais quelqu’un qui pourrait avoir moins de 18 ans. Chaque réponse est aimée une fois au plus, et chaque j’aime figure dans le journal d’activité.',
    autoLikeBudget: 'J’aime par 24 heures (1–500)',
    autoLikePlatforms:
      'Instagram et TikTok : leurs API officielles ne permettent pas d’aimer des commentaires avec le compte, Velvet ne le fait donc pas là-bas.',
    autoLikeWhyNotTitle:
      'Pourquoi ne pas aimer ou partager depuis d’autres comptes pour augmenter sa portée ?',
    autoLikeWhyNot:
      'Velvet n’aime ni ne partage jamais depuis d’autres comptes (des comptes « fermes ») pour gonfler la portée. C’est de l’engagement factice : les plateformes l’interdisent, le détectent et suspendent les comptes qu’il sert, le sien compris. Seul son propre compte aime, et seulement de vraies réponses à ses propres publications.',
  },
} satisfies Record<Lang, unknown>;

export type AdminText = (typeof adminText)[Lang];

/** "3 min", "1 h 05", "42 s": a duration in words a person reads at a glance. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')}`;
}

export function money(cents: number, currency: string, lang: Lang): string {
  try {
    return new Intl.NumberFormat(lang, { style: 'currency', currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function percent(rate: number | null, lang: Lang): string {
  return rate === null
    ? '—'
    : new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 }).format(rate);
}
